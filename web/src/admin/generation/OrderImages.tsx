import { useEffect, useState } from 'preact/hooks';
import type { ReviewImageView as GeneratedImageView } from '../../../../shared/api/review';
import type { OrderView } from '../../../../shared/orders';
import { ApiError, type OrderImages as OrderImagesAnswer } from '../../api/client';
import { useApp } from '../../app/context';
import { Card } from '../../ui/Card';
import { EmptyState } from '../../ui/EmptyState';
import { Loading } from '../../ui/Spinner';
import { Swatch } from '../../ui/Swatch';
import {
  engineLabel,
  filterCounts,
  filterImages,
  formatUsd,
  groupByStyle,
  IMAGE_FILTERS,
  type ImageFilter,
  percent,
  plural,
  poseLabel,
  refreshesImages,
  sameImages,
  summarise,
  withStableLinks,
} from './images';
import { ScoreMeter } from './ScoreMeter';

/**
 * While the order generates, its images are read again whenever its count of
 * images moves (the order page reads the order every 1.5 s) and at least this often.
 */
export const IMAGES_REFRESH_MS = 5_000;

type ImagesState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly data: OrderImagesAnswer };

/**
 * The order's generated images, read when the section opens, whenever the order's
 * status or count of images made changes, and every {@link IMAGES_REFRESH_MS}
 * while it generates. A failed refresh keeps what was shown.
 */
function useOrderImages(orderId: string, status: string, done: number): { state: ImagesState; reload(): void } {
  const app = useApp();
  const [state, setState] = useState<ImagesState>({ kind: 'loading' });
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const answer = await app.api.orderImages(orderId, controller.signal);
        if (controller.signal.aborted) return;
        setState((current) => {
          const previous = current.kind === 'loaded' ? current.data : undefined;
          const images = withStableLinks(previous?.images, answer.images);
          // Nothing new: keep the same state, so open attempt lists and the scroll position stay as they are.
          if (previous && previous.status === answer.status && previous.imagesPlanned === answer.imagesPlanned && sameImages(previous.images, images)) return current;
          return { kind: 'loaded', data: { ...answer, images } };
        });
      } catch (failure) {
        if (controller.signal.aborted) return;
        const message = failure instanceof ApiError ? failure.message : 'The images could not be loaded.';
        setState((current) => (current.kind === 'loaded' ? current : { kind: 'failed', message }));
      }
      if (!controller.signal.aborted && refreshesImages(status)) timer = setTimeout(() => void read(), IMAGES_REFRESH_MS);
    };
    void read();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [orderId, status, done, asked]);

  return { state, reload: () => setAsked((n) => n + 1) };
}

/**
 * For admins: every image the order's production made, grouped by style, each
 * with its pose, whether the likeness check kept it or set it aside, its score
 * against the threshold, seed, attempts and list price; filtered to the kept or
 * set-aside ones on request.
 */
export function OrderImages({ order }: { order: OrderView }) {
  const { state, reload } = useOrderImages(order.orderId, order.status, order.imagesDone ?? 0);
  const [filter, setFilter] = useState<ImageFilter>('all');
  const generating = refreshesImages(order.status);

  let body;
  if (state.kind === 'loading') body = <Loading text="Loading the images…" />;
  else if (state.kind === 'failed') {
    body = (
      <EmptyState title="Could not load the images" testid="order-images-error">
        {state.message}{' '}
        <button type="button" class="link-button" onClick={reload}>
          Try again
        </button>
      </EmptyState>
    );
  } else if (state.data.images.length === 0) {
    body = (
      <EmptyState title={generating ? 'No image is made yet' : 'No images were recorded'} testid="order-images-empty">
        {generating ? 'Images appear here as they are made and checked.' : 'Production recorded no image for this order.'}
      </EmptyState>
    );
  } else body = <ImageGroups images={state.data.images} order={order} filter={filter} />;

  const images = state.kind === 'loaded' ? state.data.images : [];
  const planned = (state.kind === 'loaded' ? state.data.imagesPlanned : 0) || order.imagesPlanned || 0;
  const summary = summarise(images);
  const counts = filterCounts(images);
  const threshold = images[0]?.identityThreshold;

  return (
    <Card class="card-images" label="Generated images" testid="order-images">
      <div class="card-header">
        <div class="card-title">
          <h2>Generated images</h2>
          {state.kind === 'loaded' && (
            <p class="muted" data-testid="order-images-summary" data-made={summary.made} data-kept={summary.kept} data-set-aside={summary.setAside}>
              {summary.made} of {planned} made · {summary.kept} kept · {summary.setAside} set aside
              {summary.retried > 0 && ` · ${plural(summary.retried, 'image')} needed another try`} · list price {formatUsd(summary.listPriceUsd)}
              {order.engine && ` · ${engineLabel(order.engine)} engine`}
            </p>
          )}
        </div>
        {images.length > 0 && (
          <fieldset class="segmented" data-testid="image-filter">
            <legend class="visually-hidden">Show</legend>
            {IMAGE_FILTERS.map((option) => (
              <label key={option.id} class={`segment${filter === option.id ? ' segment-on' : ''}`}>
                <input
                  type="radio"
                  name={`image-filter-${order.orderId}`}
                  value={option.id}
                  checked={filter === option.id}
                  onChange={() => setFilter(option.id)}
                  data-testid={`image-filter-${option.id}`}
                />
                {option.label}
                <span class="segment-count">{counts[option.id]}</span>
              </label>
            ))}
          </fieldset>
        )}
      </div>
      {threshold !== undefined && (
        <p class="field-hint images-hint">
          Each image is compared with the customer's selfies. Below a likeness of <strong>{percent(threshold)}</strong> (the tick on each bar) it is made again with a
          new seed, and set aside once the tries run out. <a href="#/admin/identity-lock">Rejection rates by style</a>
        </p>
      )}
      {body}
    </Card>
  );
}

