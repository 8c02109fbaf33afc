import { useState } from 'preact/hooks';
import { deleteMe } from '../../../shared/api/accounts';
import { useApp } from '../app/context';
import { AuthField, FormError, useAuthForm } from '../auth/AuthCard';
import { PASSWORD_RULE } from '../auth/session';
import { Card } from '../ui/Card';
import { WalletHistory } from './WalletHistory';
import { credits } from '../ui/labels';
import { PageHeading } from '../ui/PageHeading';
import { Spinner } from '../ui/Spinner';

/** `#/account`: who you are, your wallets, a new password, and deleting the account. */
export function AccountPage() {
  const { me } = useApp();
  return (
    <div class="account-page">
      <PageHeading>Your account</PageHeading>
      <Card class="account-card" label="Profile">
        <h2>Profile</h2>
        <dl class="facts facts-wide account-facts">
          <div>
            <dt>Email</dt>
            <dd data-testid="account-email">{me.email ?? '—'}</dd>
          </div>
          <div>
            <dt>Roles</dt>
            <dd>{me.groups.length ? me.groups.join(', ') : 'customer'}</dd>
          </div>
          {me.wallets.map((wallet) => (
            <div key={wallet.walletId}>
              <dt>{wallet.kind === 'person' ? 'Your credits' : `${wallet.name} credits`}</dt>
              <dd data-testid={`account-wallet-${wallet.kind}`}>{credits(wallet.balance)}</dd>
            </div>
          ))}
        </dl>
        <p>
          <a class="button button-quiet button-small" href="#/billing">
            Buy credits
          </a>{' '}
          <a class="button button-quiet button-small" href="#/api-keys" data-testid="account-apikeys">
            API keys
          </a>
        </p>
      </Card>
      <Card class="account-card" label="Your credits">
        <h2>Your credits</h2>
        <WalletHistory walletId={me.sub} />
      </Card>
      <ChangePassword />
      <DeleteAccount />
    </div>
  );
}

function ChangePassword() {
  const { account, notify } = useApp();
  const [previous, setPrevious] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const form = useAuthForm();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!previous || !next) return form.setError('Type your current password and the new one.');
    if (next !== repeat) return form.setError('The two new passwords differ. Type the same password twice.');
    if (await form.run(() => account.changePassword(previous, next))) {
      setPrevious('');
      setNext('');
      setRepeat('');
      notify('Your password is changed.');
    }
  };
  return (
    <Card class="account-card" label="Change your password">
        <h2>Change your password</h2>
      <form class="narrow-form" noValidate onSubmit={submit}>
        <AuthField id="password-current" label="Current password" type="password" autocomplete="current-password" value={previous} onInput={setPrevious} />
        <AuthField id="password-new" label="New password" type="password" autocomplete="new-password" hint={PASSWORD_RULE} value={next} onInput={setNext} />
        <AuthField id="password-repeat" label="New password again" type="password" autocomplete="new-password" value={repeat} onInput={setRepeat} />
        <FormError message={form.error} testId="password-error" />
        <button type="submit" class="button button-primary" data-testid="password-submit" disabled={form.busy}>
          {form.busy && <Spinner />}
          {form.busy ? 'Saving…' : 'Change password'}
        </button>
      </form>
    </Card>
  );
}

const CONFIRMATION = 'delete my account';

function DeleteAccount() {
  const { api, account, handleError } = useApp();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const confirmed = typed.trim().toLowerCase() === CONFIRMATION;
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    try {
      await api.call(deleteMe);
      account.deleted();
    } catch (failure) {
      setBusy(false);
      handleError(failure);
    }
  };
  return (
    <Card class="account-card" label="Delete your account">
        <h2>Delete your account</h2>
      <p>
        You will no longer be able to sign in. Credits left in your personal wallet are forfeited; the record of what you bought and spent is kept for the
        accounts. Orders in progress must end first, and you must leave every organisation (an owner hands it to another owner first).
      </p>
      <form class="narrow-form" noValidate onSubmit={submit}>
        <div class="field">
          <label for="delete-confirm">
            Type <strong>{CONFIRMATION}</strong> to confirm
          </label>
          <input id="delete-confirm" type="text" data-testid="delete-confirm" autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button button-danger" data-testid="delete-submit" disabled={!confirmed || busy}>
          {busy && <Spinner />}
          {busy ? 'Deleting…' : 'Delete my account'}
        </button>
      </form>
    </Card>
  );
}
