import { ApiError } from '#lib/errors';
import type { InvitationView, MemberView } from '#shared/organisations';
import { type InvitationRecord, type MemberRecord, OrganisationError } from './organisation-store';

/** An invitation as owners and admins see it: never its token or the token's hash. */
export function invitationView(invitation: InvitationRecord, now: Date): InvitationView {
  const { invitationId, orgId, email, role, invitedBy, createdAt, validUntil } = invitation;
  return { invitationId, orgId, email, role, invitedBy, createdAt, expiresAt: validUntil, expired: Date.parse(validUntil) <= now.getTime() };
}

export function memberView({ sub, email, role, joinedAt }: MemberRecord): MemberView {
  return { sub, ...(email !== undefined && { email }), role, joinedAt };
}

/** Runs store work, turning its refusals into the API errors of the same code. */
export async function asApi<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof OrganisationError) throw new ApiError(error.reason, error.message);
    throw error;
  }
}

/** Refuses anyone who is not a member of the organisation, as if it did not exist. */
export const organisationNotFound = () => new ApiError('ORGANISATION_NOT_FOUND', 'No such organisation.');