function ImageGroups({ images, order, filter }: { images: readonly GeneratedImageView[]; order: OrderView; filter: ImageFilter }) {
  const groups = groupByStyle(images, order.styleDetails);
  const shown = groups.map((group) => ({ ...group, shown: filterImages(group.images, filter) })).filter((group) => group.shown.length > 0);
  if (shown.length === 0) {
    return (
      <EmptyState title={filter === 'set-aside' ? 'No image was set aside by the likeness check' : 'No image was kept'} testid="order-images-none">
        {filter === 'set-aside' ? 'Every image looked enough like the customer.' : 'Every image fell below the likeness threshold.'}
      </EmptyState>
    );
  }
  return (
    <div class="image-groups">
      {shown.map((group) => {
        const kept = group.images.filter((image) => image.status === 'KEPT').length;
        const headingId = `images-${order.orderId}-${group.styleId}`;
        return (
          <section class="image-group" key={group.styleId} aria-labelledby={headingId} data-testid={`image-group-${group.styleId}`}>
            <div class="image-group-head">
              <Swatch styleId={group.styleId} size="small" />
              <h3 id={headingId}>{group.name}</h3>
              <span class="muted">
                {plural(group.images.length, 'image')} · {kept} kept · {group.images.length - kept} set aside
              </span>
            </div>
            <ul class="image-grid">
              {group.shown.map((image) => (
                <ImageCard key={image.imageId} image={image} styleName={group.name} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function ImageCard({ image, styleName }: { image: GeneratedImageView; styleName: string }) {
  const kept = image.status === 'KEPT';
  const pose = poseLabel(image.poseId);
  const preview = image.variants.find((variant) => variant.name === 'preview');
  const verdict = kept ? 'kept' : 'set aside by the likeness check';
  return (
    <li
      class={`image-card${kept ? '' : ' image-card-set-aside'}`}
      data-testid="generated-image"
      data-image-id={image.imageId}
      data-style={image.styleId}
      data-status={image.status}
      data-attempts={image.attempts.length}
    >
      <figure>
        <div class="image-frame">
          {image.previewUrl ? (
            <img
              src={image.previewUrl}
              alt={`${styleName}, ${pose.toLowerCase()} pose, image ${image.slot + 1}: ${verdict}, likeness ${percent(image.identityScore)}`}
              width={preview?.width}
              height={preview?.height}
              loading="lazy"
              decoding="async"
            />
          ) : (
            <span class="photo-placeholder" role="img" aria-label={`${styleName}, ${pose.toLowerCase()} pose, image ${image.slot + 1}: no preview`}>
              No preview
            </span>
          )}
          <span class={`badge badge-${kept ? 'success' : 'danger'} image-badge`} data-testid="image-status" title={kept ? 'Kept: it looks like the customer' : 'Set aside by the likeness check'}>
            {kept ? 'Kept' : 'Set aside'}
          </span>
        </div>
        <figcaption>
          <div class="image-card-title">
            <strong>{pose}</strong>
            <span class="muted">#{image.slot + 1}</span>
          </div>
          <ScoreMeter score={image.identityScore} threshold={image.identityThreshold} testid="identity-score" />
          <dl class="facts image-facts">
            <div>
              <dt>Seed</dt>
              <dd data-testid="image-seed">
                <code>{image.seed}</code>
                <span class="muted" title="The image's position in its provider call">
                  {' '}
                  · #{image.seedIndex + 1}
                </span>
              </dd>
            </div>
            <div>
              <dt>List price</dt>
              <dd data-testid="image-price">{formatUsd(image.listPriceUsd)}</dd>
            </div>
          </dl>
          <details class="attempts" data-testid="image-attempts">
            <summary>{plural(image.attempts.length, 'attempt')}</summary>
            <ol class="attempt-list">
              {image.attempts.map((attempt) => (
                <li key={attempt.requestId + attempt.index} data-testid="image-attempt" data-similarity={attempt.similarity}>
                  <span class="attempt-head">
                    <span>Try {attempt.attempt + 1}</span>
                    <span class="muted">
                      seed <code>{attempt.seed}</code> · #{attempt.index + 1}
                    </span>
                  </span>
                  <ScoreMeter score={attempt.similarity} threshold={image.identityThreshold} small />
                  {!attempt.faceFound && <span class="attempt-note">No face found</span>}
                </li>
              ))}
            </ol>
          </details>
        </figcaption>
      </figure>
    </li>
  );
}
