import { adjustmentSchema, ledgerEntryViewSchema, walletViewSchema } from '../wallets';
import * as z from '../validation';
import { defineRoute } from './contract';
import { pageOf, pageQuery } from './paging';

export const walletIdParams = z.strictObject({
  walletId: z.uuid({ error: 'The wallet ID in the path is not a valid wallet ID.' }),
});

/** Credit wallets: their balance and history; admins adjust them. */
export const getWallet = defineRoute({
  operationId: 'getWallet',
  method: 'GET',
  path: '/v1/wallets/{walletId}',
  auth: 'user',
  tag: 'wallets',
  summary: 'A wallet the caller may use: its balance and the credits orders hold',
  params: walletIdParams,
  status: 200,
  response: walletViewSchema,
  errors: ['WALLET_NOT_FOUND'],
});

export const listWalletEntries = defineRoute({
  operationId: 'listWalletEntries',
  method: 'GET',
  path: '/v1/wallets/{walletId}/entries',
  auth: 'user',
  tag: 'wallets',
  summary: "A wallet's history, newest first",
  description: 'Every grant, purchase, reservation, consumption, release, refund and adjustment, with the balance after it. Page through it with `cursor`.',
  params: walletIdParams,
  query: z.strictObject({ ...pageQuery }),
  status: 200,
  response: pageOf('entries', ledgerEntryViewSchema),
  errors: ['WALLET_NOT_FOUND'],
});

export const adjustWallet = defineRoute({
  operationId: 'adjustWallet',
  method: 'POST',
  path: '/v1/admin/wallets/{walletId}/adjustments',
  auth: 'admins',
  tag: 'wallets',
  summary: "Add credits to or take credits from a wallet, with a reason",
  description: 'Recorded in the history with the reason and the admin. A balance never goes below zero.',
  params: walletIdParams,
  body: adjustmentSchema,
  status: 201,
  response: z.object({ wallet: walletViewSchema, entry: ledgerEntryViewSchema }),
  errors: ['WALLET_NOT_FOUND', 'INSUFFICIENT_CREDITS'],
  throttle: { rateLimit: 5, burstLimit: 10 },
});
