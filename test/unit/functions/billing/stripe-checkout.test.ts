import './billing-env';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentsUnavailable, stripeCheckout } from '#functions/billing/checkout';
import { stripeApiOptions, stripeClient } from '#functions/billing/stripe-account';
import { CREDIT_PACKAGES } from '#shared/billing';
import { startStripeStandIn, type StripeStandIn } from '../../../../infra/local/stripe/server';
import { CUSTOMER_SUB } from '../../helpers/events';

const SECRET_KEY = 'sk_test_checkoutAdapter0123456789';

/** The Stripe adapter of the checkout port, through the real SDK, against the local Stripe stand-in. */
describe('stripeCheckout (the Stripe adapter)', () => {
  let dir: string;
  let standIn: StripeStandIn;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stripe-checkout-'));
    standIn = await startStripeStandIn({ dataDir: dir, webhookUrl: 'http://127.0.0.1:9/v1/webhooks/stripe', webhookSecret: 'whsec_adapter0123456789', secretKey: SECRET_KEY });
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a one-hour payment session for the package, with the wallet in its metadata and the web app as return', async () => {
    // Prepare
    const checkout = stripeCheckout(async () => ({ secretKey: SECRET_KEY, webhookSecret: 'unused' }), (key) => stripeClient(key, standIn.url));

    // Act
    const { sessionId, url } = await checkout({ pkg: CREDIT_PACKAGES[2], walletId: CUSTOMER_SUB, buyer: CUSTOMER_SUB, origin: 'http://127.0.0.1:3000' });

    // Assess
    expect(url).toBe(`${standIn.url}/pay/${sessionId}`);
    const session = standIn.session(sessionId)!;
    expect(session).toMatchObject({
      mode: 'payment',
      amount_total: 9999,
      currency: 'usd',
      client_reference_id: CUSTOMER_SUB,
      metadata: { walletId: CUSTOMER_SUB, packageId: 'enterprise', buyer: CUSTOMER_SUB },
      success_url: `http://127.0.0.1:3000/#/billing/return?wallet=${CUSTOMER_SUB}&session={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://127.0.0.1:3000/#/billing?wallet=${CUSTOMER_SUB}&cancelled=1`,
    });
    expect(session.expires_at - (session.created as number)).toBe(3600);
  });

  it('reports a refused key as PaymentsUnavailable', async () => {
    // Prepare
    const checkout = stripeCheckout(async () => ({ secretKey: 'sk_test_wrongKey000', webhookSecret: 'unused' }), (key) => stripeClient(key, standIn.url));

    // Act / Assess
    await expect(checkout({ pkg: CREDIT_PACKAGES[0], walletId: CUSTOMER_SUB, buyer: CUSTOMER_SUB, origin: 'https://studio.example' })).rejects.toBeInstanceOf(PaymentsUnavailable);
  });

  it("talks to Stripe itself unless STRIPE_API_URL names another API", () => {
    expect(stripeApiOptions(undefined)).toEqual({});
    expect(stripeApiOptions('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: '12111', protocol: 'http' });
    expect(stripeApiOptions('https://stripe.internal')).toEqual({ host: 'stripe.internal', port: 443, protocol: 'https' });
  });
});
