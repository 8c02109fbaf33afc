import { ACCOUNT } from './billing-env';
import { createCheckoutHandler } from '#functions/billing/create-checkout.handler';
import type { Checkout, CheckoutRequest } from '#functions/billing/checkout';
import { PaymentsUnavailable } from '#functions/billing/checkout';
import { handler as listPackages } from '#functions/billing/list-credit-packages.handler';
import { CREDIT_PACKAGES } from '#shared/billing';
import { ADMIN_SUB, adminClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent, OTHER_CUSTOMER_SUB, type Claims } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';

const WEB = 'https://d111111abcdef8.cloudfront.net';
const checkoutEvent = (body: unknown, claims: Claims | null = customerClaims, headers: Record<string, string> = { origin: WEB }) =>
  makeEvent({ routeKey: 'POST /v1/billing/checkout', body, claims, headers: { 'content-type': 'application/json', ...headers } });

describe('Function: CreateCheckout', () => {
  let ledger: FakeLedgerStore;
  let requests: CheckoutRequest[];
  let checkout: Checkout;
  let handler: ReturnType<typeof createCheckoutHandler>;

  beforeEach(() => {
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 10).seed(OTHER_CUSTOMER_SUB, { kind: 'person', id: OTHER_CUSTOMER_SUB }, 10);
    requests = [];
    checkout = async (request) => {
      requests.push(request);
      return { sessionId: 'cs_test_a1', url: 'https://checkout.stripe.com/c/pay/cs_test_a1' };
    };
    handler = createCheckoutHandler({ ledger, checkout: (request) => checkout(request) });
  });

  it("answers 201 with Stripe's session for the caller's personal wallet, priced from the package", async () => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'pro' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 201, body: { sessionId: 'cs_test_a1', url: 'https://checkout.stripe.com/c/pay/cs_test_a1' } });
    expect(requests).toEqual([{ pkg: CREDIT_PACKAGES[1], walletId: CUSTOMER_SUB, buyer: CUSTOMER_SUB, origin: WEB }]);
  });

  it('takes the origin from the Referer when the browser sends no Origin, and the local cloud on http loopback', async () => {
    // Act
    await invoke(handler, checkoutEvent({ packageId: 'starter' }, customerClaims, { referer: 'http://127.0.0.1:3000/#/billing' }));

    // Assess
    expect(requests[0]?.origin).toBe('http://127.0.0.1:3000');
  });

  it('answers 404 WALLET_NOT_FOUND for a wallet the caller may not use, without calling Stripe', async () => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'starter', walletId: OTHER_CUSTOMER_SUB }));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
    expect(requests).toEqual([]);
  });

  it('answers 404 WALLET_NOT_FOUND before the personal wallet is opened', async () => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'starter' }, { sub: '55555555-5555-4555-8555-555555555555', token_use: 'id' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
  });

  it("lets an admin check out for another person's wallet, as access.ts allows an admin to use any", async () => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'starter', walletId: CUSTOMER_SUB }, adminClaims));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(requests[0]).toMatchObject({ walletId: CUSTOMER_SUB, buyer: ADMIN_SUB });
  });

  it.each([
    ['an unknown package', { packageId: 'gold' }],
    ['a package ID of the wrong type', { packageId: 3 }],
    ['a wallet ID that is not one', { packageId: 'pro', walletId: 'wallet-1' }],
    ['an unknown field', { packageId: 'pro', credits: 1_000_000 }],
  ])('answers 400 VALIDATION_FAILED for %s, without calling Stripe', async (_, body) => {
    // Act
    const response = await invoke(handler, checkoutEvent(body));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(requests).toEqual([]);
  });

  it.each([
    ['no Origin or Referer', {}],
    ['a plain-http origin elsewhere', { origin: 'http://evil.example' }],
    ['an origin that is not a URL', { origin: 'null' }],
  ])('answers 400 VALIDATION_FAILED for %s (nowhere safe to send the buyer back to)', async (_, headers) => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'pro' }, customerClaims, headers));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED', message: expect.stringContaining('web app') } });
    expect(requests).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without a caller', async () => {
    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'pro' }, null));

    // Assess
    expect(response).toMatchObject({ statusCode: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  it('answers 503 PAYMENTS_UNAVAILABLE when Stripe refuses or does not answer; nothing is written', async () => {
    // Prepare
    checkout = async () => {
      throw new PaymentsUnavailable(`Invalid API Key provided: ${ACCOUNT.secretKey.slice(0, 8)}…`);
    };

    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'pro' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 503, body: { code: 'PAYMENTS_UNAVAILABLE' } });
    expect(JSON.stringify(response.body)).not.toContain('sk_test');
    expect(ledger.calls.map((c) => c.method)).toEqual(['get']);
  });

  it('answers 500 INTERNAL_ERROR when the secret cannot be read (a deployment fault, not the buyer’s)', async () => {
    // Prepare
    checkout = async () => {
      throw new Error('AccessDeniedException: not authorized to perform secretsmanager:GetSecretValue');
    };

    // Act
    const response = await invoke(handler, checkoutEvent({ packageId: 'pro' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR' } });
  });
});

describe('Function: ListCreditPackages', () => {
  it('answers the three packages, priced in cents, to anyone', async () => {
    // Act
    const response = await invoke(listPackages, makeEvent({ routeKey: 'GET /v1/billing/packages', claims: null }));

    // Assess
    expect(response).toMatchObject({ statusCode: 200 });
    expect(response.body).toEqual({
      packages: [
        { packageId: 'starter', name: 'Starter', credits: 50, priceCents: 999, currency: 'usd' },
        { packageId: 'pro', name: 'Pro', credits: 200, priceCents: 2999, currency: 'usd' },
        { packageId: 'enterprise', name: 'Enterprise', credits: 1000, priceCents: 9999, currency: 'usd' },
      ],
    });
  });
});
