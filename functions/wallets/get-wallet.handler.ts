import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getWallet } from '#shared/api/wallets';
import { readableWallet } from './access';
import { type Ledger, LedgerStore } from './ledger-store';

/** GET /v1/wallets/{walletId} — a wallet the caller may use: its balance and what orders hold. */
export const getWalletHandler = ({ ledger }: { readonly ledger: Pick<Ledger, 'get'> }) =>
  apiHandler(getWallet, async ({ params, caller }) => readableWallet(ledger, params.walletId, caller));

export const handler = getWalletHandler({ ledger: new LedgerStore(ddb(), requireEnv('Table')) });
