import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { previewInvitation } from '#shared/api/organisations';
import { openInvitation, type TokenDeps } from './invitation-token';
import { OrganisationStore } from './organisation-store';
import { UserPoolPeople } from './people';

/** POST /v1/invitations/preview — what a link offers (organisation, role, invited address) and whether it is for the caller; changes nothing. */
export const previewInvitationHandler = (deps: TokenDeps) =>
  apiHandler(previewInvitation, async ({ body, caller }) => {
    const { invitation, person } = await openInvitation(deps, body.token, caller.sub);
    return {
      organisationName: invitation.organisationName,
      role: invitation.role,
      email: invitation.email,
      ...(invitation.invitedByEmail && { invitedByEmail: invitation.invitedByEmail }),
      expiresAt: invitation.validUntil,
      forYou: person?.email === invitation.email && person.verified,
    };
  });

export const handler = previewInvitationHandler({ organisations: new OrganisationStore(ddb(), requireEnv('Table')), people: new UserPoolPeople(cognitoClient(), requireEnv('UserPool')) });
