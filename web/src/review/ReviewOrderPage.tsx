import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { deliverOrder, listOrderImages, reviewImage, type ImageReview, type ReviewImageView, type ReviewSummary } from '../../../shared/api/review';
import type { ResponseOf } from '../../../shared/api/contract';
import { percent, poseLabel } from '../admin/generation/images';
import { ScoreMeter } from '../admin/generation/ScoreMeter';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, shortId } from '../ui/format';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';
import {
  canDeliver,
  deliverBlocker,
  nextUndecided,
  progressOf,
  progressOfSummary,
  progressText,
  REVIEW_FILTERS,
  reviewCounts,
  reviewKey,
  type ReviewFilter,
  reviewState,
  type ReviewState,
  stepSelection,
  validReason,
  visibleGroups,
  visibleOrder,
  withReview,
} from './review';

type Loaded = ResponseOf<typeof listOrderImages>;

type PageState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly data: Loaded };

const STATE_LABELS: Readonly<Record<ReviewState, string>> = {
  undecided: 'To decide',
  approved: 'Approved',
  rejected: 'Rejected',
  'set-aside': 'Set aside',
};

/**
 * One order at the review gate: the customer's selfies, the images by style
 * with their likeness, a large view of the selected one, Approve and Reject
 * (from the keyboard too: ←/→ or j/k move, `a` approves, `r` asks for a
 * reason), and Deliver once every kept image is decided. Decisions show at
 * once and are reconciled with the server's summary.
 */
export function ReviewOrderPage({ params }: RouteProps) {
  const app = useApp();
  const orderId = params.orderId;
  const [state, setState] = useState<PageState>({ kind: 'loading' });
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    app.api.call(listOrderImages, { params: { orderId }, signal: controller.signal }).then(
      (data) => setState({ kind: 'loaded', data }),
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && failure.is('ORDER_NOT_FOUND', 404)) setState({ kind: 'missing', message: failure.message });
        else setState({ kind: 'failed', message: failure instanceof ApiError ? failure.message : 'The images could not be loaded.' });
      },
    );
    return () => controller.abort();
  }, [orderId, asked]);

  const reload = useCallback(() => setAsked((n) => n + 1), []);

  if (state.kind === 'loading') return <Loading text="Loading the order's images…" />;
  if (state.kind !== 'loaded') {
    return (
      <Card class="card-narrow" testid={state.kind === 'missing' ? 'review-missing' : 'review-failed'}>
        <PageHeading>{state.kind === 'missing' ? 'Order not found' : 'Could not load the order'}</PageHeading>
        <p class="muted">
          {state.kind === 'missing' ? 'There is no order in review with this ID, or it is assigned to another artist. Take it from the queue first.' : state.message}
        </p>
        <div class="form-actions">
          <a href="#/review" class="button button-quiet">
            Back to the review queue
          </a>
          {state.kind === 'failed' && (
            <button type="button" class="button button-quiet" onClick={reload}>
              Try again
            </button>
          )}
        </div>
      </Card>
    );
  }
  return <ReviewBoard key={orderId} initial={state.data} reload={reload} />;
}

