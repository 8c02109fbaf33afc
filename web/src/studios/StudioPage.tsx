import { useEffect, useState } from 'preact/hooks';
import { createOrder } from '../../../shared/api/orders';
import { getStudio } from '../../../shared/api/studios';
import { createOrderSchema, MAX_STYLES_PER_ORDER } from '../../../shared/orders';
import type { StudioView, StyleView } from '../../../shared/studios';
import { ApiError, ErrorCodes } from '../api/client';
import { useMyWallets } from '../accounts/useMyWallets';
import { useApi, useOptionalApp } from '../app/context';
import type { RouteProps } from '../app/router';
import { navigate } from '../app/useHashPath';
import { Card } from '../ui/Card';
import { EmptyState } from '../ui/EmptyState';
import { credits } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Loading, Spinner } from '../ui/Spinner';
import { StyleFacts, Swatch } from '../ui/Swatch';
import { tagLabel } from './MarketplacePage';
import { savePendingOrder } from './pending';

const NOTE_LIMIT = 500;

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'missing'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'loaded'; readonly studio: StudioView };

/** One studio: who made it, its styles with their sample images, and the choice of styles that starts an order. Public. */
export function StudioPage({ params }: RouteProps) {
  const api = useApi();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api.call(getStudio, { params: { studioId: params.studioId }, signal: controller.signal }).then(
      (studio) => setState({ kind: 'loaded', studio }),
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        if (failure instanceof ApiError && (failure.is(ErrorCodes.STUDIO_NOT_FOUND, 404) || failure.is(ErrorCodes.VALIDATION_FAILED, 400))) {
          setState({ kind: 'missing', message: failure.message });
        } else {
          setState({ kind: 'failed', message: failure instanceof Error ? failure.message : 'Something unexpected went wrong.' });
        }
      },
    );
    return () => controller.abort();
  }, [params.studioId, attempt]);

  if (state.kind === 'loading') return <Loading text="Loading the studio…" />;
  if (state.kind === 'missing' || state.kind === 'failed') {
    return (
      <Card class="card-narrow status-page" testid="studio-missing">
        <PageHeading>{state.kind === 'missing' ? 'Studio not found' : 'Could not load the studio'}</PageHeading>
        <p class="muted">{state.message}</p>
        <div class="form-actions">
          {state.kind === 'failed' && (
            <button type="button" class="button button-primary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          )}
          <a href="#/studios" class="button button-quiet">
            All studios
          </a>
        </div>
      </Card>
    );
  }
  return <StudioDetails studio={state.studio} />;
}

function StudioDetails({ studio }: { studio: StudioView }) {
  const api = useApi();
  const app = useOptionalApp();
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [note, setNote] = useState('');
  // Who pays: the person's own wallet unless they pick an organisation's (read afresh: a team joined since sign-in counts).
  const wallets = useMyWallets(app);
  const [walletId, setWalletId] = useState<string | undefined>(undefined);
  const paying = wallets.find((w) => w.walletId === walletId) ?? wallets.find((w) => w.kind === 'person');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const chosen = studio.styles.filter((style) => picked.includes(style.styleId));
  const total = chosen.reduce((sum, style) => sum + style.priceCredits, 0);
  const full = picked.length >= MAX_STYLES_PER_ORDER;

  const toggle = (styleId: string, on: boolean) => {
    setError(undefined);
    // Keep the studio's order of styles, whatever order they were ticked in.
    setPicked((current) => studio.styles.map((s) => s.styleId).filter((id) => (id === styleId ? on : current.includes(id))));
  };

  const start = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = createOrderSchema.safeParse({
      studioId: studio.studioId,
      styleIds: picked,
      note: note.trim() || undefined,
      walletId: paying && paying.kind === 'organisation' ? paying.walletId : undefined,
    });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join(' '));
      return;
    }
    if (!app) {
      // Signed out: keep the choice for after sign-in; the start page is behind it.
      savePendingOrder(parsed.data);
      navigate(`/studios/${studio.studioId}/start`);
      return;
    }
    setBusy(true);
    try {
      const order = await api.call(createOrder, { body: parsed.data });
      app.navigate(`/orders/${order.orderId}`);
    } catch (failure) {
      setBusy(false);
      if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401 && failure.status !== 403) setError(failure.message);
      else app.handleError(failure);
    }
  };

  return (
    <div class="studio-page" data-testid="studio-page" data-studio-id={studio.studioId}>
      <div class="page-header">
        <a href="#/studios" class="back-link">
          ← All studios
        </a>
        <PageHeading>{studio.name}</PageHeading>
        <p class="studio-credit">
          Curated by <strong>{studio.photographer.name}</strong>
        </p>
        <ul class="chips" aria-label="Tags">
          {studio.tags.map((t) => (
            <li key={t}>
              <a class="chip chip-tag" href={`#/studios?tag=${encodeURIComponent(t)}`}>
                {tagLabel(t)}
              </a>
            </li>
          ))}
        </ul>
      </div>
      <div class="layout-studio">
        <Card class="card-studio-about" label="About the studio">
          <h2>About the studio</h2>
          <p class="note">{studio.description}</p>
          <h3 class="subheading">The photographer</h3>
          <p class="note" data-testid="photographer-bio">
            <strong>{studio.photographer.name}</strong> — {studio.photographer.bio}
          </p>
        </Card>
      </div>
      <form class="studio-order" noValidate onSubmit={start} data-testid="studio-order-form">
        <fieldset class="styles-fieldset">
          <legend>
            <h2 class="legend-heading">Choose your styles</h2>
            <span class="field-hint">
              Pick 1 to {MAX_STYLES_PER_ORDER}. Each style becomes a set of six headshots.
            </span>
          </legend>
          {studio.styles.length === 0 ? (
            <EmptyState title="This studio has no styles yet">Come back soon, or browse the other studios.</EmptyState>
          ) : (
            <ul class="studio-styles">
              {studio.styles.map((style) => (
                <li key={style.styleId}>
                  <StyleOption style={style} checked={picked.includes(style.styleId)} disabled={full && !picked.includes(style.styleId)} onToggle={toggle} />
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <div class="order-summary card" aria-label="Your order">
          <p class="order-total" aria-live="polite" data-testid="order-total">
            <span>
              {picked.length} of {MAX_STYLES_PER_ORDER} styles
            </span>
            <strong data-testid="order-total-credits">{credits(total)}</strong>
          </p>
          {full && <p class="field-hint">That is the most styles one order can hold; untick one to pick another.</p>}
          {wallets.length > 1 && (
            <div class="field">
              <label for="order-wallet">Pay from</label>
              <select id="order-wallet" data-testid="order-wallet" value={paying?.walletId} onChange={(e) => setWalletId(e.currentTarget.value)}>
                {wallets.map((w) => (
                  <option key={w.walletId} value={w.walletId}>
                    {w.kind === 'person' ? 'My credits' : w.name} ({credits(w.balance)})
                  </option>
                ))}
              </select>
            </div>
          )}
          {paying && total > paying.balance && (
            <p class="field-hint" data-testid="order-short">
              {paying.kind === 'person' ? 'Your wallet' : paying.name} holds {credits(paying.balance)}; this order needs {credits(total)}.{' '}
              <a href="#/billing">Buy credits</a> before you submit it.
            </p>
          )}
          <div class="field">
            <label for="order-note">
              Note for the studio <span class="field-hint">optional</span>
            </label>
            <textarea
              id="order-note"
              rows={2}
              maxLength={NOTE_LIMIT}
              placeholder="Anything the editor should know, e.g. “glasses on in half of the shots”."
              data-testid="order-note"
              value={note}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </div>
          {error && (
            <p class="form-error" role="alert" data-testid="order-form-error">
              {error}
            </p>
          )}
          <div class="form-actions">
            <button type="submit" class="button button-primary" data-testid="start-order" disabled={busy || picked.length === 0} aria-busy={busy || undefined}>
              {busy && <Spinner />}
              {busy ? 'Starting…' : 'Start order'}
            </button>
            <p class="field-hint">{app ? 'Next: upload your selfies. Nothing is charged until an editor confirms.' : 'You will sign in first. Nothing is charged until an editor confirms.'}</p>
          </div>
        </div>
      </form>
    </div>
  );
}

function StyleOption({ style, checked, disabled, onToggle }: { style: StyleView; checked: boolean; disabled: boolean; onToggle: (styleId: string, on: boolean) => void }) {
  const samples = style.images.filter((image) => image.kind === 'sample');
  const id = `style-${style.styleId}`;
  return (
    <article class={`studio-style${checked ? ' studio-style-selected' : ''}`} data-testid={`studio-style-${style.styleId}`}>
      <div class="gallery" role="list" aria-label={`Sample images of ${style.name}`}>
        {samples.length === 0 ? (
          <div role="listitem" class="gallery-item">
            <Swatch styleId={style.styleId} />
          </div>
        ) : (
          samples.map((image, i) => (
            <div role="listitem" class="gallery-item" key={image.imageId}>
              <img src={image.url} alt={`${style.name}: sample headshot ${i + 1} of ${samples.length}`} loading="lazy" decoding="async" />
            </div>
          ))
        )}
      </div>
      <div class="studio-style-body">
        <div class="studio-style-title">
          <label for={id} class="style-check">
            <input type="checkbox" id={id} data-testid={id} checked={checked} disabled={disabled} onChange={(e) => onToggle(style.styleId, e.currentTarget.checked)} />
            <strong>{style.name}</strong>
          </label>
          <span class="price" data-testid={`price-${style.styleId}`}>
            {credits(style.priceCredits)}
          </span>
        </div>
        <StyleFacts style={style} />
      </div>
    </article>
  );
}
