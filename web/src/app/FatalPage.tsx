import { useState } from 'preact/hooks';
import { Spinner } from '../ui/Spinner';

/** A whole-page failure with one way forward (retry or reload). */
export function FatalPage({ title, message, action, onAction }: { title: string; message: string; action: string; onAction: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin" id="main" tabIndex={-1}>
      <div class="card signin-card">
        <h1>{title}</h1>
        <p class="banner banner-error" role="alert" data-testid="error-banner">
          {message}
        </p>
        <button
          type="button"
          class="button button-primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            onAction();
          }}
        >
          {busy && <Spinner />}
          {busy ? 'Retrying…' : action}
        </button>
      </div>
    </main>
  );
}
