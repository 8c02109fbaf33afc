import { useEffect, useState } from 'preact/hooks';
import { getWallet, listWalletEntries } from '../../../shared/api/wallets';
import { isCheckoutSessionId } from '../../../shared/billing';
import type { LedgerEntryView } from '../../../shared/wallets';
import { useApp } from '../app/context';
import { useHashQuery } from '../app/useHashPath';
import { Loading } from '../ui/Spinner';
import { PageHeading } from '../ui/PageHeading';
import { credits } from '../ui/labels';
import { announceBalance } from './balance';

/** How often, and how long, the page looks for the purchase: Stripe's webhook usually lands within seconds. */
const POLL_MS = 1_500;
const PATIENCE_MS = 60_000;

type Outcome =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'credited'; readonly entry: LedgerEntryView; readonly balance: number }
  | { readonly kind: 'pending' }
  | { readonly kind: 'invalid' };

/**
 * Where Stripe sends the buyer after paying: waits for the purchase to reach
 * the wallet's history (the webhook credits it, referencing the session),
 * then shows what was added and refreshes the balance in the header. A payment
 * still settling (a bank transfer) says so.
 */
export function ReturnPage() {
  const { api, me, handleError } = useApp();
  const query = useHashQuery();
  const sessionId = query.get('session') ?? '';
  const walletId = query.get('wallet') ?? '';
  const known = me.wallets.some((w) => w.walletId === walletId);
  const [outcome, setOutcome] = useState<Outcome>(() => (known && isCheckoutSessionId(sessionId) ? { kind: 'waiting' } : { kind: 'invalid' }));
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!known || !isCheckoutSessionId(sessionId)) return;
    setOutcome({ kind: 'waiting' });
    const controller = new AbortController();
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = async () => {
      try {
        const { entries } = await api.call(listWalletEntries, { params: { walletId }, query: { limit: '20' }, signal: controller.signal });
        const entry = entries.find((e) => e.type === 'purchase' && e.reference === sessionId);
        if (entry) {
          const wallet = await api.call(getWallet, { params: { walletId }, signal: controller.signal });
          announceBalance(walletId, wallet.balance);
          setOutcome({ kind: 'credited', entry, balance: wallet.balance });
          return;
        }
        if (Date.now() - started > PATIENCE_MS) {
          setOutcome({ kind: 'pending' });
          return;
        }
        timer = setTimeout(() => void look(), POLL_MS);
      } catch (failure) {
        handleError(failure);
      }
    };
    void look();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, walletId, sessionId, known, attempt]);

  return (
    <div class="billing-page billing-return" data-testid="billing-return" data-outcome={outcome.kind}>
      {outcome.kind === 'waiting' && (
        <>
          <PageHeading>Confirming your payment</PageHeading>
          <Loading text="Waiting for Stripe to confirm the payment…" />
        </>
      )}
      {outcome.kind === 'credited' && (
        <>
          <PageHeading>Thank you: {credits(outcome.entry.amount)} added</PageHeading>
          <div class="card billing-receipt" data-testid="billing-receipt">
            <dl class="facts">
              <div>
                <dt>Added</dt>
                <dd>{credits(outcome.entry.amount)}</dd>
              </div>
              <div>
                <dt>Balance now</dt>
                <dd data-testid="balance-after">{credits(outcome.balance)}</dd>
              </div>
              <div>
                <dt>Payment reference</dt>
                <dd>
                  <code class="receipt-id">{sessionId}</code>
                </dd>
              </div>
            </dl>
            <div class="form-actions">
              <a href="#/studios" class="button button-primary">
                Browse studios
              </a>
              <a href="#/billing" class="button button-quiet">
                Buy more credits
              </a>
            </div>
          </div>
        </>
      )}
      {outcome.kind === 'pending' && (
        <>
          <PageHeading>Your payment is being processed</PageHeading>
          <p class="notice notice-info" role="status">
            Stripe has not confirmed this payment yet. Some payment methods, such as bank transfers, take a few days; the credits are added as soon as it
            clears. You can leave this page.
          </p>
          <p>
            <button type="button" class="button button-quiet" onClick={() => setAttempt((n) => n + 1)}>
              Check again
            </button>
          </p>
        </>
      )}
      {outcome.kind === 'invalid' && (
        <>
          <PageHeading>Nothing to confirm</PageHeading>
          <p class="muted">This link does not name a purchase of yours.</p>
          <a href="#/billing" class="button button-primary">
            Buy credits
          </a>
        </>
      )}
    </div>
  );
}
