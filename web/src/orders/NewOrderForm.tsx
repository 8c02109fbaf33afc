import { useState } from 'preact/hooks';
import { createOrderSchema, MAX_STYLES_PER_ORDER } from '../../../shared/orders';
import { STYLES } from '../../../shared/styles';
import { ApiError } from '../api/client';
import { useApp } from '../app/context';
import { Card } from '../ui/Card';
import { PageHeading } from '../ui/PageHeading';
import { Spinner } from '../ui/Spinner';
import { StyleFacts, Swatch } from '../ui/Swatch';
import { markSubmitted } from './submitted';

const NOTE_LIMIT = 500;

export function NewOrderForm() {
  const app = useApp();
  const [picked, setPicked] = useState<readonly string[]>([]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const toggle = (styleId: string, on: boolean) => {
    setError(undefined);
    // Keep the order of the style list, whatever order they were ticked in.
    setPicked((current) => STYLES.map((s) => s.id).filter((id) => (id === styleId ? on : current.includes(id))));
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    // The same schema the API validates with, so most mistakes never leave the browser.
    const parsed = createOrderSchema.safeParse({ styles: picked, note: note.trim() || undefined });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => issue.message).join(' '));
      return;
    }
    setBusy(true);
    try {
      const order = await app.api.createOrder(parsed.data);
      markSubmitted(order.orderId);
      app.navigate(`/orders/${order.orderId}`);
    } catch (failure) {
      setBusy(false);
      // The API's own word on the input (a 4xx other than an ended session or a missing right) belongs beside the form.
      if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.status !== 401 && failure.status !== 403) {
        setError(failure.message);
      } else {
        app.handleError(failure);
      }
    }
  };

  return (
    <Card class="card-new-order" label="New order">
      <PageHeading>New order</PageHeading>
      <p class="muted">Choose the looks you want. Each style becomes a set of six headshots.</p>
      <form class="order-form" noValidate data-testid="new-order-form" onSubmit={submit}>
        <fieldset class="styles-fieldset">
          <legend>
            Styles <span class="field-hint">pick 1 to {MAX_STYLES_PER_ORDER}</span>
          </legend>
          <div class="style-grid">
            {STYLES.map((style) => {
              const checked = picked.includes(style.id);
              return (
                <label key={style.id} class={`style-card${checked ? ' style-card-selected' : ''}`} for={`style-${style.id}`}>
                  <Swatch styleId={style.id} />
                  <span class="style-card-body">
                    <span class="style-card-title">
                      <input
                        type="checkbox"
                        name="styles"
                        value={style.id}
                        id={`style-${style.id}`}
                        data-testid={`style-${style.id}`}
                        checked={checked}
                        onChange={(e) => toggle(style.id, e.currentTarget.checked)}
                      />
                      <strong>{style.name}</strong>
                    </span>
                    <StyleFacts styleId={style.id} />
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        <p class={`selection-count${picked.length > MAX_STYLES_PER_ORDER ? ' selection-count-over' : ''}`} aria-live="polite" data-testid="selection-count">
          {picked.length} of {MAX_STYLES_PER_ORDER} styles selected
        </p>
        <div class="field">
          <label for="order-note">
            Note for the studio <span class="field-hint">optional</span>
          </label>
          <textarea
            id="order-note"
            name="note"
            rows={3}
            maxLength={NOTE_LIMIT}
            placeholder="Anything the studio should know, e.g. “glasses on in half of the shots”."
            aria-describedby="order-note-count"
            data-testid="order-note"
            value={note}
            onInput={(e) => {
              setError(undefined);
              setNote(e.currentTarget.value);
            }}
          />
          <span id="order-note-count" class="field-hint">
            {note.length} / {NOTE_LIMIT}
          </span>
        </div>
        {error && (
          <p class="form-error" role="alert" data-testid="order-form-error">
            {error}
          </p>
        )}
        <div class="form-actions">
          <button type="submit" class="button button-primary" data-testid="order-submit" disabled={busy} aria-busy={busy || undefined}>
            {busy && <Spinner />}
            {busy ? 'Submitting…' : 'Submit order'}
          </button>
          <p class="field-hint">Nothing is charged until an editor confirms the order.</p>
        </div>
      </form>
    </Card>
  );
}
