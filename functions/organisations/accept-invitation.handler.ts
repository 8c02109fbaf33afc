import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { acceptInvitation } from '#shared/api/organisations';
import { assertInvitee, openInvitation, type TokenDeps } from './invitation-token';
import { type Organisations, OrganisationStore } from './organisation-store';
import { UserPoolPeople } from './people';
import { asApi } from './views';

/**
 * POST /v1/invitations/accept — the invited person (their verified e-mail is
 * the invited address) joins in the invited role; the link then stops working.
 */
export const acceptInvitationHandler = (deps: TokenDeps & { readonly organisations: Pick<Organisations, 'invitationByToken' | 'accept'> }) =>
  apiHandler(acceptInvitation, async ({ body, caller }) => {
    const { invitation, hash, person } = await openInvitation(deps, body.token, caller.sub);
    const email = assertInvitee(invitation, person);
    const joined = await asApi(deps.organisations.accept(hash, { sub: caller.sub, email }));
    logger.info('Invitation accepted', { orgId: joined.orgId, invitationId: invitation.invitationId, role: joined.role });
    return joined;
  });

export const handler = acceptInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), people: new UserPoolPeople(cognitoClient(), requireEnv('UserPool')) });
