import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { revokeInvitation } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { asApi } from './views';

/** DELETE /v1/organisations/{orgId}/invitations/{invitationId} — withdraws a pending invitation; its link stops working. */
export const revokeInvitationHandler = ({ organisations }: { readonly organisations: Pick<Organisations, 'revoke'> }) =>
  apiHandler(revokeInvitation, async ({ params, caller }) => {
    await asApi(organisations.revoke(caller.sub, params.orgId, params.invitationId));
    logger.info('Invitation revoked', { orgId: params.orgId, invitationId: params.invitationId });
    return { invitationId: params.invitationId, status: 'revoked' as const };
  });

export const handler = revokeInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
