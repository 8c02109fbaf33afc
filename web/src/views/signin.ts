import { AuthError } from '../auth';
import { busy, h } from '../dom';

export interface SignInOptions {
  /** A message to show above the form, e.g. why the person was signed out. */
  readonly notice?: string;
  signIn(email: string, password: string): Promise<void>;
}

/** The sign-in page: email and password against the Cognito user pool. */
export function signInView(options: SignInOptions): HTMLElement {
  const email = h('input', {
    id: 'signin-email',
    type: 'email',
    name: 'email',
    autocomplete: 'username',
    required: true,
    testid: 'signin-email',
  });
  const password = h('input', {
    id: 'signin-password',
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
    testid: 'signin-password',
  });
  const error = h('p', { class: 'form-error', role: 'alert', testid: 'signin-error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-block', testid: 'signin-submit' }, 'Sign in');

  const showError = (message: string) => {
    error.textContent = message;
    error.hidden = false;
  };

  const form = h(
    'form',
    {
      class: 'signin-form',
      novalidate: true,
      onsubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        error.hidden = true;
        if (!email.value.trim() || !password.value) {
          showError('Enter your email address and password.');
          (email.value.trim() ? password : email).focus();
          return;
        }
        const done = busy(submit, 'Signing in…');
        try {
          await options.signIn(email.value.trim(), password.value);
        } catch (failure) {
          done();
          if (failure instanceof AuthError) {
            showError(failure.message);
            if (failure.kind === 'credentials') {
              password.select();
              password.focus();
            }
          } else {
            console.error(failure);
            showError('Something unexpected went wrong. Reload the page and try again.');
          }
        }
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'signin-email' }, 'Email'), email),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), password),
    error,
    submit,
  );

  queueMicrotask(() => email.focus());

  return h(
    'main',
    { class: 'signin', id: 'main', tabindex: '-1' },
    h(
      'div',
      { class: 'signin-card card' },
      h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Headshot Studio'),
      h('h1', {}, 'Sign in'),
      h('p', { class: 'muted' }, 'Studio-quality headshots, checked by a human editor before anything is generated.'),
      options.notice && h('p', { class: 'notice notice-info', role: 'status', testid: 'signin-notice' }, options.notice),
      form,
    ),
  );
}
