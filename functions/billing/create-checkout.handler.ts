import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { createCheckout } from '#shared/api/billing';
import { packageById } from '#shared/billing';
import { personalWalletId, readableWallet } from '#functions/wallets/access';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { type Organisations, OrganisationStore } from '#functions/organisations/organisation-store';
import { type Checkout, PaymentsUnavailable, returnOrigin, stripeCheckout } from './checkout';
import { secretsManagerAccount } from './stripe-account';

/**
 * POST /v1/billing/checkout — a Stripe Checkout Session for one credit package,
 * paying into the caller's personal wallet or another they may use (any other
 * answers 404 WALLET_NOT_FOUND). Nothing is credited here: the webhook does
 * that once Stripe reports the payment.
 */
export const createCheckoutHandler = ({
  ledger,
  checkout,
  organisations,
}: {
  readonly ledger: Pick<Ledger, 'get'>;
  readonly checkout: Checkout;
  /** Who belongs to which organisation: an organisation's owners and admins buy credits for its wallet. */
  readonly organisations?: Pick<Organisations, 'membership'>;
}) =>
  apiHandler(createCheckout, async ({ event, body, caller }) => {
    const pkg = packageById(body.packageId)!;
    const origin = returnOrigin(event);
    const wallet = await readableWallet(organisations ? { ledger, organisations } : ledger, body.walletId ?? personalWalletId(caller.sub), caller, 'history');
    try {
      const session = await checkout({ pkg, walletId: wallet.walletId, buyer: caller.sub, origin });
      logger.info('Checkout started', { walletId: wallet.walletId, packageId: pkg.packageId, sessionId: session.sessionId });
      metrics.addDimension('package', pkg.packageId);
      metrics.addMetric('CheckoutsStarted', MetricUnit.Count, 1);
      return session;
    } catch (error) {
      if (!(error instanceof PaymentsUnavailable)) throw error;
      logger.error('Checkout failed at Stripe', error);
      throw new ApiError('PAYMENTS_UNAVAILABLE', 'Payments are unavailable right now; nothing was charged. Please try again in a minute.');
    }
  });

export const handler = createCheckoutHandler({
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  organisations: new OrganisationStore(ddb(), requireEnv('Table')),
  checkout: stripeCheckout(secretsManagerAccount(requireEnv('StripeSecret'))),
});
