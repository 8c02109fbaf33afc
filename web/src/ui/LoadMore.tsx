import { Spinner } from './Spinner';

/** "Load more" under a list, shown only while the API says more pages follow. */
export function LoadMore({ cursor, loading, onLoad, testid, label = 'Load more' }: { cursor?: string; loading: boolean; onLoad: () => void; testid: string; label?: string }) {
  if (!cursor) return null;
  return (
    <div class="load-more">
      <button type="button" class="button button-quiet" data-testid={testid} disabled={loading} aria-busy={loading || undefined} onClick={onLoad}>
        {loading && <Spinner />}
        {loading ? 'Loading…' : label}
      </button>
    </div>
  );
}
