import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { removeMember } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { asApi } from './views';

/** DELETE /v1/organisations/{orgId}/members/{memberSub} — removes someone (owners: anyone but the last owner; admins: admins and members). */
export const removeMemberHandler = ({ organisations }: { readonly organisations: Pick<Organisations, 'remove'> }) =>
  apiHandler(removeMember, async ({ params, caller }) => {
    await asApi(organisations.remove(caller.sub, params.orgId, params.memberSub));
    logger.info('Member removed', { orgId: params.orgId, member: params.memberSub, by: caller.sub });
    return { sub: params.memberSub, removed: true as const };
  });

export const handler = removeMemberHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
