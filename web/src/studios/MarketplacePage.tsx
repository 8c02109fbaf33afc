import { listStudios } from '../../../shared/api/studios';
import type { StudioSummary } from '../../../shared/studios';
import { useApi } from '../app/context';
import { hashLink, useHashQuery } from '../app/useHashPath';
import { usePagedList } from '../api/usePagedList';
import { useState } from 'preact/hooks';
import { EmptyState } from '../ui/EmptyState';
import { credits } from '../ui/labels';
import { LoadMore } from '../ui/LoadMore';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { Swatch } from '../ui/Swatch';

/** How a tag reads: `corporate-portraits` → "corporate portraits". */
export const tagLabel = (tag: string) => tag.replace(/-/g, ' ');

/** The marketplace: every studio as a card, filtered by one tag (kept in the URL), a page at a time. Public. */
export function MarketplacePage() {
  const api = useApi();
  const query = useHashQuery();
  const tag = query.get('tag') ?? undefined;
  const [tags, setTags] = useState<readonly string[]>([]);
  const [error, setError] = useState<string>();
  const list = usePagedList(
    async (page, signal) => {
      const answer = await api.call(listStudios, { query: { tag, limit: page.limit === undefined ? undefined : String(page.limit), cursor: page.cursor }, signal });
      setTags(answer.tags);
      return { items: answer.studios, nextCursor: answer.nextCursor };
    },
    (studio: StudioSummary) => studio.studioId,
    [tag],
    (failure) => setError(failure instanceof Error ? failure.message : 'Something unexpected went wrong.'),
  );

  return (
    <div class="marketplace" data-testid="marketplace">
      <div class="page-header">
        <PageHeading>Studios</PageHeading>
        <p class="muted">Virtual studios curated by working photographers. Pick one, choose its looks, and upload a few selfies.</p>
      </div>
      {tags.length > 0 && (
        <nav class="tag-filter" aria-label="Filter studios by tag">
          <ul class="chips">
            <li>
              <a class="chip chip-filter" href={hashLink('/studios')} aria-current={tag ? undefined : 'page'} data-testid="tag-all">
                All studios
              </a>
            </li>
            {tags.map((t) => (
              <li key={t}>
                <a class="chip chip-filter" href={hashLink('/studios', { tag: t })} aria-current={t === tag ? 'page' : undefined} data-testid={`tag-${t}`}>
                  {tagLabel(t)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p class="visually-hidden" aria-live="polite">
        {list.items && (tag ? `${list.items.length} studios tagged ${tagLabel(tag)}` : `${list.items.length} studios`)}
      </p>
      {list.items === undefined ? (
        list.failed ? (
          <div class="card" role="alert" data-testid="marketplace-error">
            <EmptyState title="Could not load the studios">{error}</EmptyState>
            <div class="load-more">
              <button type="button" class="button button-quiet" onClick={() => void list.reload()} disabled={list.loading}>
                Try again
              </button>
            </div>
          </div>
        ) : (
          <Loading text="Loading the studios…" />
        )
      ) : list.items.length === 0 ? (
        <div class="card" data-testid="marketplace-empty">
          <EmptyState title={tag ? `No studios tagged “${tagLabel(tag)}”` : 'No studios yet'}>
            {tag ? <a href={hashLink('/studios')}>Show all studios</a> : 'Photographers are setting up their studios; come back soon.'}
          </EmptyState>
        </div>
      ) : (
        <ul class="studio-grid" aria-label={tag ? `Studios tagged ${tagLabel(tag)}` : 'All studios'}>
          {list.items.map((studio) => (
            <li key={studio.studioId}>
              <StudioCard studio={studio} />
            </li>
          ))}
        </ul>
      )}
      <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="studios-load-more" label="More studios" />
    </div>
  );
}

function StudioCard({ studio }: { studio: StudioSummary }) {
  return (
    <article class="studio-card" data-testid={`studio-card-${studio.studioId}`}>
      <div class="studio-cover">
        {studio.coverUrl ? <img src={studio.coverUrl} alt={`Sample headshot from ${studio.name}`} loading="lazy" decoding="async" /> : <Swatch styleId={studio.studioId} />}
      </div>
      <div class="studio-card-body">
        <h2 class="studio-card-title">
          {/* The whole card is clickable through this link's ::after; the name is its accessible text. */}
          <a href={`#/studios/${studio.studioId}`} class="studio-card-link" data-testid={`studio-link-${studio.studioId}`}>
            {studio.name}
          </a>
        </h2>
        <p class="studio-credit">by {studio.photographer.name}</p>
        <p class="studio-card-description">{studio.description}</p>
        <ul class="chips" aria-label="Tags">
          {studio.tags.map((t) => (
            <li key={t} class="chip chip-tag">
              {tagLabel(t)}
            </li>
          ))}
        </ul>
        <p class="studio-price">
          {studio.fromCredits === undefined ? (
            <span class="muted">No styles yet</span>
          ) : (
            <>
              <span class="muted">from</span> <strong>{credits(studio.fromCredits)}</strong>
              <span class="muted"> · {studio.styleCount === 1 ? '1 style' : `${studio.styleCount} styles`}</span>
            </>
          )}
        </p>
      </div>
    </article>
  );
}
