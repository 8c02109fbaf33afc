import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { updateMember } from '#shared/api/organisations';
import { type Organisations, OrganisationStore } from './organisation-store';
import { asApi, memberView } from './views';

/**
 * PUT /v1/organisations/{orgId}/members/{memberSub} — changes a member's role
 * under the organisation's rules (shared/organisations.ts): owners change
 * anyone and keep at least one owner; admins change admins and members.
 */
export const updateMemberHandler = ({ organisations }: { readonly organisations: Pick<Organisations, 'changeRole'> }) =>
  apiHandler(updateMember, async ({ params, body, caller }) => {
    const member = await asApi(organisations.changeRole(caller.sub, params.orgId, params.memberSub, body.role));
    logger.info('Member role changed', { orgId: params.orgId, member: params.memberSub, role: member.role, by: caller.sub });
    return memberView(member);
  });

export const handler = updateMemberHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
