import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { parseForm } from '../../../infra/local/stripe/form';
import { localStripeSecrets, signatureHeader, startStripeStandIn, type StripeStandIn } from '../../../infra/local/stripe/server';

const SECRET_KEY = 'sk_test_localStandInKey0123456789';
const WEBHOOK_SECRET = 'whsec_localStandInSecret0123456789abcd';

interface Received {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** A tiny webhook endpoint: records every raw body and answers the next queued status (200 once the queue is empty). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/stripe`;
  return {
    url,
    received,
    statuses,
    /** Every received event, verified as the webhook handler will verify it. */
    events: (secret = WEBHOOK_SECRET) => received.map((r) => stripeClient(0).webhooks.constructEvent(r.body, String(r.headers['stripe-signature']), secret)),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stripeClient(port: number, key = SECRET_KEY): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
}

const CREATE: Stripe.Checkout.SessionCreateParams = {
  mode: 'payment',
  line_items: [{ price_data: { currency: 'usd', unit_amount: 999, product_data: { name: 'Starter — 50 credits' } }, quantity: 1 }],
  success_url: 'http://127.0.0.1:3000/#/billing/success?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://127.0.0.1:3000/#/billing/cancelled',
  client_reference_id: 'wallet-123',
  metadata: { walletId: 'wallet-123', packageId: 'starter' },
  customer_email: 'customer@example.com',
};

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Posts the hosted page's form as a browser would, without following the redirect. */
function choose(payUrl: string, outcome: string, extra: Record<string, string> = {}) {
  return fetch(payUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...extra }).toString(),
    redirect: 'manual',
  });
}

describe('local Stripe stand-in', () => {
  let dataDir: string;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let standIn: StripeStandIn;
  let stripe: Stripe;

  const start = (overrides: Partial<Parameters<typeof startStripeStandIn>[0]> = {}) =>
    startStripeStandIn({
      dataDir,
      webhookUrl: hook.url,
      webhookSecret: WEBHOOK_SECRET,
      secretKey: SECRET_KEY,
      retryDelaysMs: [50, 100, 200],
      asyncDelayMs: 100,
      ...overrides,
    });

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stripe-standin-'));
    hook = await receiver();
    standIn = await start();
    stripe = stripeClient(standIn.port);
  });

  afterEach(async () => {
    await standIn.stop();
    await hook.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('Checkout Sessions API', () => {
    it('creates an open, unpaid session whose URL is the hosted page, and retrieves it', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      expect(session).toMatchObject({
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_total: 999,
        amount_subtotal: 999,
        currency: 'usd',
        client_reference_id: 'wallet-123',
        metadata: { walletId: 'wallet-123', packageId: 'starter' },
        customer_email: 'customer@example.com',
        success_url: CREATE.success_url,
        cancel_url: CREATE.cancel_url,
        livemode: false,
        payment_intent: null,
        payment_method_types: ['card'],
      });
      expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
      expect(session.url).toBe(`${standIn.url}/pay/${session.id}`);
      const now = Math.floor(Date.now() / 1000);
      expect(Math.abs(session.created - now)).toBeLessThan(5);
      expect(session.expires_at - session.created).toBe(24 * 60 * 60);
      expect(session.lastResponse.requestId).toMatch(/^req_/);

      const { lastResponse: _a, ...created } = session;
      const { lastResponse: _b, ...retrieved } = await stripe.checkout.sessions.retrieve(session.id);
      expect(retrieved).toEqual(created);
    });

    it('lists line items and expands them on retrieve', async () => {
      const session = await stripe.checkout.sessions.create({
        ...CREATE,
        line_items: [{ price_data: { currency: 'usd', unit_amount: 2999, product_data: { name: 'Pro — 200 credits' } }, quantity: 2 }],
      });
      expect(session.amount_total).toBe(5998);
      const items = await stripe.checkout.sessions.listLineItems(session.id);
      expect(items.object).toBe('list');
      expect(items.data).toHaveLength(1);
      expect(items.data[0]).toMatchObject({ object: 'item', description: 'Pro — 200 credits', quantity: 2, amount_total: 5998, currency: 'usd' });
      expect(items.data[0].price).toMatchObject({ object: 'price', unit_amount: 2999, type: 'one_time' });
      const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
      expect(expanded.line_items?.data).toEqual(items.data);
    });

    it('refuses a missing, malformed, live or unknown API key with 401', async () => {
      const missing = await fetch(`${standIn.url}/v1/checkout/sessions/cs_test_x`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error', message: expect.stringMatching(/^You did not provide an API key/) }) });

      for (const key of ['sk_test_notTheLocalKey123', 'sk_live_abc123def456', 'pk_test_abc123def456']) {
        const error = await stripeClient(standIn.port, key)
          .checkout.sessions.create(CREATE)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
        expect(error).toMatchObject({ statusCode: 401, type: 'StripeAuthenticationError', message: expect.stringMatching(/^Invalid API Key provided: /) });
        expect((error as Error).message).not.toContain(key);
      }
      const malformed = await fetch(`${standIn.url}/v1/checkout/sessions/cs_test_x`, { headers: { authorization: 'Token abc' } });
      expect(malformed.status).toBe(401);
      // curl's -u sk_test_…: (Basic auth) is accepted too.
      const basic = await fetch(`${standIn.url}/v1/checkout/sessions/cs_test_x`, { headers: { authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}` } });
      expect(basic.status).toBe(404);
    });

    it('answers Stripe-shaped 400s for missing and invalid parameters', async () => {
      const cases: [Stripe.Checkout.SessionCreateParams, { code?: string; param: string; message?: RegExp }][] = [
        [{ ...CREATE, mode: undefined }, { code: 'parameter_missing', param: 'mode', message: /^Missing required param: mode\.$/ }],
        [{ ...CREATE, line_items: undefined }, { code: 'parameter_missing', param: 'line_items' }],
        [
          { ...CREATE, line_items: [{ price_data: { currency: 'usd', unit_amount: 999, product_data: { name: 'x' } } }] },
          { code: 'parameter_missing', param: 'line_items[0][quantity]' },
        ],
        [
          { ...CREATE, line_items: [{ price_data: { currency: 'usd', unit_amount: 999, product_data: { name: '' } }, quantity: 1 }] },
          { code: 'parameter_invalid_empty', param: 'line_items[0][price_data][product_data][name]' },
        ],
        [{ ...CREATE, line_items: [{ price: 'price_123', quantity: 1 }] }, { code: 'resource_missing', param: 'line_items[0][price]' }],
        [{ ...CREATE, success_url: 'not a url' }, { code: 'url_invalid', param: 'success_url' }],
        [{ ...CREATE, mode: 'weekly' as 'payment' }, { param: 'mode', message: /^Invalid mode/ }],
        [{ ...CREATE, expires_at: Math.floor(Date.now() / 1000) + 60 }, { param: 'expires_at' }],
        [{ ...CREATE, allow_promotion_codes: true }, { code: 'parameter_unknown', param: 'allow_promotion_codes' }],
      ];
      for (const [params, expected] of cases) {
        const error = await stripe.checkout.sessions.create(params).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
        expect(error).toMatchObject({ statusCode: 400, rawType: 'invalid_request_error', param: expected.param, ...(expected.code ? { code: expected.code } : {}) });
        if (expected.message) expect((error as Error).message).toMatch(expected.message);
      }
      // A string where an integer belongs (raw, since the SDK's types would not allow it).
      const raw = await fetch(`${standIn.url}/v1/checkout/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=lots&line_items[0][price_data][product_data][name]=x&line_items[0][quantity]=1',
      });
      expect(raw.status).toBe(400);
      expect(await raw.json()).toEqual({
        error: expect.objectContaining({ type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'line_items[0][price_data][unit_amount]', message: 'Invalid integer: lots' }),
      });
      expect(standIn.events()).toEqual([]);
    });

    it('answers 404 resource_missing for an unknown session and an unknown URL', async () => {
      const error = await stripe.checkout.sessions.retrieve('cs_test_doesNotExist').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', param: 'session', message: "No such checkout.session: 'cs_test_doesNotExist'" });
      const unknown = await fetch(`${standIn.url}/v1/customers`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/^Unrecognized request URL \(GET: \/v1\/customers\)/);
    });

    it('replays the answer to a reused idempotency key and refuses it with other parameters', async () => {
      const first = await stripe.checkout.sessions.create(CREATE, { idempotencyKey: 'order-1' });
      const again = await stripe.checkout.sessions.create(CREATE, { idempotencyKey: 'order-1' });
      expect(again.id).toBe(first.id);
      expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
      expect(again.lastResponse.idempotencyKey).toBe('order-1');
      // Same parameters sent in another order are the same request.
      const reordered = await stripe.checkout.sessions.create({ ...{ metadata: CREATE.metadata }, ...CREATE }, { idempotencyKey: 'order-1' });
      expect(reordered.id).toBe(first.id);

      const other = await stripe.checkout.sessions.create({ ...CREATE, client_reference_id: 'wallet-456' }, { idempotencyKey: 'order-1' }).catch((e: unknown) => e);
      expect(other).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect(other).toMatchObject({ statusCode: 400, rawType: 'idempotency_error', message: expect.stringMatching(/^Keys for idempotent requests can only be used with the same parameters/) });

      const elsewhere = await stripe.checkout.sessions.expire(first.id, {}, { idempotencyKey: 'order-1' }).catch((e: unknown) => e);
      expect(elsewhere).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
      expect((elsewhere as Error).message).toMatch(/only be used for the same endpoint/);

      // A request refused by validation is not saved: the key still works once the parameters are right.
      await expect(stripe.checkout.sessions.create({ ...CREATE, mode: undefined }, { idempotencyKey: 'order-2' })).rejects.toThrow(/Missing required param/);
      const fixed = await stripe.checkout.sessions.create(CREATE, { idempotencyKey: 'order-2' });
      expect(fixed.id).not.toBe(first.id);
      // The SDK keys every POST itself: two plain creates are two sessions.
      const [a, b] = await Promise.all([stripe.checkout.sessions.create(CREATE), stripe.checkout.sessions.create(CREATE)]);
      expect(a.id).not.toBe(b.id);
    });
  });

  describe('hosted checkout page', () => {
    it('shows the amount and product in a script-free page with Pay and Cancel', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      const page = await fetch(session.url!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      const html = await page.text();
      expect(html).toContain('$9.99');
      expect(html).toContain('Starter — 50 credits');
      expect(html).toContain(`<form method="post" action="/pay/${session.id}">`);
      for (const outcome of ['pay', 'pay_later', 'pay_later_fail', 'cancel']) expect(html).toContain(`name="outcome" value="${outcome}"`);
      expect(html).not.toMatch(/<script/i);
    });

    it('Pay completes the session, posts a signed checkout.session.completed and redirects to success_url', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      const paid = await choose(session.url!, 'pay');
      expect(paid.status).toBe(303);
      expect(paid.headers.get('location')).toBe(`http://127.0.0.1:3000/#/billing/success?session=${session.id}`);

      await standIn.idle();
      expect(hook.received).toHaveLength(1);
      const [delivery] = hook.received;
      expect(delivery.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(delivery.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const [event] = hook.events();
      expect(event).toMatchObject({ object: 'event', type: 'checkout.session.completed', livemode: false, api_version: Stripe.API_VERSION });
      expect(event.id).toMatch(/^evt_/);
      const object = event.data.object as Stripe.Checkout.Session;
      expect(object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', metadata: CREATE.metadata, client_reference_id: 'wallet-123', url: null });
      expect(object.payment_intent).toMatch(/^pi_/);
      expect(object.customer_details?.email).toBe('customer@example.com');

      // The signature holds only for these bytes and this secret.
      expect(() => stripe.webhooks.constructEvent(delivery.body, String(delivery.headers['stripe-signature']), 'whsec_other')).toThrow(Stripe.errors.StripeSignatureVerificationError);
      expect(() => stripe.webhooks.constructEvent(delivery.body.replace('"paid"', '"unpaid"'), String(delivery.headers['stripe-signature']), WEBHOOK_SECRET)).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );

      const retrieved = await stripe.checkout.sessions.retrieve(session.id);
      expect(retrieved).toMatchObject({ status: 'complete', payment_status: 'paid', url: null });
      await expect(stripe.events.retrieve(event.id)).resolves.toMatchObject({ id: event.id, type: 'checkout.session.completed' });

      // The link is spent: paying again changes nothing and says so.
      const twice = await choose(session.url!, 'pay');
      expect(twice.status).toBe(409);
      expect(await twice.text()).toContain('already paid');
      const page = await fetch(session.url!);
      expect(await page.text()).toContain('already paid');
      await standIn.idle();
      expect(hook.received).toHaveLength(1);
    });

    it('retries a delivery the webhook answers with a 5xx (or cannot take), with a fresh signature each time', async () => {
      hook.statuses.push(500, 503);
      const session = await stripe.checkout.sessions.create(CREATE);
      await choose(session.url!, 'pay');
      await standIn.idle();
      const events = hook.events();
      expect(events).toHaveLength(3);
      expect(new Set(events.map((e) => e.id)).size).toBe(1);
      expect(standIn.deliveries(events[0].id).map((a) => a.status)).toEqual([500, 503, 200]);
    });

    it('gives up after the last retry', async () => {
      hook.statuses.push(500, 500, 500, 500, 500);
      const session = await stripe.checkout.sessions.create(CREATE);
      await choose(session.url!, 'pay');
      await standIn.idle();
      // The first attempt and one per retry delay (three here).
      expect(hook.received).toHaveLength(4);
      expect(standIn.deliveries(standIn.events()[0].id).every((a) => a.status === 500)).toBe(true);
    });

    it('Pay later completes the session unpaid, then sends async_payment_succeeded', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      const response = await choose(session.url!, 'pay_later');
      expect(response.status).toBe(303);
      const completed = await until('checkout.session.completed', () => (hook.received.length >= 1 ? hook.events()[0] : undefined));
      expect(completed.type).toBe('checkout.session.completed');
      expect(completed.data.object).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
      expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });

      await standIn.idle();
      const events = hook.events();
      expect(events.map((e) => e.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
      expect(events[1].data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid' });
      expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ payment_status: 'paid' });
    });

    it('Pay later (fails) sends async_payment_failed and leaves the session unpaid', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      await choose(session.url!, 'pay_later_fail');
      await standIn.idle();
      const events = hook.events();
      expect(events.map((e) => e.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_failed']);
      expect(events[1].data.object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'unpaid' });
      expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    });

    it('Cancel redirects to cancel_url and leaves the session open', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      const response = await choose(session.url!, 'cancel');
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(CREATE.cancel_url);
      expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'open', payment_status: 'unpaid' });
      await standIn.idle();
      expect(hook.received).toEqual([]);
    });

    it('an expired session shows a clear page and cannot be paid', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      const expired = await stripe.checkout.sessions.expire(session.id);
      expect(expired).toMatchObject({ status: 'expired', url: null });
      const page = await fetch(session.url!);
      expect(page.status).toBe(410);
      expect(await page.text()).toContain('has expired');
      const pay = await choose(session.url!, 'pay');
      expect(pay.status).toBe(410);
      await standIn.idle();
      expect(hook.events().map((e) => e.type)).toEqual(['checkout.session.expired']);
      await expect(stripe.checkout.sessions.expire(session.id)).rejects.toThrow(/Only Checkout Sessions with a status in \["open"\] can be expired/);
      expect((await fetch(`${standIn.url}/pay/cs_test_unknown`)).status).toBe(404);
    });
  });

  describe('redelivery and restarts', () => {
    it('resends an event on demand, signed afresh, as a duplicate delivery', async () => {
      const session = await stripe.checkout.sessions.create(CREATE);
      await choose(session.url!, 'pay');
      await standIn.idle();
      const [event] = standIn.events();
      const response = await fetch(`${standIn.url}/__standin/events/${event.id}/resend`, { method: 'POST', headers: { authorization: `Bearer ${SECRET_KEY}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 200 });
      await expect(standIn.resend(event.id)).resolves.toMatchObject({ status: 200 });
      const events = hook.events();
      expect(events.map((e) => e.id)).toEqual([event.id, event.id, event.id]);
      expect(events[2]).toEqual(events[0]);
      expect((await fetch(`${standIn.url}/__standin/events/evt_nope/resend`, { method: 'POST', headers: { authorization: `Bearer ${SECRET_KEY}` } })).status).toBe(404);
      expect((await fetch(`${standIn.url}/__standin/events/${event.id}/resend`, { method: 'POST' })).status).toBe(401);
    });

    it('keeps sessions, events and idempotency keys across a restart', async () => {
      const session = await stripe.checkout.sessions.create(CREATE, { idempotencyKey: 'kept' });
      const paidLater = await stripe.checkout.sessions.create(CREATE);
      await standIn.stop();

      standIn = await start({ port: 0 });
      stripe = stripeClient(standIn.port);
      const { lastResponse: _a, ...before } = session;
      const { lastResponse: _b, ...after } = await stripe.checkout.sessions.retrieve(session.id);
      expect(after).toEqual(before);
      expect((await stripe.checkout.sessions.create(CREATE, { idempotencyKey: 'kept' })).id).toBe(session.id);
      // The page still works (its URL names the port it was created on; the stand-in serves it on any).
      expect((await choose(`${standIn.url}/pay/${paidLater.id}`, 'pay')).status).toBe(303);
      await standIn.idle();
      expect(hook.events().map((e) => e.type)).toEqual(['checkout.session.completed']);
    });

    it('resumes undelivered events and unsettled payments after a restart', async () => {
      hook.statuses.push(500);
      const session = await stripe.checkout.sessions.create(CREATE);
      await standIn.stop();
      // Restarted, then stopped after the first (failed) attempt, before the retry and the settlement are due.
      standIn = await start({ retryDelaysMs: [300], asyncDelayMs: 500 });
      await choose(`${standIn.url}/pay/${session.id}`, 'pay_later');
      await until('the failed first attempt', () => (standIn.events().length === 1 && standIn.deliveries(standIn.events()[0].id).length === 1 ? true : undefined));
      await standIn.stop();
      expect(hook.received).toHaveLength(1);

      standIn = await start();
      await standIn.idle();
      // The retry and the settlement ran after the restart, at their original times.
      expect(hook.events().map((e) => e.type)).toEqual(['checkout.session.completed', 'checkout.session.completed', 'checkout.session.async_payment_succeeded']);
      expect(standIn.session(session.id)).toMatchObject({ payment_status: 'paid' });
    });
  });

  it('makes and keeps the local secret key and webhook secret', () => {
    const dir = join(dataDir, 'secrets');
    const secrets = localStripeSecrets(dir);
    expect(secrets.secretKey).toMatch(/^sk_test_[A-Za-z0-9]{40}$/);
    expect(secrets.webhookSecret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    expect(localStripeSecrets(dir)).toEqual(secrets);
  });

  it('parses bracketed form keys as stripe-node and curl write them', () => {
    expect(parseForm('mode=payment&line_items[0][quantity]=2&line_items[1][quantity]=1&metadata[a]=x&expand[]=line_items&expand[]=customer')).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '2' }, { quantity: '1' }],
      metadata: { a: 'x' },
      expand: ['line_items', 'customer'],
    });
    expect(() => parseForm('a=1&a[b]=2')).toThrow(/is a string/);
  });

  it("signs as Stripe's own test header generator does", () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event' });
    const timestamp = 1_700_000_000;
    expect(signatureHeader(payload, WEBHOOK_SECRET, timestamp)).toBe(stripeClient(0).webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp }));
  });
});
