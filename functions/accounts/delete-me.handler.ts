import { AdminDeleteUserCommand, type CognitoIdentityProviderClient, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { cognitoClient, ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { deleteMe } from '#shared/api/accounts';

export interface DeleteMeDeps {
  readonly orders: Pick<Orders, 'openOrderCount'>;
  readonly organisations: Pick<Organisations, 'organisationsOf'>;
  readonly cognito: Pick<CognitoIdentityProviderClient, 'send'>;
  readonly userPoolId: string;
}

/**
 * DELETE /v1/me — the signed-in person deletes their account: removed from
 * the user pool, they can no longer sign in. Refused while they have orders
 * in progress (someone is working on them) or belong to an organisation (its
 * members and wallet must keep an owner). The personal wallet's ledger stays,
 * as the accounts need it; its credits are forfeited.
 */
export const deleteMeHandler = ({ orders, organisations, cognito, userPoolId }: DeleteMeDeps) =>
  apiHandler(deleteMe, async ({ caller }) => {
    // Leaving for good takes the person, signed in, not a key made for automation.
    if (caller.apiKey) throw new ApiError('API_KEY_NOT_ALLOWED', 'An API key cannot delete the account. Sign in to delete it.');
    const [open, memberships] = await Promise.all([orders.openOrderCount(caller.sub), organisations.organisationsOf(caller.sub)]);
    if (open > 0) {
      throw new ApiError('ORDERS_IN_PROGRESS', `You have ${open} order${open === 1 ? '' : 's'} in progress. Finish ${open === 1 ? 'it' : 'them'}, or wait until ${open === 1 ? 'it ends' : 'they end'}, then delete the account.`);
    }
    if (memberships.length) {
      const names = memberships.map((org) => org.name).join(', ');
      throw new ApiError('LEAVE_ORGANISATIONS_FIRST', `You belong to ${names}. Leave ${memberships.length === 1 ? 'it' : 'them'} first (an owner hands the organisation to another owner), then delete the account.`);
    }
    try {
      // In a pool that signs in by e-mail, the user name Cognito assigned is the sub.
      await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: caller.sub }));
    } catch (error) {
      // Deleted already (a retry after a lost answer): the outcome is the same.
      if (!(error instanceof UserNotFoundException)) throw error;
    }
    logger.info('Account deleted', { sub: caller.sub });
    return { sub: caller.sub, deleted: true as const };
  });

export const handler = deleteMeHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  organisations: new OrganisationStore(ddb(), requireEnv('Table')),
  cognito: cognitoClient(),
  userPoolId: requireEnv('UserPool'),
});
