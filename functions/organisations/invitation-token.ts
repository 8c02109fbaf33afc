import { ApiError } from '#lib/errors';
import { type InvitationRecord, type Organisations, tokenRefusal } from './organisation-store';
import type { PersonEmail, People } from './people';
import { hashToken } from './tokens';

/** What answering (or previewing) an invitation by its token reads. */
export interface TokenDeps {
  readonly organisations: Pick<Organisations, 'invitationByToken'>;
  readonly people: People;
  readonly now?: () => Date;
}

/**
 * The invitation a token opens, with the signed-in person's e-mail from the
 * user pool; refused when the token matches none (404) or no longer works
 * (410: expired, used, revoked or replaced).
 */
export async function openInvitation(deps: TokenDeps, token: string, sub: string): Promise<{ invitation: InvitationRecord; hash: string; person: PersonEmail | undefined }> {
  // The person first: whoever calls, the pool is read before the table.
  const person = await deps.people.email(sub);
  const hash = hashToken(token);
  const invitation = await deps.organisations.invitationByToken(hash);
  if (!invitation) throw new ApiError('INVITATION_NOT_FOUND', 'This invitation link is not valid. Check that you opened the whole link from the e-mail.');
  const refusal = tokenRefusal(invitation, hash, (deps.now ?? (() => new Date()))());
  if (refusal) throw new ApiError(refusal.reason, refusal.message);
  return { invitation, hash, person };
}

/** Only the invited address, verified, may answer an invitation. */
export function assertInvitee(invitation: InvitationRecord, person: PersonEmail | undefined): string {
  if (!person?.email || person.email !== invitation.email) {
    throw new ApiError(
      'INVITATION_FOR_SOMEONE_ELSE',
      `This invitation was sent to ${invitation.email}; you are signed in as ${person?.email ?? 'someone without an e-mail address'}. Sign in with the invited address to answer it.`,
    );
  }
  if (!person.verified) throw new ApiError('EMAIL_NOT_VERIFIED', `Verify your e-mail address ${person.email} first, then open the link again.`);
  return person.email;
}
