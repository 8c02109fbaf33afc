import { useEffect, useRef, useState } from 'preact/hooks';
import { Footer } from '../app/Shell';
import { Spinner } from '../ui/Spinner';
import { AuthError } from './session';

export interface SignInProps {
  /** A message to show above the form, e.g. why the person was signed out. */
  readonly notice?: string;
  signIn(email: string, password: string): Promise<void>;
}

/** The sign-in page: email and password against the Cognito user pool. */
export function SignInPage({ notice, signIn }: SignInProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => emailRef.current?.focus(), []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    if (!email.trim() || !password) {
      setError('Enter your email address and password.');
      (email.trim() ? passwordRef : emailRef).current?.focus();
      return;
    }
    setBusy(true);
    try {
      await signIn(email.trim(), password);
    } catch (failure) {
      setBusy(false);
      if (failure instanceof AuthError) {
        setError(failure.message);
        if (failure.kind === 'credentials') {
          passwordRef.current?.select();
          passwordRef.current?.focus();
        }
      } else {
        console.error(failure);
        setError('Something unexpected went wrong. Reload the page and try again.');
      }
    }
  };

  return (
    <div class="signin-page">
      <main class="signin" id="main" tabIndex={-1}>
        <div class="signin-card card">
          <div class="brand brand-large">
            <span class="brand-mark" aria-hidden="true" />
            Headshot Studio
          </div>
          <h1>Sign in</h1>
          <p class="muted">Studio-quality headshots, checked by a human editor before anything is generated.</p>
          {notice && (
            <p class="notice notice-info" role="status" data-testid="signin-notice">
              {notice}
            </p>
          )}
          <form class="signin-form" noValidate onSubmit={submit}>
            <div class="field">
              <label for="signin-email">Email</label>
              <input
                ref={emailRef}
                id="signin-email"
                type="email"
                name="email"
                autocomplete="username"
                required
                data-testid="signin-email"
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="signin-password">Password</label>
              <input
                ref={passwordRef}
                id="signin-password"
                type="password"
                name="password"
                autocomplete="current-password"
                required
                data-testid="signin-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </div>
            {error && (
              <p class="form-error" role="alert" data-testid="signin-error">
                {error}
              </p>
            )}
            <button type="submit" class="button button-primary button-block" data-testid="signin-submit" disabled={busy} aria-busy={busy || undefined}>
              {busy && <Spinner />}
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        </div>
      </main>
      <Footer />
    </div>
  );
}
