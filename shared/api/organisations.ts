import {
  createOrganisationSchema,
  invitationInputSchema,
  invitationPreviewSchema,
  invitationViewSchema,
  memberViewSchema,
  organisationSummarySchema,
  organisationViewSchema,
  roleChangeSchema,
  tokenBodySchema,
} from '../organisations';
import * as z from '../validation';
import { defineRoute } from './contract';

/*
 * Organisations: teams with a shared wallet, their members and invitations.
 * Anyone who is not a member gets 404 ORGANISATION_NOT_FOUND for everything
 * under /v1/organisations/{orgId}; a member whose role does not allow an action
 * gets 403 ORGANISATION_ADMIN_REQUIRED or ORGANISATION_OWNER_REQUIRED.
 */

export const orgIdParams = z.strictObject({ orgId: z.uuid({ error: 'The organisation ID in the path is not a valid organisation ID.' }) });
export const invitationParams = z.strictObject({
  orgId: z.uuid({ error: 'The organisation ID in the path is not a valid organisation ID.' }),
  invitationId: z.uuid({ error: 'The invitation ID in the path is not a valid invitation ID.' }),
});
export const memberParams = z.strictObject({
  orgId: z.uuid({ error: 'The organisation ID in the path is not a valid organisation ID.' }),
  memberSub: z.uuid({ error: "The member ID in the path is not a valid person's ID." }),
});

