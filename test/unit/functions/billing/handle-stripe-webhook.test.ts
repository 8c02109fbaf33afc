import { ACCOUNT } from './billing-env';
import Stripe from 'stripe';
import { handleStripeWebhookHandler } from '#functions/billing/handle-stripe-webhook.handler';
import { rawBody } from '#functions/billing/fulfilment';
import { CUSTOMER_SUB, invoke, makeEvent } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';

const SESSION = 'cs_test_a1B2c3D4e5F6g7H8';
const NOW = Date.UTC(2030, 0, 1, 12);

/** A Checkout Session event as Stripe sends it (the fields the studio reads, and a few it does not). */
function stripeEvent(type: string, session: Record<string, unknown> = {}, id = 'evt_1') {
  return {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(NOW / 1000),
    livemode: false,
    type,
    data: {
      object: {
        id: SESSION,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        amount_total: 999,
        currency: 'usd',
        client_reference_id: CUSTOMER_SUB,
        metadata: { walletId: CUSTOMER_SUB, packageId: 'starter', buyer: CUSTOMER_SUB },
        ...session,
      },
    },
  };
}

/** The webhook request: Stripe's pretty-printed JSON, signed at `signedAt` with `secret`. */
function delivery(event: unknown, options: { secret?: string; signedAt?: number; body?: string; base64?: boolean; signature?: string | null } = {}) {
  const body = options.body ?? JSON.stringify(event, null, 2);
  const header =
    options.signature === null
      ? undefined
      : (options.signature ??
        Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret ?? ACCOUNT.webhookSecret, timestamp: Math.floor((options.signedAt ?? NOW) / 1000) }));
  return makeEvent({
    routeKey: 'POST /v1/webhooks/stripe',
    claims: null,
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0', ...(header !== undefined && { 'stripe-signature': header }) },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  });
}

describe('Function: HandleStripeWebhook', () => {
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof handleStripeWebhookHandler>;
  const purchases = () => ledger.peek(CUSTOMER_SUB)!.entries.filter((e) => e.type === 'purchase');

  beforeEach(() => {
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 10);
    handler = handleStripeWebhookHandler({ ledger, account: async () => ACCOUNT, now: () => NOW });
  });

  describe('a paid session', () => {
    it("credits the wallet with the package's credits, referencing the session", async () => {
      // Act
      const response = await invoke(handler, delivery(stripeEvent('checkout.session.completed')));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { received: true, outcome: 'credited' } });
      expect(ledger.peek(CUSTOMER_SUB)!.wallet.balance).toBe(60);
      expect(purchases()).toEqual([expect.objectContaining({ type: 'purchase', amount: 50, balanceAfter: 60, reference: SESSION })]);
      expect(ledger.calls).toEqual([{ method: 'purchase', args: [CUSTOMER_SUB, { amount: 50, reference: SESSION, idempotencyKey: SESSION }] }]);
    });

    it('credits once however often the event (or the session’s other event) arrives, even at once', async () => {
      // Act
      const answers = await Promise.all([
        invoke(handler, delivery(stripeEvent('checkout.session.completed'))),
        invoke(handler, delivery(stripeEvent('checkout.session.completed'))),
        invoke(handler, delivery(stripeEvent('checkout.session.async_payment_succeeded', {}, 'evt_2'))),
      ]);

      // Assess
      expect(answers.map((a) => a.body.outcome).sort()).toEqual(['credited', 'duplicate', 'duplicate']);
      expect(purchases()).toHaveLength(1);
      expect(ledger.peek(CUSTOMER_SUB)!.wallet.balance).toBe(60);
    });

    it('accepts a body API Gateway passed base64-encoded, verified on its decoded bytes', async () => {
      // Act
      const response = await invoke(handler, delivery(stripeEvent('checkout.session.completed', { metadata: { walletId: CUSTOMER_SUB, packageId: 'starter', buyer: 'Zoë' } }), { base64: true }));

      // Assess
      expect(response.body).toMatchObject({ outcome: 'credited' });
    });

    it('credits a delayed payment when it succeeds', async () => {
      // Act
      const completed = await invoke(handler, delivery(stripeEvent('checkout.session.completed', { payment_status: 'unpaid' })));
      const succeeded = await invoke(handler, delivery(stripeEvent('checkout.session.async_payment_succeeded', {}, 'evt_2')));

      // Assess
      expect(completed.body).toMatchObject({ outcome: 'ignored' });
      expect(succeeded.body).toMatchObject({ outcome: 'credited' });
      expect(purchases()).toHaveLength(1);
    });
  });

  describe('acknowledged without a write (no retry could change them)', () => {
    it.each([
      ['an unpaid completed session', stripeEvent('checkout.session.completed', { payment_status: 'unpaid' })],
      ['a failed delayed payment', stripeEvent('checkout.session.async_payment_failed', { payment_status: 'unpaid' })],
      ['an expired session', stripeEvent('checkout.session.expired', { status: 'expired', payment_status: 'unpaid' })],
      ['an event type the studio does not use', stripeEvent('payment_intent.succeeded')],
      ['an unknown package', stripeEvent('checkout.session.completed', { metadata: { walletId: CUSTOMER_SUB, packageId: 'gold' } })],
      ['no metadata', stripeEvent('checkout.session.completed', { metadata: {} })],
      ['a wallet ID that is not one', stripeEvent('checkout.session.completed', { metadata: { walletId: '../other', packageId: 'starter' } })],
      ['an amount that is not the package’s price', stripeEvent('checkout.session.completed', { amount_total: 50 })],
      ['another currency', stripeEvent('checkout.session.completed', { currency: 'eur' })],
      ['a subscription', stripeEvent('checkout.session.completed', { mode: 'subscription' })],
      ['a wallet that does not exist', stripeEvent('checkout.session.completed', { metadata: { walletId: '44444444-4444-4444-8444-444444444444', packageId: 'starter' } })],
    ])('%s', async (_, event) => {
      // Act
      const response = await invoke(handler, delivery(event));

      // Assess
      expect(response).toMatchObject({ statusCode: 200, body: { received: true, outcome: 'ignored' } });
      expect(ledger.peek(CUSTOMER_SUB)!.entries).toHaveLength(1);
    });
  });

  describe('refused with 400 INVALID_SIGNATURE, without a write', () => {
    const paid = stripeEvent('checkout.session.completed');
    const signed = JSON.stringify(paid, null, 2);
    it.each([
      ['a tampered body', delivery(paid, { body: signed.replace('"starter"', '"enterprise"'), signature: Stripe.webhooks.generateTestHeaderString({ payload: signed, secret: ACCOUNT.webhookSecret, timestamp: NOW / 1000 }) })],
      ['a body re-serialised by a parser', delivery(paid, { body: JSON.stringify(paid), signature: Stripe.webhooks.generateTestHeaderString({ payload: signed, secret: ACCOUNT.webhookSecret, timestamp: NOW / 1000 }) })],
      ['another endpoint’s secret', delivery(paid, { secret: 'whsec_someoneElse0123456789' })],
      ['a signature older than 300 s', delivery(paid, { signedAt: NOW - 301_000 })],
      ['no Stripe-Signature header', delivery(paid, { signature: null })],
      ['a garbled header', delivery(paid, { signature: 'v1=deadbeef' })],
      ['no body', { ...delivery(paid), body: undefined }],
    ])('%s', async (_, event) => {
      // Act
      const response = await invoke(handler, event);

      // Assess
      expect(response).toMatchObject({ statusCode: 400, body: { code: 'INVALID_SIGNATURE', message: expect.any(String) } });
      expect(ledger.calls).toEqual([]);
    });

    it('accepts a signature 299 s old', async () => {
      // Act
      const response = await invoke(handler, delivery(paid, { signedAt: NOW - 299_000 }));

      // Assess
      expect(response.statusCode).toBe(200);
    });
  });

  it('answers 500 when the ledger fails, so Stripe delivers again; the retry credits once', async () => {
    // Prepare
    ledger.failNext('purchase', new Error('ProvisionedThroughputExceededException'));

    // Act
    const first = await invoke(handler, delivery(stripeEvent('checkout.session.completed')));
    const retry = await invoke(handler, delivery(stripeEvent('checkout.session.completed')));

    // Assess
    expect(first).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(retry.body).toMatchObject({ outcome: 'credited' });
    expect(purchases()).toHaveLength(1);
  });

  it('answers 500 when the secret cannot be read (Stripe retries until it can)', async () => {
    // Prepare
    handler = handleStripeWebhookHandler({ ledger, account: async () => Promise.reject(new Error('AccessDeniedException')), now: () => NOW });

    // Act
    const response = await invoke(handler, delivery(stripeEvent('checkout.session.completed')));

    // Assess
    expect(response).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(ledger.calls).toEqual([]);
  });

  it('reads the body as bytes exactly: text as UTF-8, base64 decoded', () => {
    expect(rawBody({ body: 'Zoë', isBase64Encoded: false }).equals(Buffer.from('Zoë'))).toBe(true);
    expect(rawBody({ body: Buffer.from('Zoë').toString('base64'), isBase64Encoded: true }).toString('utf8')).toBe('Zoë');
    expect(rawBody({ body: undefined, isBase64Encoded: false })).toHaveLength(0);
  });
});
