import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { leaveOrganisation } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { asApi } from './views';

/** POST /v1/organisations/{orgId}/leave — the caller leaves; the last owner cannot (LAST_OWNER). */
export const leaveOrganisationHandler = ({ organisations }: { readonly organisations: Pick<Organisations, 'remove'> }) =>
  apiHandler(leaveOrganisation, async ({ params, caller }) => {
    await asApi(organisations.remove(caller.sub, params.orgId, caller.sub));
    logger.info('Member left', { orgId: params.orgId, member: caller.sub });
    return { orgId: params.orgId, left: true as const };
  });

export const handler = leaveOrganisationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
