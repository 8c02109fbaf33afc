import { useEffect, useRef, useState } from 'preact/hooks';
import { AuthCard, AuthField, AuthSubmit, emailFromHash, FormError, useAuthForm } from './AuthCard';
import { type CognitoClient, PASSWORD_RULE } from './session';

/** What the signed-out pages need: the user pool, and a way to sign in once an account is ready. */
export interface AuthPagesProps {
  readonly cognito: Pick<CognitoClient, 'signUp' | 'confirmSignUp' | 'resendCode' | 'forgotPassword' | 'confirmForgotPassword'>;
  /** Signs in and enters the app. */
  signIn(email: string, password: string): Promise<void>;
  /** Shows the sign-in page with a notice. */
  toSignIn(notice: string): void;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const go = (hash: string) => {
  location.hash = hash;
};

/** The password typed at sign-up, kept in memory only, so verifying the code can sign the person straight in. */
let pendingSignUp: { email: string; password: string } | undefined;

/** `#/signup`: email and password; Cognito e-mails a code, and the verify page takes it. */
export function SignUpPage({ cognito, signIn }: AuthPagesProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const form = useAuthForm();
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  useEffect(() => emailRef.current?.focus(), []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) {
      form.setError('Enter the email address you want your headshots sent to.');
      emailRef.current?.focus();
      return;
    }
    if (password !== repeat) {
      form.setError('The two passwords differ. Type the same password twice.');
      passwordRef.current?.focus();
      return;
    }
    await form.run(
      async () => {
        const { needsCode } = await cognito.signUp(address, password);
        if (!needsCode) return signIn(address, password);
        pendingSignUp = { email: address, password };
        go(`#/verify?email=${encodeURIComponent(address)}`);
      },
      (failure) => (failure.kind === 'password' ? passwordRef : emailRef).current?.focus(),
    );
  };

  return (
    <AuthCard
      title="Create your account"
      lead="New accounts start with 10 free credits, enough for a first style."
      footer={
        <p>
          Have an account? <a href="#/">Sign in</a>
        </p>
      }
    >
      <form class="signin-form" noValidate onSubmit={submit}>
        <AuthField id="signup-email" label="Email" type="email" autocomplete="email" inputRef={emailRef} value={email} onInput={setEmail} />
        <AuthField id="signup-password" label="Password" type="password" autocomplete="new-password" hint={PASSWORD_RULE} inputRef={passwordRef} value={password} onInput={setPassword} />
        <AuthField id="signup-repeat" label="Password again" type="password" autocomplete="new-password" value={repeat} onInput={setRepeat} />
        <FormError message={form.error} testId="signup-error" />
        <AuthSubmit busy={form.busy} label="Create account" busyLabel="Creating your account…" testId="signup-submit" />
      </form>
    </AuthCard>
  );
}

/** `#/verify?email=…`: the code Cognito e-mailed; a new one on request. */
export function VerifyPage({ cognito, signIn, toSignIn }: AuthPagesProps) {
  const [email, setEmail] = useState(() => emailFromHash());
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState(`We e-mailed a code to ${emailFromHash() || 'your address'}. It is good for 24 hours.`);
  const form = useAuthForm();
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => codeRef.current?.focus(), []);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const address = email.trim().toLowerCase();
    if (!/^\d{6}$/.test(code.trim())) {
      form.setError('The code is the 6 digits in the e-mail.');
      codeRef.current?.focus();
      return;
    }
    await form.run(async () => {
      await cognito.confirmSignUp(address, code.trim());
      const pending = pendingSignUp?.email === address ? pendingSignUp : undefined;
      pendingSignUp = undefined;
      if (pending) await signIn(pending.email, pending.password);
      else toSignIn('Your account is confirmed. Sign in with your email and password.');
    });
  };
  const resend = async () => {
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) {
      form.setError('Enter your email address first.');
      return;
    }
    if (await form.run(() => cognito.resendCode(address))) setNotice(`We sent a new code to ${address}.`);
  };

  return (
    <AuthCard
      title="Confirm your email"
      notice={notice}
      footer={
        <p>
          <button type="button" class="link-button" data-testid="verify-resend" onClick={resend} disabled={form.busy}>
            Send a new code
          </button>{' '}
          · <a href="#/">Back to sign in</a>
        </p>
      }
    >
      <form class="signin-form" noValidate onSubmit={submit}>
        <AuthField id="verify-email" label="Email" type="email" autocomplete="email" value={email} onInput={setEmail} />
        <AuthField id="verify-code" label="Code" type="text" inputMode="numeric" maxLength={6} autocomplete="one-time-code" inputRef={codeRef} value={code} onInput={setCode} />
        <FormError message={form.error} testId="verify-error" />
        <AuthSubmit busy={form.busy} label="Confirm" busyLabel="Confirming…" testId="verify-submit" />
      </form>
    </AuthCard>
  );
}

/** `#/reset`: a code by e-mail, then a new password with it. */
export function ResetPasswordPage({ cognito, toSignIn }: AuthPagesProps) {
  const [email, setEmail] = useState(() => emailFromHash());
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const form = useAuthForm();
  const emailRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);
  useEffect(() => (sent ? codeRef : emailRef).current?.focus(), [sent]);

  const requestCode = async (event: SubmitEvent) => {
    event.preventDefault();
    const address = email.trim().toLowerCase();
    if (!EMAIL.test(address)) {
      form.setError('Enter the email address of your account.');
      return;
    }
    if (await form.run(() => cognito.forgotPassword(address))) setSent(true);
  };
  const setNewPassword = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      form.setError('The code is the 6 digits in the e-mail.');
      codeRef.current?.focus();
      return;
    }
    if (await form.run(() => cognito.confirmForgotPassword(email.trim().toLowerCase(), code.trim(), password))) {
      toSignIn('Your password is changed. Sign in with the new one.');
    }
  };

  return (
    <AuthCard
      title="Reset your password"
      lead={sent ? undefined : 'We will e-mail you a code to set a new password.'}
      notice={sent ? `We e-mailed a code to ${email.trim().toLowerCase()}.` : undefined}
      footer={
        <p>
          <a href="#/">Back to sign in</a>
        </p>
      }
    >
      {sent ? (
        <form class="signin-form" noValidate onSubmit={setNewPassword}>
          <AuthField id="reset-code" label="Code" type="text" inputMode="numeric" maxLength={6} autocomplete="one-time-code" inputRef={codeRef} value={code} onInput={setCode} />
          <AuthField id="reset-password" label="New password" type="password" autocomplete="new-password" hint={PASSWORD_RULE} value={password} onInput={setPassword} />
          <FormError message={form.error} testId="reset-error" />
          <AuthSubmit busy={form.busy} label="Set new password" busyLabel="Saving…" testId="reset-submit" />
        </form>
      ) : (
        <form class="signin-form" noValidate onSubmit={requestCode}>
          <AuthField id="reset-email" label="Email" type="email" autocomplete="email" inputRef={emailRef} value={email} onInput={setEmail} />
          <FormError message={form.error} testId="reset-error" />
          <AuthSubmit busy={form.busy} label="Send code" busyLabel="Sending…" testId="reset-send" />
        </form>
      )}
    </AuthCard>
  );
}
