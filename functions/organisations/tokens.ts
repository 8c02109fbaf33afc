import { createHash, randomBytes } from 'node:crypto';

/**
 * Invitation tokens: 32 random bytes, base64url (43 characters). The token
 * travels only in the e-mail's link; the table keeps its SHA-256, so a read of
 * the table cannot be turned into a working link.
 */
export function newInvitationToken(): { readonly token: string; readonly hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 of a token, hex. (A fast hash suffices: the token has 256 bits of entropy, nothing to guess.) */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
