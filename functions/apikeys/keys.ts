import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '#shared/apikeys';

/**
 * A new key: `hsk_<keyId>_<secret>`, where `keyId` is 12 random bytes in hex
 * (what lists show and the table is keyed by) and `secret` 32 random bytes in
 * base64url. Only the SHA-256 of the secret is kept.
 */
export function newApiKey(): { readonly key: string; readonly keyId: string; readonly secretHash: string } {
  const keyId = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `${API_KEY_PREFIX}${keyId}_${secret}`, keyId, secretHash: hashSecret(secret) };
}

/** SHA-256 of a secret, hex. A fast hash suffices: the secret holds 256 random bits, nothing to guess. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** `hsk_<keyId>`: what a key is recognised by in lists. */
export const keyPrefix = (keyId: string): string => `${API_KEY_PREFIX}${keyId}`;
