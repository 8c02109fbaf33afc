import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { listInvitations } from '#shared/api/organisations';
import { manageInvitationsRefusal } from '#shared/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { invitationView, organisationNotFound } from './views';

/** GET /v1/organisations/{orgId}/invitations — for owners and admins: the invitations waiting for an answer. */
export const listInvitationsHandler = ({ organisations, now = () => new Date() }: { readonly organisations: Pick<Organisations, 'membership' | 'invitations'>; readonly now?: () => Date }) =>
  apiHandler(listInvitations, async ({ params, caller }) => {
    const me = await organisations.membership(params.orgId, caller.sub);
    if (!me) throw organisationNotFound();
    const refusal = manageInvitationsRefusal(me.role);
    if (refusal) throw new ApiError(refusal.code, refusal.message);
    const at = now();
    return { invitations: (await organisations.invitations(params.orgId)).map((invitation) => invitationView(invitation, at)) };
  });

export const handler = listInvitationsHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
