import * as z from '../validation';
import { WALLET_OWNER_KINDS } from '../wallets';
import { defineRoute } from './contract';

export const meSchema = z.object({
  sub: z.string(),
  email: z.optional(z.string()),
  groups: z.array(z.string()),
  /** The wallets the caller may pay from, with their balances. */
  wallets: z.array(z.object({ walletId: z.string(), kind: z.enum(WALLET_OWNER_KINDS), name: z.string(), balance: z.number() })),
});
export type Me = z.output<typeof meSchema>;

/** What deleting an account answers: the person is gone; the ledger keeps the wallet's history for the accounts. */
export const deletedAccountSchema = z.object({ sub: z.string(), deleted: z.literal(true) });

export const deleteMe = defineRoute({
  operationId: 'deleteMe',
  method: 'DELETE',
  path: '/v1/me',
  auth: 'user',
  tag: 'accounts',
  summary: 'Delete the signed-in account',
  description:
    'Removes the person from the user pool, so they can no longer sign in. Refused while they have orders in progress or belong to an organisation (leave it, or hand it to another owner, first). Credits left in the personal wallet are forfeited; its ledger history is kept for the accounts.',
  status: 200,
  response: deletedAccountSchema,
  errors: ['ORDERS_IN_PROGRESS', 'LEAVE_ORGANISATIONS_FIRST', 'API_KEY_NOT_ALLOWED'],
});

/** Who the caller is. Works with an ID token or an access token. */
export const getMe = defineRoute({
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  auth: 'user',
  tag: 'accounts',
  summary: 'The signed-in person: ID, e-mail, groups and wallets',
  description: 'Opens the personal wallet on the first call, with the sign-up credits once per e-mail address.',
  status: 200,
  response: meSchema,
  errors: [],
});
