import type { LedgerEntryView } from '../../../shared/wallets';
import { listWalletEntries } from '../../../shared/api/wallets';
import { usePagedList } from '../api/usePagedList';
import { useApp } from '../app/context';
import { formatDateTime } from '../ui/format';
import { LoadMore } from '../ui/LoadMore';
import { Loading } from '../ui/Spinner';
import { entryLabel } from './ledger-labels';

/** A wallet's ledger, newest first, a page at a time: what came in, what orders held, spent and gave back. */
export function WalletHistory({ walletId }: { walletId: string }) {
  const app = useApp();
  const list = usePagedList(
    async (page, signal) => {
      const answer = await app.api.call(listWalletEntries, { params: { walletId }, query: { cursor: page.cursor }, signal });
      return { items: answer.entries, nextCursor: answer.nextCursor };
    },
    (entry: LedgerEntryView) => entry.entryId,
    [walletId],
    app.handleError,
  );
  if (list.items === undefined) return <Loading text="Loading the history…" />;
  if (list.items.length === 0) return <p class="muted">No credits yet: buy some to start ordering.</p>;
  return (
    <>
      <ul class="order-list" data-testid="wallet-history">
        {list.items.map((entry) => (
          <li key={entry.entryId} class="order-row">
            <span class="order-row-main">
              <strong>{entryLabel(entry)}</strong>
              <span class="muted">
                {formatDateTime(entry.at)} · {entry.amount > 0 ? `+${entry.amount}` : entry.amount} · balance {entry.balanceAfter}
              </span>
            </span>
          </li>
        ))}
      </ul>
      <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="wallet-history-more" />
    </>
  );
}
