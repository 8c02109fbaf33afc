import { useState } from 'preact/hooks';
import { assignReviewer, listReviews, type ReviewSummary } from '../../../shared/api/review';
import { usePagedList } from '../api/usePagedList';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, shortId } from '../ui/format';
import { LoadMore } from '../ui/LoadMore';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { artistChoice, canOpenReview, canTake, firstTab, queueProgress, queueTabs, type QueueTab, waitingFor } from './queue';

const EMPTY: Readonly<Record<QueueTab, { title: string; text: string }>> = {
  me: { title: 'Nothing to review yet', text: 'Orders you take appear here. Take one from Unassigned; when a confirmed order\'s images are generated, it will appear there for you.' },
  unassigned: { title: 'No order is waiting for a reviewer', text: 'When a confirmed order\'s images are generated, it will appear here for a studio artist to take.' },
  all: { title: 'No order is waiting for review', text: 'Orders appear here once their images are generated.' },
};

/**
 * The review queue, for artists and admins: the orders waiting at the review
 * gate, oldest first. Artists list their own and those nobody took (and take
 * one); admins also list every order and assign any of them.
 */
export function ReviewQueuePage() {
  const app = useApp();
  const [tab, setTab] = useState<QueueTab>(() => firstTab(app.isAdmin));
  const tabs = queueTabs(app.isAdmin);
  const list = usePagedList(
    async (page, signal) => {
      const answer = await app.api.call(listReviews, { query: { assigned: tab, cursor: page.cursor }, signal });
      return { items: answer.reviews, nextCursor: answer.nextCursor };
    },
    (review: ReviewSummary) => review.orderId,
    [tab],
    app.handleError,
  );
  const reviews = list.items;

  return (
    <div class="admin-page rv-queue-page" data-testid="review-queue-page">
      <div class="page-header">
        <PageHeading>Review queue</PageHeading>
        <p class="muted">Every headshot is checked by a studio artist before the customer receives it: take an order, approve the good images, reject the rest, then deliver.</p>
      </div>
      <Card class="card-queue" label="Orders in review" testid="review-queue">
        <div class="card-header">
          <fieldset class="segmented" data-testid="review-tabs">
            <legend class="visually-hidden">Show</legend>
            {tabs.map((option) => (
              <label key={option.id} class={`segment${tab === option.id ? ' segment-on' : ''}`}>
                <input type="radio" name="review-tab" value={option.id} checked={tab === option.id} onChange={() => setTab(option.id)} data-testid={`review-tab-${option.id}`} />
                {option.label}
              </label>
            ))}
          </fieldset>
          <p class="muted" aria-live="polite" data-testid="review-queue-summary">
            {reviews && `${reviews.length}${list.nextCursor ? '+' : ''} ${reviews.length === 1 ? 'order' : 'orders'}`}
          </p>
          <button type="button" class="button button-quiet button-small" data-testid="review-refresh" disabled={list.loading} onClick={() => void list.reload()}>
            Refresh
          </button>
        </div>
        {reviews === undefined ? (
          list.failed ? <EmptyState title="Could not load the queue">Try Refresh in a moment.</EmptyState> : <Loading text="Loading the queue…" />
        ) : reviews.length === 0 ? (
          <EmptyState title={EMPTY[tab].title} testid="review-queue-empty">
            {EMPTY[tab].text}
          </EmptyState>
        ) : (
          <div class="table-scroll">
            <table class="queue rv-table">
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Waiting since</th>
                  <th scope="col">Reviewer</th>
                  <th scope="col">Progress</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {reviews.map((review) => (
                  <QueueRow key={review.orderId} review={review} onChanged={() => void list.reload()} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore cursor={list.nextCursor} loading={list.loadingMore} onLoad={list.loadMore} testid="review-load-more" />
      </Card>
    </div>
  );
}

function QueueRow({ review, onChanged }: { review: ReviewSummary; onChanged(): void }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const [artist, setArtist] = useState('');
  const [error, setError] = useState<string>();
  const id = review.orderId;
  const opens = canOpenReview(review, app.me.sub, app.isAdmin);

  const assign = async (artistId: string, open: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const summary = await app.api.call(assignReviewer, { params: { orderId: id }, body: { artistId } });
      app.notify(`Order ${shortId(id)} is assigned to ${summary.assignedEmail ?? summary.assignedTo ?? 'the artist'}.`);
      if (open) app.navigate(`/review/${id}`);
      else onChanged();
    } catch (failure) {
      // Someone else took it first, or the ID is no artist's: say so on the row and show the queue as it is now.
      if (failure instanceof ApiError && (failure.is('ALREADY_ASSIGNED') || failure.is('NOT_AN_ARTIST') || failure.is('ORDER_NOT_IN_REVIEW'))) {
        setError(failure.message);
        onChanged();
      } else app.handleError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <tr class="queue-row" data-testid={`review-row-${id}`} data-assigned={review.assignedTo ?? ''}>
      <td>
        {opens ? (
          <a href={`#/review/${id}`} class="order-link" data-testid={`review-open-${id}`}>
            <code>{shortId(id)}</code>
          </a>
        ) : (
          <code>{shortId(id)}</code>
        )}
      </td>
      <td>
        <time dateTime={review.waitingSince}>{formatDateTime(review.waitingSince)}</time>
        <div class="muted rv-small">waiting {waitingFor(review.waitingSince)}</div>
      </td>
      <td data-testid="review-row-assigned">{review.assignedEmail ?? review.assignedTo ?? <span class="muted">Nobody yet</span>}</td>
      <td data-testid="review-row-progress">{queueProgress(review)}</td>
      <td>
        <div class="row-actions rv-row-actions">
          {canTake(review) && (
            <button type="button" class="button button-primary button-small" disabled={busy} data-testid={`take-${id}`} onClick={() => void assign('me', true)}>
              Take it
            </button>
          )}
          {opens && !canTake(review) && (
            <a href={`#/review/${id}`} class="button button-quiet button-small" data-testid={`review-${id}`}>
              Review
            </a>
          )}
          {app.isAdmin && (
            <details class="rv-assign">
              <summary>{review.assignedTo ? 'Reassign' : 'Assign'}</summary>
              <form
                class="rv-assign-form"
                onSubmit={(event) => {
                  event.preventDefault();
                  const choice = artistChoice(artist);
                  if (choice) void assign(choice, false);
                }}
              >
                <label for={`assign-${id}`} class="visually-hidden">
                  Artist's user ID, or "me"
                </label>
                <input
                  id={`assign-${id}`}
                  value={artist}
                  placeholder="Artist user ID, or me"
                  maxLength={128}
                  data-testid={`assign-input-${id}`}
                  onInput={(event) => setArtist(event.currentTarget.value)}
                />
                <button type="submit" class="button button-quiet button-small" disabled={busy || !artistChoice(artist)} data-testid={`assign-${id}`}>
                  Assign
                </button>
              </form>
            </details>
          )}
        </div>
        {error && (
          <p class="notice notice-danger rv-row-error" role="alert" data-testid={`review-row-error-${id}`}>
            {error}
          </p>
        )}
      </td>
    </tr>
  );
}