function ReviewBoard({ initial, reload }: { initial: Loaded; reload(): void }) {
  const app = useApp();
  const orderId = initial.orderId;
  const [images, setImages] = useState<readonly ReviewImageView[]>(initial.images);
  const [summary, setSummary] = useState<ReviewSummary | undefined>(initial.review);
  const [filter, setFilter] = useState<ReviewFilter>('all');
  const [selectedId, setSelectedId] = useState<string | undefined>(() => nextUndecided(visibleOrder(initial.images, 'all'), undefined) ?? visibleOrder(initial.images, 'all')[0]?.reviewImageId);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();
  const [delivering, setDelivering] = useState(false);
  const [deliverError, setDeliverError] = useState<string>();
  const [delivered, setDelivered] = useState(Boolean(initial.review?.delivered) || initial.status !== 'PENDING_REVIEW');
  /** Counts the decisions sent, so only the latest answer's summary is taken as the truth. */
  const sent = useRef(0);
  /** Set when a decision's answer arrives: the next quiet moment compares the images with the summary, once. */
  const reconcile = useRef(false);
  const imagesRef = useRef(images);
  imagesRef.current = images;

  // Whenever the images change (e.g. after a reload), start from what the server says.
  useEffect(() => {
    setImages(initial.images);
    setSummary(initial.review);
  }, [initial]);

  const ordered = visibleOrder(images, 'all');
  const shown = visibleOrder(images, filter);
  const selected = images.find((image) => image.reviewImageId === selectedId);
  const progress = progressOf(images);
  const counts = reviewCounts(images);
  const ready = canDeliver(progress) && pending.size === 0 && !delivered;
  const blocker = delivered ? undefined : deliverBlocker(progress);

  const decide = async (image: ReviewImageView, decision: { decision: 'approve' } | { decision: 'reject'; reason: string }) => {
    if (delivered || reviewState(image) === 'set-aside') return;
    const id = image.reviewImageId;
    const before = image.review;
    const optimistic: ImageReview = { ...decision, by: app.me.sub, at: new Date().toISOString() };
    const next = withReview(imagesRef.current, id, optimistic);
    setImages(next);
    setError(undefined);
    setDeliverError(undefined);
    setRejecting(false);
    setReason('');
    // On to the next image that needs a decision; stay when none is left.
    setSelectedId((current) => (current === id ? (nextUndecided(visibleOrder(next, 'all'), id) ?? id) : current));
    setPending((current) => new Set(current).add(id));
    const mine = ++sent.current;
    try {
      const answer = await app.api.call(reviewImage, { params: { imageId: id }, body: decision });
      setImages((current) => withReview(current, id, answer.review));
      if (mine === sent.current) setSummary(answer.summary);
      reconcile.current = true;
    } catch (failure) {
      setImages((current) => withReview(current, id, before));
      setSelectedId(id);
      if (failure instanceof ApiError && failure.is('ORDER_NOT_IN_REVIEW')) {
        setError(`${failure.message} The order is no longer in review; showing it as it is now.`);
        reload();
      } else setError(failure instanceof ApiError ? failure.message : 'The decision could not be saved. Try again.');
    } finally {
      setPending((current) => {
        const left = new Set(current);
        left.delete(id);
        return left;
      });
    }
  };

  // Reconcile: once no decision is on its way, the images must add up to the server's summary; read them again when they do not.
  useEffect(() => {
    if (pending.size > 0 || !summary || !reconcile.current) return;
    reconcile.current = false;
    const server = progressOfSummary(summary);
    if (server.toDecide !== progress.toDecide || server.approved !== progress.approved || server.rejected !== progress.rejected) reload();
  }, [pending.size, summary]);

  const deliver = async () => {
    setDelivering(true);
    setDeliverError(undefined);
    try {
      const answer = await app.api.call(deliverOrder, { params: { orderId } });
      setDelivered(true);
      app.notify(`Order ${shortId(orderId)} is delivered: ${answer.approved} approved, ${answer.rejected} rejected. The customer will be e-mailed.`);
    } catch (failure) {
      // 409 REVIEW_INCOMPLETE / NOTHING_APPROVED / ORDER_NOT_IN_REVIEW: the server's own words, and the images as it has them.
      if (failure instanceof ApiError && failure.status === 409) {
        setDeliverError(failure.message);
        if (failure.is('ORDER_NOT_IN_REVIEW')) setDelivered(true);
      } else setDeliverError(failure instanceof ApiError ? failure.message : 'The order could not be delivered. Try again.');
    } finally {
      setDelivering(false);
    }
  };

  // The keyboard: move, approve, reject (not while typing the reason).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const action = reviewKey({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        targetTag: target?.tagName,
        targetEditable: target?.isContentEditable,
      });
      if (!action) return;
      // Radio buttons of the filter move with the arrows themselves.
      if ((action === 'previous' || action === 'next') && target?.closest('.segmented')) return;
      event.preventDefault();
      if (action === 'previous' || action === 'next') {
        setRejecting(false);
        setSelectedId((current) => stepSelection(shown, current, action === 'next' ? 1 : -1));
      } else if (selected && !delivered && reviewState(selected) !== 'set-aside') {
        if (action === 'approve') void decide(selected, { decision: 'approve' });
        else setRejecting(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  // Keep the selected tile in view as the selection moves.
  useEffect(() => {
    if (!selectedId) return;
    const tile = document.querySelector(`[data-review-image-id="${CSS.escape(selectedId)}"]`);
    tile?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, [selectedId]);

  const groups = visibleGroups(images, filter);

  return (
    <div class="rv-page" data-testid="review-page" data-order-id={orderId}>
      <div class="page-header">
        <a href="#/review" class="back-link">
          ← Review queue
        </a>
        <div class="page-title">
          <PageHeading>Review order {shortId(orderId)}</PageHeading>
          <Badge status={delivered && initial.status === 'PENDING_REVIEW' ? 'DELIVERED' : initial.status} testid="review-order-status" />
        </div>
        <p class="muted">
          {summary?.assignedEmail ? `Assigned to ${summary.assignedEmail}` : 'Not assigned'}
          {summary?.waitingSince && (
            <>
              {' '}
              · waiting since <time dateTime={summary.waitingSince}>{formatDateTime(summary.waitingSince)}</time>
            </>
          )}
          {' '}· {initial.images.length} images made of {initial.imagesPlanned} planned
        </p>
      </div>

      <div class="rv-toolbar" data-testid="review-toolbar">
        <div class="rv-progress">
          <p data-testid="review-progress" data-decided={progress.decided} data-to-decide={progress.toDecide} data-approved={progress.approved}>
            <strong>
              {progress.decided} of {progress.toDecide} decided
            </strong>
            <span class="muted">
              {' '}
              · {progress.approved} approved · {progress.rejected} rejected
              {pending.size > 0 && (
                <>
                  {' '}
                  · <Spinner /> saving
                </>
              )}
            </span>
          </p>
          <span class="rv-progress-track" aria-hidden="true">
            <span class="rv-progress-fill" style={{ width: `${progress.toDecide ? (progress.decided / progress.toDecide) * 100 : 0}%` }} />
          </span>
          <span class="visually-hidden" aria-live="polite">
            {progressText(progress)}
          </span>
        </div>
        <div class="rv-deliver">
          {delivered ? (
            <p class="rv-delivered" data-testid="review-delivered">
              Delivered. The customer's gallery and ZIP are being prepared.
            </p>
          ) : (
            blocker && <p class="muted rv-small" data-testid="deliver-blocker">{blocker}</p>
          )}
          {!delivered && (
            <button type="button" class="button button-primary" data-testid="deliver" disabled={!ready || delivering} onClick={() => void deliver()}>
              {delivering && <Spinner />}
              Deliver to the customer
            </button>
          )}
        </div>
      </div>
      {deliverError && (
        <p class="banner banner-error rv-banner" role="alert" data-testid="deliver-error">
          {deliverError}
        </p>
      )}
      {error && (
        <p class="banner banner-error rv-banner" role="alert" data-testid="review-error">
          {error}
        </p>
      )}

      <Card class="rv-selfies" label="The customer's selfies" testid="review-selfies">
        <h2 class="rv-subtitle">The customer's selfies</h2>
        {initial.selfies.length === 0 ? (
          <p class="muted">No selfie to compare with.</p>
        ) : (
          <ul class="rv-selfie-strip">
            {initial.selfies.map((selfie, i) => (
              <li key={selfie.photoId}>
                <img src={selfie.url} alt={`Selfie ${i + 1} of the customer`} loading="lazy" decoding="async" />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <div class="rv-layout">
        <Card class="rv-grid-card" label="Images" testid="review-grid">
          <div class="card-header">
            <fieldset class="segmented" data-testid="review-filter">
              <legend class="visually-hidden">Show</legend>
              {REVIEW_FILTERS.map((option) => (
                <label key={option.id} class={`segment${filter === option.id ? ' segment-on' : ''}`}>
                  <input
                    type="radio"
                    name="review-filter"
                    value={option.id}
                    checked={filter === option.id}
                    onChange={() => {
                      setFilter(option.id);
                      // Keep the selection when it still shows; else the first image the filter shows.
                      const list = visibleOrder(imagesRef.current, option.id);
                      setSelectedId((current) => (list.some((image) => image.reviewImageId === current) ? current : (list[0]?.reviewImageId ?? current)));
                    }}
                    data-testid={`review-filter-${option.id}`}
                  />
                  {option.label}
                  <span class="segment-count">{counts[option.id]}</span>
                </label>
              ))}
            </fieldset>
          </div>
          {groups.length === 0 ? (
            <EmptyState title="No image here" testid="review-grid-empty">
              {images.length === 0 ? 'Production recorded no image for this order.' : 'No image matches this filter.'}
            </EmptyState>
          ) : (
            <div class="rv-groups">
              {groups.map((group) => (
                <section key={group.styleId} class="rv-group" aria-label={group.name} data-testid={`review-group-${group.styleId}`}>
                  <h3>
                    {group.name} <span class="muted">· {group.images.length}</span>
                  </h3>
                  <ul class="rv-tiles">
                    {group.images.map((image) => (
                      <Tile key={image.reviewImageId} image={image} styleName={group.name} selected={image.reviewImageId === selectedId} pending={pending.has(image.reviewImageId)} onSelect={() => {
                        setRejecting(false);
                        setSelectedId(image.reviewImageId);
                      }} />
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          )}
        </Card>

        <Viewer
          image={selected}
          order={ordered}
          delivered={delivered}
          rejecting={rejecting}
          reason={reason}
          onReason={setReason}
          onRejecting={setRejecting}
          onDecide={(image, decision) => void decide(image, decision)}
        />
      </div>
    </div>
  );
}

function Tile({ image, styleName, selected, pending, onSelect }: { image: ReviewImageView; styleName: string; selected: boolean; pending: boolean; onSelect(): void }) {
  const state = reviewState(image);
  const passes = image.identityScore >= image.identityThreshold;
  return (
    <li class={`rv-tile rv-tile-${state}${selected ? ' rv-tile-selected' : ''}`} data-testid="review-image" data-review-image-id={image.reviewImageId} data-state={state}>
      <button type="button" class="rv-tile-button" aria-pressed={selected} onClick={onSelect} title={`${styleName}, ${poseLabel(image.poseId)} #${image.slot + 1}: ${STATE_LABELS[state]}`}>
        <img src={image.previewUrl} alt={`${styleName}, ${poseLabel(image.poseId).toLowerCase()} pose, image ${image.slot + 1}: ${STATE_LABELS[state].toLowerCase()}`} loading="lazy" decoding="async" />
        <span class={`rv-score ${passes ? 'rv-score-pass' : 'rv-score-fail'}`} data-testid="review-image-score" title={`Likeness ${percent(image.identityScore)}, threshold ${percent(image.identityThreshold)}`}>
          {percent(image.identityScore)}
        </span>
        {state !== 'undecided' && (
          <span class={`rv-mark rv-mark-${state}`} aria-hidden="true">
            {state === 'approved' ? '✓' : state === 'rejected' ? '✕' : 'Set aside'}
          </span>
        )}
        {pending && (
          <span class="rv-tile-pending">
            <Spinner />
          </span>
        )}
      </button>
    </li>
  );
}

interface ViewerProps {
  readonly image: ReviewImageView | undefined;
  readonly order: readonly ReviewImageView[];
  readonly delivered: boolean;
  readonly rejecting: boolean;
  readonly reason: string;
  onReason(reason: string): void;
  onRejecting(open: boolean): void;
  onDecide(image: ReviewImageView, decision: { decision: 'approve' } | { decision: 'reject'; reason: string }): void;
}

function Viewer({ image, order, delivered, rejecting, reason, onReason, onRejecting, onDecide }: ViewerProps) {
  const reasonInput = useRef<HTMLInputElement>(null);
  // The reason field takes the focus as it opens, so the reviewer types straight away (Preact does not act on autoFocus).
  useEffect(() => {
    if (rejecting) reasonInput.current?.focus();
  }, [rejecting, image?.reviewImageId]);
  if (!image) {
    return (
      <Card class="rv-viewer" label="Selected image" testid="review-viewer">
        <EmptyState title="No image selected">Pick an image in the grid.</EmptyState>
      </Card>
    );
  }
  const state = reviewState(image);
  const setAside = state === 'set-aside';
  const position = order.findIndex((other) => other.reviewImageId === image.reviewImageId) + 1;
  const preview = image.variants.find((variant) => variant.name === 'preview');
  return (
    <Card class="rv-viewer" label="Selected image" testid="review-viewer">
      <div class="rv-viewer-frame">
        <img
          src={image.previewUrl}
          alt={`${poseLabel(image.poseId)} pose, image ${image.slot + 1}, selected`}
          width={preview?.width}
          height={preview?.height}
          data-testid="review-viewer-image"
          data-review-image-id={image.reviewImageId}
        />
      </div>
      <div class="rv-viewer-body">
        <div class="rv-viewer-title">
          <strong>
            {poseLabel(image.poseId)} #{image.slot + 1}
          </strong>
          <span class="muted">
            {position} of {order.length}
          </span>
          <span class={`rv-state rv-state-${state}`} data-testid="review-viewer-state" data-state={state}>
            {STATE_LABELS[state]}
          </span>
        </div>
        <ScoreMeter score={image.identityScore} threshold={image.identityThreshold} testid="review-viewer-score" />
        <p class="muted rv-small">
          Seed <code>{image.seed}</code> · {image.attempts.length} {image.attempts.length === 1 ? 'attempt' : 'attempts'}
        </p>
        {image.review?.decision === 'reject' && image.review.reason && (
          <p class="rv-reason" data-testid="review-viewer-reason">
            <strong>Rejected: </strong>
            {image.review.reason}
          </p>
        )}
        {setAside ? (
          <p class="notice notice-info" data-testid="review-set-aside-note">
            The identity lock set this image aside: it did not look enough like the customer after every try. It is never delivered and cannot be approved.
          </p>
        ) : delivered ? null : rejecting ? (
          <form
            class="rv-reject-form"
            data-testid="reject-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (validReason(reason)) onDecide(image, { decision: 'reject', reason: reason.trim() });
            }}
          >
            <label for="reject-reason">Why is it rejected?</label>
            <input
              id="reject-reason"
              value={reason}
              maxLength={500}
              placeholder="e.g. The collar is cut off"
              ref={reasonInput}
              data-testid="reject-reason"
              onInput={(event) => onReason(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') {
                  event.preventDefault();
                  onRejecting(false);
                }
              }}
            />
            <div class="rv-actions">
              <button type="submit" class="button button-danger button-small" disabled={!validReason(reason)} data-testid="reject-submit">
                Reject
              </button>
              <button type="button" class="button button-quiet button-small" onClick={() => onRejecting(false)}>
                Cancel
              </button>
            </div>
            <p class="field-hint">At least 3 characters. Enter rejects, Escape cancels.</p>
          </form>
        ) : (
          <div class="rv-actions">
            <button type="button" class="button button-primary" data-testid="approve" onClick={() => onDecide(image, { decision: 'approve' })}>
              Approve <kbd>A</kbd>
            </button>
            <button type="button" class="button button-danger-quiet" data-testid="reject" onClick={() => onRejecting(true)}>
              Reject… <kbd>R</kbd>
            </button>
          </div>
        )}
        <p class="muted rv-small rv-keys">
          <kbd>←</kbd> <kbd>→</kbd> or <kbd>J</kbd> <kbd>K</kbd> move · <kbd>A</kbd> approves · <kbd>R</kbd> rejects with a reason
        </p>
      </div>
    </Card>
  );
}
