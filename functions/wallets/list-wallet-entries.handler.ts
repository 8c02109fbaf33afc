import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { decodeCursor, encodeCursor } from '#lib/cursor';
import { requireEnv } from '#lib/env';
import { pageSize } from '#shared/api/paging';
import { listWalletEntries } from '#shared/api/wallets';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { readableWallet, type WalletAccessDeps } from './access';
import { ENTRY_CURSOR_ATTRIBUTES, type Ledger, LedgerStore } from './ledger-store';

/**
 * GET /v1/wallets/{walletId}/entries — the wallet's history, newest first, a
 * page at a time. An organisation's history is for its owners and admins.
 */
export const listWalletEntriesHandler = ({ ledger, organisations }: WalletAccessDeps & { readonly ledger: Pick<Ledger, 'get' | 'entries'> }) =>
  apiHandler(listWalletEntries, async ({ params, query, caller }) => {
    const wallet = await readableWallet({ ledger, organisations }, params.walletId, caller, 'history');
    const startKey = decodeCursor(query.cursor, { attributes: ENTRY_CURSOR_ATTRIBUTES, partition: { pk: `WALLET#${wallet.walletId}` } });
    const page = await ledger.entries(wallet.walletId, { limit: pageSize(query.limit), startKey });
    const nextCursor = encodeCursor(page.nextKey);
    return nextCursor ? { entries: page.entries, nextCursor } : { entries: page.entries };
  });

export const handler = listWalletEntriesHandler({ ledger: new LedgerStore(ddb(), requireEnv('Table')), organisations: new OrganisationStore(ddb(), requireEnv('Table')) });
