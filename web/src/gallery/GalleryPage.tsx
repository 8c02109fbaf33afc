import { useEffect, useRef, useState } from 'preact/hooks';
import { getGallery } from '../../../shared/api/delivery';
import type { ResponseOf } from '../../../shared/api/contract';
import type { GalleryImage } from '../../../shared/delivery';
import { poseLabel } from '../admin/generation/images';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { formatDateTime, formatTime, shortId } from '../ui/format';
import { PageHeading } from '../ui/PageHeading';
import { Loading } from '../ui/Spinner';
import { DownloadAll, DownloadIcon } from './DownloadAll';
import { downloadName, fileLabel, filterGallery, type GalleryFilter, loadFavourites, refreshDelay, saveFavourites, toggleFavourite, viewerKey, wrapIndex } from './gallery';

type Gallery = ResponseOf<typeof getGallery>;

type GalleryState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'not-delivered'; readonly message: string }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly gallery: Gallery; readonly stale: boolean };

/** The browser's storage, when the page may use it (private modes may refuse). */
function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The gallery of a delivered order, for its customer: the approved headshots,
 * each opening full size (←/→ move, Escape closes), every file to download,
 * the whole set as one ZIP, and favourites kept in this browser. The signed
 * links expire: the page asks for fresh ones just before they do.
 */
export function GalleryPage({ params }: RouteProps) {
  const app = useApp();
  const orderId = params.orderId;
  const [state, setState] = useState<GalleryState>({ kind: 'loading' });
  const [asked, setAsked] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    app.api.call(getGallery, { params: { orderId }, signal: controller.signal }).then(
      (gallery) => setState({ kind: 'loaded', gallery, stale: false }),
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        const message = failure instanceof ApiError ? failure.message : 'The gallery could not be loaded.';
        setState((current) => {
          // Fresh links could not be had: keep the images, say the links may have run out.
          if (current.kind === 'loaded') return { ...current, stale: true };
          if (failure instanceof ApiError && failure.is('ORDER_NOT_DELIVERED')) return { kind: 'not-delivered', message };
          if (failure instanceof ApiError && failure.is('ORDER_NOT_FOUND', 404)) return { kind: 'missing', message };
          return { kind: 'failed', message };
        });
      },
    );
    return () => controller.abort();
  }, [orderId, asked]);

  // Fresh signed links a little before the old ones expire.
  const validUntil = state.kind === 'loaded' ? state.gallery.linksValidUntil : undefined;
  useEffect(() => {
    if (!validUntil) return;
    const timer = setTimeout(() => setAsked((n) => n + 1), refreshDelay(validUntil));
    return () => clearTimeout(timer);
  }, [validUntil]);

  if (state.kind === 'loading') return <Loading text="Loading your headshots…" />;
  if (state.kind !== 'loaded') {
    const title = state.kind === 'not-delivered' ? 'Your headshots are not ready yet' : state.kind === 'missing' ? 'Order not found' : 'Could not load your headshots';
    return (
      <Card class="card-narrow" testid={`gallery-${state.kind}`}>
        <PageHeading>{title}</PageHeading>
        <p class="muted">{state.kind === 'not-delivered' ? 'A studio artist is still reviewing them. We will e-mail you when they are delivered.' : state.message}</p>
        <div class="form-actions">
          <a href={state.kind === 'missing' ? '#/' : `#/orders/${orderId}`} class="button button-quiet">
            {state.kind === 'missing' ? 'Back to my orders' : 'Back to the order'}
          </a>
          {state.kind === 'failed' && (
            <button type="button" class="button button-quiet" onClick={() => setAsked((n) => n + 1)}>
              Try again
            </button>
          )}
        </div>
      </Card>
    );
  }
  return <GalleryView gallery={state.gallery} stale={state.stale} onRefresh={() => setAsked((n) => n + 1)} />;
}

