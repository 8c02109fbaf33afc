import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getWallet } from '#shared/api/wallets';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { readableWallet, type WalletAccessDeps } from './access';
import { LedgerStore } from './ledger-store';

/** GET /v1/wallets/{walletId} — a wallet the caller may use: its balance and what orders hold. */
export const getWalletHandler = (deps: WalletAccessDeps) => apiHandler(getWallet, async ({ params, caller }) => readableWallet(deps, params.walletId, caller));

export const handler = getWalletHandler({ ledger: new LedgerStore(ddb(), requireEnv('Table')), organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
