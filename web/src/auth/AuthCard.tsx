import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Footer } from '../app/Shell';
import { Spinner } from '../ui/Spinner';
import { AuthError } from './session';

/** The card every signed-out page sits in: the brand, a heading, a lead, an optional notice. */
export function AuthCard({ title, lead, notice, children, footer }: { title: string; lead?: string; notice?: string; children: ComponentChildren; footer?: ComponentChildren }) {
  return (
    <div class="signin-page">
      <main class="signin" id="main" tabIndex={-1}>
        <div class="signin-card card">
          <div class="brand brand-large">
            <span class="brand-mark" aria-hidden="true" />
            Headshot Studio
          </div>
          <h1>{title}</h1>
          {lead && <p class="muted">{lead}</p>}
          {notice && (
            <p class="notice notice-info" role="status" data-testid="auth-notice">
              {notice}
            </p>
          )}
          {children}
          {footer && <div class="auth-links">{footer}</div>}
        </div>
      </main>
      <Footer />
    </div>
  );
}

/** One labelled input of an auth form. */
export function AuthField({
  id,
  label,
  hint,
  inputRef,
  value,
  onInput,
  ...input
}: {
  id: string;
  label: string;
  hint?: string;
  inputRef?: { current: HTMLInputElement | null };
  value: string;
  onInput: (value: string) => void;
  type: string;
  autocomplete: string;
  inputMode?: 'numeric' | 'email' | 'text';
  maxLength?: number;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        ref={inputRef}
        id={id}
        name={id}
        required
        data-testid={id}
        aria-describedby={hint ? `${id}-hint` : undefined}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
        {...input}
      />
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** The submit button with its busy state. */
export function AuthSubmit({ busy, label, busyLabel, testId }: { busy: boolean; label: string; busyLabel: string; testId: string }) {
  return (
    <button type="submit" class="button button-primary button-block" data-testid={testId} disabled={busy} aria-busy={busy || undefined}>
      {busy && <Spinner />}
      {busy ? busyLabel : label}
    </button>
  );
}

/**
 * The state of an auth form: busy while its action runs, and the message of
 * an AuthError (or a generic one) when it fails. `run` answers whether the
 * action succeeded.
 */
export function useAuthForm() {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>, onError?: (failure: AuthError) => void): Promise<boolean> => {
    setError(undefined);
    setBusy(true);
    try {
      await action();
      setBusy(false);
      return true;
    } catch (failure) {
      setBusy(false);
      if (failure instanceof AuthError) {
        setError(failure.message);
        onError?.(failure);
      } else {
        console.error(failure);
        setError('Something unexpected went wrong. Reload the page and try again.');
      }
      return false;
    }
  };
  return { error, setError, busy, run };
}

/** The form's error line, announced when it appears. */
export function FormError({ message, testId }: { message?: string; testId: string }) {
  return message ? (
    <p class="form-error" role="alert" data-testid={testId}>
      {message}
    </p>
  ) : null;
}

/** The e-mail address named in the hash's query (`#/verify?email=…`), if any. */
export function emailFromHash(hash = location.hash): string {
  const query = hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('email') ?? '';
}
