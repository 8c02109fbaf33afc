import Stripe from 'stripe';
import { CREDIT_PACKAGES } from '../../shared/billing';
import type { LedgerEntryView, WalletView } from '../../shared/wallets';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

type Answer = { status: number; body: Record<string, unknown> };

/**
 * Buying credits on the local cloud, end to end: the checkout route creates a session on the Stripe
 * stand-in through the real SDK (its key read from the local Secrets Manager), the stand-in's hosted
 * page takes the payment and posts the signed event to the API's webhook, and the wallet is credited
 * once. Then the webhook's refusals, and deliveries repeated at once.
 */
describe('billing on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: string;
  let customerSub: string;
  let artistSub: string;
  let stripe: Stripe;

  const subOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
  /** Calls the API as the web app does (with its Origin). */
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${cloud.endpoints.api}${path}`, {
      method,
      headers: {
        origin: cloud.endpoints.web,
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const wallet = async () => (await call('GET', `/v1/wallets/${customerSub}`, customer)).body as unknown as WalletView;
  const entries = async () => ((await call('GET', `/v1/wallets/${customerSub}/entries?limit=100`, customer)).body.entries as LedgerEntryView[]) ?? [];
  const purchasesOf = async (sessionId: string) => (await entries()).filter((e) => e.type === 'purchase' && e.reference === sessionId);
  const checkout = async (packageId: string) => {
    const answer = await call('POST', '/v1/billing/checkout', customer, { packageId });
    expect(answer.status).toBe(201);
    return answer.body as { sessionId: string; url: string };
  };
  /** Chooses on the stand-in's hosted page as the buyer's browser would; answers where it redirects. */
  const choose = async (payUrl: string, outcome: 'pay' | 'pay_later' | 'pay_later_fail' | 'cancel') => {
    const res = await fetch(payUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ outcome }).toString(), redirect: 'manual' });
    expect(res.status).toBe(303);
    return res.headers.get('location')!;
  };
  /** Posts a webhook delivery as Stripe does: the exact bytes, with a Stripe-Signature over them. */
  const deliver = async (payload: string, signature: string) => {
    const res = await fetch(`${cloud.endpoints.api}/v1/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? cloud.endpoints.stripe.webhookSecret, timestamp: options.timestamp });
  /** A Checkout Session event for a session the stand-in holds, as Stripe would post it, with fields overridden. */
  const eventFor = async (sessionId: string, type: string, override: Record<string, unknown> = {}) => {
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    return JSON.stringify(
      { id: `evt_test${Date.now()}${Math.floor(Math.random() * 1e6)}`, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { ...session, ...override } } },
      null,
      2,
    );
  };

  beforeAll(async () => {
    cloud = await startLocalCloud();
    customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    const artist = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist'));
    customerSub = subOf(customer);
    artistSub = subOf(artist);
    // Opens both personal wallets (10 sign-up credits each).
    expect((await call('GET', '/v1/me', customer)).status).toBe(200);
    expect((await call('GET', '/v1/me', artist)).status).toBe(200);
    const standIn = new URL(cloud.endpoints.stripe.url);
    stripe = new Stripe(cloud.endpoints.stripe.secretKey, { host: standIn.hostname, port: standIn.port, protocol: 'http' });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('lists the packages to anyone', async () => {
    // Act
    const answer = await call('GET', '/v1/billing/packages');

    // Assess
    expect(answer).toEqual({ status: 200, body: { packages: CREDIT_PACKAGES } });
  });

  it('credits the wallet once the hosted page is paid, with a purchase entry referencing the session', async () => {
    // Prepare
    const before = (await wallet()).balance;
    const { sessionId, url } = await checkout('starter');

    // Act: the buyer pays on the stand-in's page, which posts the signed event to the webhook.
    const location = await choose(url, 'pay');

    // Assess
    expect(location).toBe(`${cloud.endpoints.web}/#/billing/return?wallet=${customerSub}&session=${sessionId}`);
    const [purchase] = await eventually(async () => {
      const found = await purchasesOf(sessionId);
      return found.length ? found : undefined;
    }, 20_000, 'the purchase entry');
    expect(purchase).toMatchObject({ type: 'purchase', amount: 50, balanceAfter: before + 50, reference: sessionId });
    expect((await wallet()).balance).toBe(before + 50);
    expect((await stripe.checkout.sessions.retrieve(sessionId)).payment_status).toBe('paid');
  });

  it('credits a delayed payment once it succeeds, and never one that fails', async () => {
    // Prepare
    const before = (await wallet()).balance;
    const later = await checkout('starter');
    const failing = await checkout('pro');

    // Act
    await choose(later.url, 'pay_later');
    await choose(failing.url, 'pay_later_fail');

    // Assess: the stand-in settles both 3 s later; only the succeeded one is credited.
    await eventually(async () => ((await purchasesOf(later.sessionId)).length === 1 ? true : undefined), 30_000, 'the delayed purchase');
    expect((await stripe.checkout.sessions.retrieve(failing.sessionId)).payment_status).toBe('unpaid');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await purchasesOf(failing.sessionId)).toEqual([]);
    expect((await wallet()).balance).toBe(before + 50);
  });

  it('credits once when the same paid event arrives 3 times at once', async () => {
    // Prepare: a session that is never paid on the page; Stripe's paid event for it, as it would send it.
    const { sessionId } = await checkout('pro');
    const before = (await wallet()).balance;
    const payload = await eventFor(sessionId, 'checkout.session.completed', { status: 'complete', payment_status: 'paid' });

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => deliver(payload, sign(payload))));

    // Assess
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(['credited', 'duplicate', 'duplicate']);
    expect(await purchasesOf(sessionId)).toHaveLength(1);
    expect((await wallet()).balance).toBe(before + 200);
  });

  describe('refuses or ignores, without a write', () => {
    let sessionId: string;
    let before: { balance: number; entries: number };

    beforeAll(async () => {
      ({ sessionId } = await checkout('enterprise'));
      before = { balance: (await wallet()).balance, entries: (await entries()).length };
    });
    afterEach(async () => {
      expect({ balance: (await wallet()).balance, entries: (await entries()).length }).toEqual(before);
    });

    it('a tampered body (400 INVALID_SIGNATURE)', async () => {
      const payload = await eventFor(sessionId, 'checkout.session.completed', { payment_status: 'paid' });
      const answer = await deliver(payload.replace('"enterprise"', '"enterprise" '), sign(payload));
      expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_SIGNATURE' } });
    });

    it('a signature made with another secret (400 INVALID_SIGNATURE)', async () => {
      const payload = await eventFor(sessionId, 'checkout.session.completed', { payment_status: 'paid' });
      const answer = await deliver(payload, sign(payload, { secret: 'whsec_notTheEndpointsSecret0123456789' }));
      expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_SIGNATURE' } });
    });

    it('an event signed longer ago than the 300 s tolerance (400 INVALID_SIGNATURE)', async () => {
      const payload = await eventFor(sessionId, 'checkout.session.completed', { payment_status: 'paid' });
      const answer = await deliver(payload, sign(payload, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
      expect(answer).toMatchObject({ status: 400, body: { code: 'INVALID_SIGNATURE' } });
    });

    it('an unpaid session (200, ignored: Stripe stops retrying)', async () => {
      const payload = await eventFor(sessionId, 'checkout.session.completed', { status: 'complete', payment_status: 'unpaid' });
      expect(await deliver(payload, sign(payload))).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    });

    it('an unknown package (200, ignored)', async () => {
      const session = await stripe.checkout.sessions.retrieve(sessionId);
      const payload = await eventFor(sessionId, 'checkout.session.completed', { payment_status: 'paid', metadata: { ...session.metadata, packageId: 'platinum' } });
      expect(await deliver(payload, sign(payload))).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    });

    it('a failed delayed payment (200, ignored)', async () => {
      const payload = await eventFor(sessionId, 'checkout.session.async_payment_failed', { status: 'complete', payment_status: 'unpaid' });
      expect(await deliver(payload, sign(payload))).toEqual({ status: 200, body: { received: true, outcome: 'ignored' } });
    });

    it('no signature at all (400 INVALID_SIGNATURE)', async () => {
      const res = await fetch(`${cloud.endpoints.api}/v1/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
    });
  });

  describe('checkout refusals', () => {
    it("answers 404 WALLET_NOT_FOUND for another person's wallet, and for one that does not exist", async () => {
      // Act
      const other = await call('POST', '/v1/billing/checkout', customer, { packageId: 'starter', walletId: artistSub });
      const missing = await call('POST', '/v1/billing/checkout', customer, { packageId: 'starter', walletId: '44444444-4444-4444-8444-444444444444' });

      // Assess
      expect(other).toMatchObject({ status: 404, body: { code: 'WALLET_NOT_FOUND' } });
      expect(missing).toMatchObject({ status: 404, body: { code: 'WALLET_NOT_FOUND' } });
    });

    it('answers 400 VALIDATION_FAILED for an unknown package, and 401 without a token', async () => {
      // Act
      const unknown = await call('POST', '/v1/billing/checkout', customer, { packageId: 'platinum' });
      const anonymous = await call('POST', '/v1/billing/checkout', undefined, { packageId: 'starter' });

      // Assess
      expect(unknown).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      expect(anonymous.status).toBe(401);
    });
  });
});