function GalleryView({ gallery, stale, onRefresh }: { gallery: Gallery; stale: boolean; onRefresh(): void }) {
  const orderId = gallery.orderId;
  const [favourites, setFavourites] = useState<ReadonlySet<string>>(() => loadFavourites(browserStorage(), orderId));
  const [filter, setFilter] = useState<GalleryFilter>('all');
  const [viewing, setViewing] = useState<string>();
  const opener = useRef<HTMLElement | null>(null);
  const shown = filterGallery(gallery.images, filter, favourites);

  const toggle = (imageId: string) => {
    const next = toggleFavourite(favourites, imageId);
    setFavourites(next);
    saveFavourites(browserStorage(), orderId, next);
  };

  const close = () => {
    setViewing(undefined);
    // Back to the tile that opened the viewer, for keyboard users.
    opener.current?.focus();
  };

  const viewed = shown.findIndex((image) => image.imageId === viewing);

  return (
    <div class="gal-page" data-testid="gallery-page" data-order-id={orderId}>
      <div class="page-header page-header-actions">
        <div>
          <a href={`#/orders/${orderId}`} class="back-link">
            ← Order {shortId(orderId)}
          </a>
          <PageHeading>Your headshots</PageHeading>
          <p class="muted" data-testid="gallery-summary">
            {gallery.studioName} · {gallery.images.length} {gallery.images.length === 1 ? 'headshot' : 'headshots'} · delivered{' '}
            <time dateTime={gallery.deliveredAt}>{formatDateTime(gallery.deliveredAt)}</time>
          </p>
        </div>
        <DownloadAll orderId={orderId} archive={gallery.archive} />
      </div>

      <p class={`notice ${stale ? 'notice-danger' : 'notice-info'} gal-links-note`} data-testid="gallery-links-note" role={stale ? 'alert' : undefined}>
        {stale ? (
          <>
            The download links may have expired and fresh ones could not be fetched.{' '}
            <button type="button" class="link-button" onClick={onRefresh}>
              Try again
            </button>
          </>
        ) : (
          <>
            For your privacy the links to your files expire at <time dateTime={gallery.linksValidUntil}>{formatTime(gallery.linksValidUntil)}</time>; this page renews them by
            itself, so keep it open as long as you like.
          </>
        )}
      </p>

      <Card class="gal-card" label="Headshots" testid="gallery">
        <div class="card-header">
          <fieldset class="segmented" data-testid="gallery-filter">
            <legend class="visually-hidden">Show</legend>
            {(
              [
                { id: 'all', label: 'All', count: gallery.images.length },
                { id: 'favourites', label: 'Favourites', count: gallery.images.filter((image) => favourites.has(image.imageId)).length },
              ] as const
            ).map((option) => (
              <label key={option.id} class={`segment${filter === option.id ? ' segment-on' : ''}`}>
                <input type="radio" name="gallery-filter" value={option.id} checked={filter === option.id} onChange={() => setFilter(option.id)} data-testid={`gallery-filter-${option.id}`} />
                {option.label}
                <span class="segment-count">{option.count}</span>
              </label>
            ))}
          </fieldset>
          <p class="muted gal-hint">Open a headshot to see it full size. The heart keeps your favourites in this browser.</p>
        </div>
        {shown.length === 0 ? (
          <EmptyState title={filter === 'favourites' ? 'No favourites yet' : 'No headshots'} testid="gallery-empty">
            {filter === 'favourites' ? 'Tap the heart on a headshot to keep it here.' : 'This order has no approved headshot.'}
          </EmptyState>
        ) : (
          <ul class="gal-grid">
            {shown.map((image, i) => (
              <GalleryTile
                key={image.imageId}
                image={image}
                index={i}
                favourite={favourites.has(image.imageId)}
                onToggle={() => toggle(image.imageId)}
                onOpen={(button) => {
                  opener.current = button;
                  setViewing(image.imageId);
                }}
              />
            ))}
          </ul>
        )}
      </Card>

      {viewed !== -1 && (
        <FullViewer
          images={shown}
          index={viewed}
          favourite={favourites.has(shown[viewed]!.imageId)}
          onToggle={() => toggle(shown[viewed]!.imageId)}
          onMove={(delta) => setViewing(shown[wrapIndex(viewed, delta, shown.length)]!.imageId)}
          onClose={close}
        />
      )}
    </div>
  );
}

function describe(image: GalleryImage): string {
  return `${image.styleName}, ${poseLabel(image.poseId).toLowerCase()} pose`;
}

function GalleryTile({ image, index, favourite, onToggle, onOpen }: { image: GalleryImage; index: number; favourite: boolean; onToggle(): void; onOpen(button: HTMLElement): void }) {
  const preview = image.files.find((file) => file.name === 'preview');
  return (
    <li class="gal-item" data-testid="gallery-image" data-image-id={image.imageId} data-favourite={favourite}>
      <div class="gal-frame">
        <button type="button" class="gal-open" data-testid="gallery-open" onClick={(event) => onOpen(event.currentTarget)} aria-label={`Open ${describe(image)} full size`}>
          <img src={image.previewUrl} alt={`Headshot ${index + 1}: ${describe(image)}`} width={preview?.width} height={preview?.height} loading="lazy" decoding="async" />
        </button>
        <Heart favourite={favourite} onToggle={onToggle} label={describe(image)} />
      </div>
      <div class="gal-caption">
        <strong>{image.styleName}</strong>
        <span class="muted">{poseLabel(image.poseId)}</span>
      </div>
      <details class="gal-files" data-testid="gallery-files">
        <summary>
          <DownloadIcon /> Download
        </summary>
        <FileLinks image={image} />
      </details>
    </li>
  );
}

