import { useEffect, useRef, useState } from 'preact/hooks';
import { AuthCard, AuthField, AuthSubmit, FormError, useAuthForm } from './AuthCard';

export interface SignInProps {
  /** A message to show above the form, e.g. why the person was signed out. */
  readonly notice?: string;
  signIn(email: string, password: string): Promise<void>;
}

/** The sign-in page: email and password against the Cognito user pool; links to sign up and to reset. */
export function SignInPage({ notice, signIn }: SignInProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useAuthForm();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => emailRef.current?.focus(), []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      form.setError('Enter your email address and password.');
      (email.trim() ? passwordRef : emailRef).current?.focus();
      return;
    }
    await form.run(
      () => signIn(email.trim(), password),
      (failure) => {
        if (failure.kind === 'unconfirmed') location.hash = `#/verify?email=${encodeURIComponent(email.trim().toLowerCase())}`;
        if (failure.kind === 'credentials') {
          passwordRef.current?.select();
          passwordRef.current?.focus();
        }
      },
    );
  };

  return (
    <AuthCard
      title="Sign in"
      lead="Studio-quality headshots, checked by a human editor before anything is generated."
      notice={notice}
      footer={
        <p>
          New here?{' '}
          <a href="#/signup" data-testid="signin-signup">
            Create an account
          </a>{' '}
          ·{' '}
          <a href="#/reset" data-testid="signin-reset">
            Forgot your password?
          </a>
        </p>
      }
    >
      <form class="signin-form" noValidate onSubmit={submit}>
        <AuthField id="signin-email" label="Email" type="email" autocomplete="username" inputRef={emailRef} value={email} onInput={setEmail} />
        <AuthField id="signin-password" label="Password" type="password" autocomplete="current-password" inputRef={passwordRef} value={password} onInput={setPassword} />
        <FormError message={form.error} testId="signin-error" />
        <AuthSubmit busy={form.busy} label="Sign in" busyLabel="Signing in…" testId="signin-submit" />
      </form>
    </AuthCard>
  );
}
