import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { declineInvitation } from '#shared/api/organisations';
import { assertInvitee, openInvitation, type TokenDeps } from './invitation-token';
import { type Organisations, OrganisationStore } from './organisation-store';
import { UserPoolPeople } from './people';
import { asApi } from './views';

/** POST /v1/invitations/decline — the invited person says no; the link then stops working. */
export const declineInvitationHandler = (deps: TokenDeps & { readonly organisations: Pick<Organisations, 'invitationByToken' | 'decline'> }) =>
  apiHandler(declineInvitation, async ({ body, caller }) => {
    const { invitation, hash, person } = await openInvitation(deps, body.token, caller.sub);
    assertInvitee(invitation, person);
    await asApi(deps.organisations.decline(hash, { sub: caller.sub }));
    logger.info('Invitation declined', { orgId: invitation.orgId, invitationId: invitation.invitationId });
    return { status: 'declined' as const };
  });

export const handler = declineInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), people: new UserPoolPeople(cognitoClient(), requireEnv('UserPool')) });