function FileLinks({ image }: { image: GalleryImage }) {
  return (
    <ul class="gal-file-list">
      {image.files.map((file) => (
        <li key={file.name + file.format}>
          <a href={file.url} download={downloadName(image, file)} data-testid="gallery-file" data-name={file.name} data-format={file.format} rel="noopener">
            {fileLabel(file)}
          </a>
        </li>
      ))}
    </ul>
  );
}

function Heart({ favourite, onToggle, label }: { favourite: boolean; onToggle(): void; label: string }) {
  return (
    <button
      type="button"
      class={`gal-heart${favourite ? ' gal-heart-on' : ''}`}
      aria-pressed={favourite}
      aria-label={`Favourite: ${label}`}
      title={favourite ? 'Remove from favourites' : 'Add to favourites'}
      data-testid="gallery-favourite"
      onClick={onToggle}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 20.5s-7.5-4.6-9.3-9.1C1.4 8 3.6 4.5 7.1 4.5c2 0 3.6 1.1 4.9 2.9 1.3-1.8 2.9-2.9 4.9-2.9 3.5 0 5.7 3.5 4.4 6.9-1.8 4.5-9.3 9.1-9.3 9.1z" />
      </svg>
    </button>
  );
}

interface FullViewerProps {
  readonly images: readonly GalleryImage[];
  readonly index: number;
  readonly favourite: boolean;
  onToggle(): void;
  onMove(delta: number): void;
  onClose(): void;
}

/** One headshot full size over the page: ←/→ or the buttons move, Escape or Close leaves. */
function FullViewer({ images, index, favourite, onToggle, onMove, onClose }: FullViewerProps) {
  const image = images[index]!;
  const dialog = useRef<HTMLDivElement>(null);
  const actions = useRef({ onClose, onMove });
  actions.current = { onClose, onMove };

  useEffect(() => {
    dialog.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      const action = viewerKey(event.key);
      if (!action) return;
      event.preventDefault();
      if (action === 'close') actions.current.onClose();
      else actions.current.onMove(action === 'next' ? 1 : -1);
    };
    document.addEventListener('keydown', onKey);
    // The page under the viewer stays still.
    document.body.classList.add('gal-viewer-open');
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.classList.remove('gal-viewer-open');
    };
  }, []);

  const full = [...image.files].filter((file) => file.format === 'jpeg').sort((a, b) => b.width - a.width)[0];
  return (
    <div class="gal-viewer" role="dialog" aria-modal="true" aria-label={`Headshot ${index + 1} of ${images.length}`} tabIndex={-1} ref={dialog} data-testid="gallery-viewer">
      <div class="gal-viewer-bar">
        <span data-testid="gallery-viewer-position">
          {index + 1} of {images.length} · {describe(image)}
        </span>
        <div class="gal-viewer-actions">
          <Heart favourite={favourite} onToggle={onToggle} label={describe(image)} />
          {full && (
            <a class="button button-quiet button-small" href={full.url} download={downloadName(image, full)} data-testid="gallery-viewer-download">
              <DownloadIcon /> {fileLabel(full)}
            </a>
          )}
          <button type="button" class="button button-quiet button-small" onClick={onClose} data-testid="gallery-viewer-close">
            Close <kbd>Esc</kbd>
          </button>
        </div>
      </div>
      <div class="gal-viewer-stage">
        <button type="button" class="gal-nav gal-nav-prev" onClick={() => onMove(-1)} aria-label="Previous headshot" data-testid="gallery-viewer-prev" disabled={images.length < 2}>
          ‹
        </button>
        <img src={image.fullUrl} alt={`Headshot ${index + 1}: ${describe(image)}, full size`} data-testid="gallery-viewer-image" data-image-id={image.imageId} />
        <button type="button" class="gal-nav gal-nav-next" onClick={() => onMove(1)} aria-label="Next headshot" data-testid="gallery-viewer-next" disabled={images.length < 2}>
          ›
        </button>
      </div>
    </div>
  );
}
