import { useEffect, useState } from 'preact/hooks';
import { createCheckout, listCreditPackages } from '../../../shared/api/billing';
import { getWallet } from '../../../shared/api/wallets';
import { type CreditPackage, formatPrice } from '../../../shared/billing';
import { useMyWallets } from '../accounts/useMyWallets';
import { useApp } from '../app/context';
import { useHashQuery } from '../app/useHashPath';
import { Loading, Spinner } from '../ui/Spinner';
import { PageHeading } from '../ui/PageHeading';
import { credits } from '../ui/labels';
import { announceBalance, useBalance } from './balance';

/** Price per credit, in cents, to compare packages. */
const perCredit = (pkg: CreditPackage) => pkg.priceCents / pkg.credits;

/**
 * Buy credits: the packages as cards; buying one opens Stripe Checkout for the
 * chosen wallet (the personal one, or another the person may pay into).
 */
export function BuyCreditsPage() {
  const app = useApp();
  const { api, handleError, clearError } = app;
  const query = useHashQuery();
  const wallets = useMyWallets(app);
  const [chosen, setWalletId] = useState<string | undefined>(() => query.get('wallet') ?? undefined);
  const walletId = (wallets.find((w) => w.walletId === chosen) ?? wallets.find((w) => w.kind === 'person') ?? wallets[0])?.walletId;
  const [packages, setPackages] = useState<CreditPackage[]>();
  const [buying, setBuying] = useState<string>();
  const wallet = wallets.find((w) => w.walletId === walletId);
  const balance = useBalance(wallet?.walletId ?? '', wallet?.balance ?? 0);

  useEffect(() => {
    const controller = new AbortController();
    api.call(listCreditPackages, { signal: controller.signal }).then((answer) => setPackages(answer.packages), handleError);
    return () => controller.abort();
  }, [api]);

  // The balance as it is now (a purchase may have landed since sign-in), for this page and the header.
  useEffect(() => {
    if (!walletId) return;
    const controller = new AbortController();
    api.call(getWallet, { params: { walletId }, signal: controller.signal }).then((fresh) => announceBalance(fresh.walletId, fresh.balance), handleError);
    return () => controller.abort();
  }, [api, walletId]);

  const buy = async (pkg: CreditPackage) => {
    if (!walletId) return;
    clearError();
    setBuying(pkg.packageId);
    try {
      const { url } = await api.call(createCheckout, { body: { packageId: pkg.packageId, walletId } });
      // Stripe's hosted page; it sends the buyer back to #/billing/return.
      location.assign(url);
    } catch (failure) {
      setBuying(undefined);
      handleError(failure);
    }
  };

  const dearest = packages?.length ? Math.max(...packages.map(perCredit)) : 0;
  return (
    <div class="billing-page">
      <div class="page-header">
        <PageHeading>Buy credits</PageHeading>
        <p class="muted">Credits pay for orders: each style you order costs its price in credits. Payment is handled by Stripe; we never see your card.</p>
      </div>
      {query.get('cancelled') && (
        <p class="notice notice-info" role="status" data-testid="checkout-cancelled">
          Checkout cancelled: nothing was charged.
        </p>
      )}
      {wallets.length > 1 && (
        <label class="field billing-wallet">
          <span>Pay into</span>
          <select value={walletId} onChange={(event) => setWalletId((event.target as HTMLSelectElement).value)} data-testid="wallet-select">
            {wallets.map((w) => (
              <option key={w.walletId} value={w.walletId}>
                {w.name} ({credits(w.balance)})
              </option>
            ))}
          </select>
        </label>
      )}
      {wallet && (
        <p class="billing-balance" data-testid="billing-balance">
          {wallet.name} wallet: <strong>{credits(balance)}</strong>
        </p>
      )}
      {!packages ? (
        <Loading text="Loading the packages…" />
      ) : (
        <ul class="package-grid" data-testid="packages">
          {packages.map((pkg) => {
            const saving = Math.round((1 - perCredit(pkg) / dearest) * 100);
            return (
              <li key={pkg.packageId} class={`package-card${pkg.packageId === 'pro' ? ' package-card-featured' : ''}`} data-testid={`package-${pkg.packageId}`}>
                <h2 class="package-name">{pkg.name}</h2>
                <p class="package-credits">{credits(pkg.credits)}</p>
                <p class="package-price">{formatPrice(pkg)}</p>
                <p class="muted package-unit">
                  {formatPrice({ priceCents: Math.round(perCredit(pkg) * 10) / 10, currency: pkg.currency })} per credit
                  {saving > 0 && <span class="chip package-saving">save {saving}%</span>}
                </p>
                <button
                  type="button"
                  class="button button-primary button-block"
                  data-testid={`buy-${pkg.packageId}`}
                  disabled={!!buying || !walletId}
                  onClick={() => void buy(pkg)}
                >
                  {buying === pkg.packageId ? (
                    <>
                      <Spinner /> Opening checkout…
                    </>
                  ) : (
                    `Buy ${pkg.name}`
                  )}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
