import { useState } from 'preact/hooks';
import { discardOrder } from '../../../shared/api/orders';
import { submitOrder } from '../../../shared/api/photos';
import type { OrderView } from '../../../shared/orders';
import { MIN_ACCEPTED_PHOTOS } from '../../../shared/photos';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import { PhotoGrid } from '../photos/PhotoGrid';
import { acceptedCount } from '../photos/rows';
import { UploadStep } from '../photos/UploadStep';
import { Badge } from '../ui/Badge';
import { Card } from '../ui/Card';
import { shortId } from '../ui/format';
import { credits } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Spinner } from '../ui/Spinner';
import { markSubmitted } from './submitted';

type WizardStep = 'upload' | 'review';

const STEPS = [
  { id: 'studio', label: 'Studio' },
  { id: 'styles', label: 'Styles' },
  { id: 'upload', label: 'Upload photos' },
  { id: 'review', label: 'Review & submit' },
] as const;

/**
 * An order the customer is still putting together (a draft, or one the studio
 * sent back for more photos): the stepper Studio → Styles → Upload → Review.
 */
export function OrderWizard({ order, refresh }: { order: OrderView; refresh(): void }) {
  const [step, setStep] = useState<WizardStep>('upload');
  const current = STEPS.findIndex((s) => s.id === step);

  const go = (next: WizardStep) => {
    setStep(next);
    // The step's heading takes the focus, so screen readers hear where they are.
    requestAnimationFrame(() => {
      const heading = document.getElementById(next === 'upload' ? 'upload-heading' : 'review-heading');
      heading?.focus();
      heading?.scrollIntoView({ block: 'start' });
    });
  };

  return (
    <div class="wizard" data-testid="order-wizard" data-step={step}>
      <div class="page-header">
        <a href="#/" class="back-link">
          ← My orders
        </a>
        <div class="page-title">
          <PageHeading>Order {shortId(order.orderId)}</PageHeading>
          <Badge status={order.status} testid="order-status" />
        </div>
        <p class="muted">
          {order.studioName} · {order.styleDetails.map((s) => s.name).join(', ')} · {credits(order.credits)}
        </p>
        <DiscardButton orderId={order.orderId} />
      </div>
      {order.status === 'NEEDS_NEW_PHOTOS' && (
        <p class="banner banner-error" role="alert" data-testid="order-missing-photos">
          <span class="banner-icon" aria-hidden="true">
            !
          </span>
          <span class="banner-text">
            <strong>The studio needs more photos. </strong>
            {order.missing ?? `Upload more clear photos of just you until ${MIN_ACCEPTED_PHOTOS} are accepted, then submit again.`}
          </span>
        </p>
      )}
      <nav aria-label="Order steps">
        <ol class="wizard-steps" data-testid="wizard-steps">
          {STEPS.map((s, i) => {
            const state = i < current ? 'done' : i === current ? 'current' : 'upcoming';
            return (
              <li key={s.id} class={`wizard-step wizard-step-${state}`} aria-current={state === 'current' ? 'step' : undefined} data-state={state}>
                <span class="wizard-step-marker" aria-hidden="true">
                  {state === 'done' ? '✓' : i + 1}
                </span>
                <span class="wizard-step-label">
                  {s.label}
                  <span class="visually-hidden"> ({state === 'done' ? 'done' : state === 'current' ? 'current step' : 'still to come'})</span>
                </span>
                {s.id === 'studio' && (
                  <a class="wizard-step-detail" href={`#/studios/${order.studioId}`}>
                    {order.studioName}
                  </a>
                )}
                {s.id === 'styles' && <span class="wizard-step-detail">{order.styleDetails.length === 1 ? '1 style' : `${order.styleDetails.length} styles`}</span>}
              </li>
            );
          })}
        </ol>
      </nav>
      <Card class="card-wizard" label={step === 'upload' ? 'Upload photos' : 'Review and submit'}>
        {step === 'upload' ? <UploadStep order={order} refresh={refresh} onContinue={() => go('review')} /> : <ReviewStep order={order} refresh={refresh} onBack={() => go('upload')} />}
      </Card>
    </div>
  );
}

function ReviewStep({ order, refresh, onBack }: { order: OrderView; refresh(): void; onBack(): void }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const photos = order.photos ?? [];
  const accepted = photos.filter((photo) => photo.status === 'ACCEPTED');
  const checking = photos.filter((photo) => photo.status === 'UPLOADING' || photo.status === 'VALIDATING').length;

  const submit = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await app.api.call(submitOrder, { params: { orderId: order.orderId } });
      markSubmitted(order.orderId);
      refresh();
    } catch (failure) {
      setBusy(false);
      if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401 && failure.status !== 403) setError(failure.message);
      else app.handleError(failure);
    }
  };

  return (
    <section class="review-step" aria-labelledby="review-heading" data-testid="review-step">
      <h2 id="review-heading" tabIndex={-1}>
        Review and submit
      </h2>
      <p class="muted">A studio editor checks every order before any image is made. Nothing is charged until they confirm it.</p>
      <div class="layout-review">
        <div>
          <h3 class="subheading">
            Your photos <span class="field-hint">{acceptedCount(photos)} accepted{checking ? `, ${checking} still being checked` : ''}</span>
          </h3>
          <PhotoGrid photos={accepted} verdicts={false} testid="review-photos" />
        </div>
        <div class="review-side">
          <h3 class="subheading">{order.studioName}</h3>
          <ul class="price-list" data-testid="review-styles">
            {order.styleDetails.map((style) => (
              <li key={style.styleId}>
                <span>{style.name}</span>
                <span>{credits(style.priceCredits)}</span>
              </li>
            ))}
            <li class="price-total">
              <span>Total</span>
              <strong data-testid="review-total">{credits(order.credits)}</strong>
            </li>
          </ul>
          <h3 class="subheading">Note for the studio</h3>
          <p class="note" data-testid="review-note">
            {order.note ?? <span class="muted">No note.</span>}
          </p>
        </div>
      </div>
      {error && (
        <p class="form-error" role="alert" data-testid="submit-error">
          {error}
        </p>
      )}
      <div class="wizard-actions">
        <button type="button" class="button button-quiet" onClick={onBack} disabled={busy}>
          ← Back to photos
        </button>
        <button type="button" class="button button-primary" data-testid="submit-order" onClick={() => void submit()} disabled={busy || accepted.length < MIN_ACCEPTED_PHOTOS} aria-busy={busy || undefined}>
          {busy && <Spinner />}
          {busy ? 'Submitting…' : `Submit order · ${credits(order.credits)}`}
        </button>
      </div>
    </section>
  );
}

/** Gives up the order before it goes to the studio: its selfies are deleted and held credits go back. */
function DiscardButton({ orderId }: { orderId: string }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const discard = async () => {
    if (!window.confirm('Discard this order? Its selfies are deleted, and nothing is charged.')) return;
    setBusy(true);
    try {
      await app.api.call(discardOrder, { params: { orderId } });
      app.notify('The order is discarded and its selfies are deleted.');
      app.navigate('/');
    } catch (failure) {
      setBusy(false);
      app.handleError(failure);
    }
  };
  return (
    <button type="button" class="button button-danger-quiet button-small" data-testid="discard-order" disabled={busy} aria-busy={busy || undefined} onClick={() => void discard()}>
      {busy && <Spinner />}
      {busy ? 'Discarding…' : 'Discard this order'}
    </button>
  );
}