export const createOrganisation = defineRoute({
  operationId: 'createOrganisation',
  method: 'POST',
  path: '/v1/organisations',
  auth: 'user',
  tag: 'organisations',
  summary: 'Create an organisation; the caller becomes its owner',
  description: 'Opens the organisation\'s shared wallet (empty) with it.',
  body: createOrganisationSchema,
  status: 201,
  response: organisationSummarySchema,
  errors: [],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

export const listOrganisations = defineRoute({
  operationId: 'listOrganisations',
  method: 'GET',
  path: '/v1/organisations',
  auth: 'user',
  tag: 'organisations',
  summary: 'The organisations the caller belongs to, with their role in each',
  status: 200,
  response: z.object({ organisations: z.array(organisationSummarySchema) }),
  errors: [],
});

export const getOrganisation = defineRoute({
  operationId: 'getOrganisation',
  method: 'GET',
  path: '/v1/organisations/{orgId}',
  auth: 'user',
  tag: 'organisations',
  summary: 'An organisation the caller belongs to: its members, their roles and the shared wallet',
  description: "The wallet's history is `GET /v1/wallets/{walletId}/entries`, for owners and admins.",
  params: orgIdParams,
  status: 200,
  response: organisationViewSchema,
  errors: ['ORGANISATION_NOT_FOUND'],
});

export const createInvitation = defineRoute({
  operationId: 'createInvitation',
  method: 'POST',
  path: '/v1/organisations/{orgId}/invitations',
  auth: 'user',
  tag: 'organisations',
  summary: 'Invite someone by e-mail (owners and admins; only owners invite owners)',
  description: 'E-mails a link that works once, for 7 days, and only for the invited address.',
  params: orgIdParams,
  body: invitationInputSchema,
  status: 201,
  response: invitationViewSchema,
  errors: ['ORGANISATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'ORGANISATION_OWNER_REQUIRED', 'ALREADY_MEMBER', 'INVITATION_PENDING', 'TOO_MANY_INVITATIONS'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

export const listInvitations = defineRoute({
  operationId: 'listInvitations',
  method: 'GET',
  path: '/v1/organisations/{orgId}/invitations',
  auth: 'user',
  tag: 'organisations',
  summary: 'Invitations waiting for an answer (owners and admins)',
  params: orgIdParams,
  status: 200,
  response: z.object({ invitations: z.array(invitationViewSchema) }),
  errors: ['ORGANISATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED'],
});

export const revokeInvitation = defineRoute({
  operationId: 'revokeInvitation',
  method: 'DELETE',
  path: '/v1/organisations/{orgId}/invitations/{invitationId}',
  auth: 'user',
  tag: 'organisations',
  summary: 'Withdraw a pending invitation: its link stops working',
  params: invitationParams,
  status: 200,
  response: z.object({ invitationId: z.string(), status: z.literal('revoked') }),
  errors: ['ORGANISATION_NOT_FOUND', 'INVITATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'ORGANISATION_OWNER_REQUIRED'],
});

export const resendInvitation = defineRoute({
  operationId: 'resendInvitation',
  method: 'POST',
  path: '/v1/organisations/{orgId}/invitations/{invitationId}/resend',
  auth: 'user',
  tag: 'organisations',
  summary: 'E-mail a pending invitation again, with a new link valid 7 days; the old link stops working',
  params: invitationParams,
  status: 200,
  response: invitationViewSchema,
  errors: ['ORGANISATION_NOT_FOUND', 'INVITATION_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'ORGANISATION_OWNER_REQUIRED'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});

/** The token travels in the body, never in a path or query string, so it stays out of access logs. */
export const previewInvitation = defineRoute({
  operationId: 'previewInvitation',
  method: 'POST',
  path: '/v1/invitations/preview',
  auth: 'user',
  tag: 'organisations',
  summary: 'What an invitation link offers: the organisation, the role, and whether it is for the caller',
  description: 'Reads only; answers 410 for a link that expired, was used, revoked or replaced.',
  body: tokenBodySchema,
  status: 200,
  response: invitationPreviewSchema,
  errors: ['INVITATION_NOT_FOUND', 'INVITATION_EXPIRED', 'INVITATION_USED', 'INVITATION_REVOKED'],
});

export const acceptInvitation = defineRoute({
  operationId: 'acceptInvitation',
  method: 'POST',
  path: '/v1/invitations/accept',
  auth: 'user',
  tag: 'organisations',
  summary: 'Join the organisation of an invitation, in the invited role',
  description: "Only the person whose verified e-mail is the invited address may accept; the link then stops working.",
  body: tokenBodySchema,
  status: 200,
  response: organisationSummarySchema,
  errors: [
    'INVITATION_NOT_FOUND',
    'INVITATION_FOR_SOMEONE_ELSE',
    'EMAIL_NOT_VERIFIED',
    'ALREADY_MEMBER',
    'TOO_MANY_MEMBERS',
    'INVITATION_EXPIRED',
    'INVITATION_USED',
    'INVITATION_REVOKED',
  ],
});

export const declineInvitation = defineRoute({
  operationId: 'declineInvitation',
  method: 'POST',
  path: '/v1/invitations/decline',
  auth: 'user',
  tag: 'organisations',
  summary: 'Decline an invitation; the link then stops working',
  body: tokenBodySchema,
  status: 200,
  response: z.object({ status: z.literal('declined') }),
  errors: ['INVITATION_NOT_FOUND', 'INVITATION_FOR_SOMEONE_ELSE', 'EMAIL_NOT_VERIFIED', 'INVITATION_EXPIRED', 'INVITATION_USED', 'INVITATION_REVOKED'],
});

export const updateMember = defineRoute({
  operationId: 'updateMember',
  method: 'PUT',
  path: '/v1/organisations/{orgId}/members/{memberSub}',
  auth: 'user',
  tag: 'organisations',
  summary: "Change a member's role",
  description:
    'Owners change anyone, including making someone an owner (an organisation may have several; that is how ownership is transferred) and stepping down while another owner remains. Admins change admins and members between those two roles. Members change nobody.',
  params: memberParams,
  body: roleChangeSchema,
  status: 200,
  response: memberViewSchema,
  errors: ['ORGANISATION_NOT_FOUND', 'MEMBER_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'ORGANISATION_OWNER_REQUIRED', 'LAST_OWNER'],
});

export const removeMember = defineRoute({
  operationId: 'removeMember',
  method: 'DELETE',
  path: '/v1/organisations/{orgId}/members/{memberSub}',
  auth: 'user',
  tag: 'organisations',
  summary: 'Remove someone from the organisation',
  description: 'Owners remove anyone but the last owner; admins remove admins and members. Removing yourself is leaving.',
  params: memberParams,
  status: 200,
  response: z.object({ sub: z.string(), removed: z.literal(true) }),
  errors: ['ORGANISATION_NOT_FOUND', 'MEMBER_NOT_FOUND', 'ORGANISATION_ADMIN_REQUIRED', 'ORGANISATION_OWNER_REQUIRED', 'LAST_OWNER'],
});

export const leaveOrganisation = defineRoute({
  operationId: 'leaveOrganisation',
  method: 'POST',
  path: '/v1/organisations/{orgId}/leave',
  auth: 'user',
  tag: 'organisations',
  summary: 'Leave an organisation (the last owner cannot)',
  params: orgIdParams,
  status: 200,
  response: z.object({ orgId: z.string(), left: z.literal(true) }),
  errors: ['ORGANISATION_NOT_FOUND', 'LAST_OWNER'],
});
