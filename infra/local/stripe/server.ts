import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { idempotencyMismatch, invalidApiKey, noApiKey, resourceMissing, StripeApiError } from './errors';
import { FormError, type FormObject, type FormValue, parseForm } from './form';
import { checkoutPage, closedPage, messagePage, PAGE_CSP } from './page';
import { createSession, lineItemList } from './sessions';
import { randomId, signatureHeader } from './signature';
import { type CheckoutSessionObject, type DeliveryAttempt, type EventObject, type SessionRecord, StateFile } from './store';
import { readTextBody } from '../request-body';

export { localStripeSecrets, type LocalStripeSecrets } from './store';
export { signatureHeader } from './signature';

/** The API version stripe-node 23.1.0 pins (Stripe.API_VERSION); a request's Stripe-Version header wins. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';
/** The stand-in's default port, as `PORT_STRIPE` would set it (stripe-mock's own default is 12111). */
export const DEFAULT_STRIPE_PORT = 12111;
/**
 * Delays between delivery attempts after a failure. Stripe retries for up to 3 days with exponential
 * backoff; the stand-in keeps the shape (doubling delays, then giving up) at a local pace.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];
/** How long a "pay later" bank transfer takes to settle after the session completes. */
export const DEFAULT_ASYNC_DELAY_MS = 3_000;
/** Idempotency keys are forgotten after 24 hours, as Stripe's are. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

export interface StripeStandInOptions {
  /** Where sessions, events and idempotency keys are kept (`state.json`); they survive a restart. */
  readonly dataDir: string;
  /** The one webhook endpoint every event is posted to (the API's `/v1/webhooks/stripe`). */
  readonly webhookUrl: string;
  /** The endpoint's signing secret (`whsec_…`). */
  readonly webhookSecret: string;
  /** The only API key accepted; without it, any well-formed secret test key (`sk_test_…`) is. */
  readonly secretKey?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The origin browsers reach the stand-in at (its own `http://127.0.0.1:<port>` by default): session URLs point there. */
  readonly publicUrl?: string;
  readonly retryDelaysMs?: readonly number[];
  readonly asyncDelayMs?: number;
  /** How long one delivery attempt may take before it counts as failed (Stripe's is a few seconds too). */
  readonly deliveryTimeoutMs?: number;
  /** Delivery failures and other notes. */
  readonly log?: (line: string) => void;
}

export interface StripeStandIn {
  /** `http://127.0.0.1:<port>`: point the SDK at it with `{ host: '127.0.0.1', port, protocol: 'http' }`. */
  readonly url: string;
  readonly port: number;
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  /** Posts an event to the webhook once more (as the Dashboard's "Resend"), with a fresh signature; retries are not rescheduled. */
  resend(eventId: string): Promise<DeliveryAttempt>;
  /** Every event created, oldest first. */
  events(): EventObject[];
  /** Every delivery attempt of one event, in order. */
  deliveries(eventId: string): DeliveryAttempt[];
  /** One session as the API would answer it (undefined if unknown). */
  session(id: string): CheckoutSessionObject | undefined;
  /** Resolves once no delivery, retry or delayed settlement is running or scheduled. */
  idle(): Promise<void>;
  /** Closes the server and cancels timers; undelivered events and unsettled payments resume on the next start. */
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * A local stand-in of the part of the Stripe API the studio uses: Checkout Sessions (create, retrieve,
 * line items, expire), events (retrieve) and the hosted checkout page, whose outcome is posted to the
 * webhook as a signed event, retried on failure. The real `stripe` SDK talks to it unchanged.
 */
export async function startStripeStandIn(options: StripeStandInOptions): Promise<StripeStandIn> {
  const store = new StateFile(options.dataDir);
  const state = store.state;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const asyncDelay = options.asyncDelayMs ?? DEFAULT_ASYNC_DELAY_MS;
  const deliveryTimeout = options.deliveryTimeoutMs ?? 10_000;
  const log = options.log ?? (() => undefined);
  const timers = new Set<NodeJS.Timeout>();
  let busy = 0;
  let waiters: (() => void)[] = [];
  let stopped = false;
  let publicUrl = options.publicUrl ?? '';

  const track = async <T>(work: () => Promise<T>): Promise<T> => {
    busy++;
    try {
      return await work();
    } finally {
      busy--;
      settleIdle();
    }
  };
  const settleIdle = () => {
    if (busy === 0 && timers.size === 0) {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    }
  };
  const schedule = (delayMs: number, work: () => Promise<void>) => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void track(work).catch((error: Error) => log(`stripe stand-in: ${error.message}`));
      },
      Math.max(0, delayMs),
    );
    timers.add(timer);
  };

  // ---- events and their delivery ----

  const attempt = async (eventId: string): Promise<DeliveryAttempt> => {
    const record = state.events[eventId];
    // Stripe posts the event as pretty-printed JSON; the signature covers these exact bytes.
    const payload = JSON.stringify(record.event, null, 2);
    const at = Date.now();
    let result: DeliveryAttempt;
    try {
      const response = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signatureHeader(payload, options.webhookSecret),
        },
        body: payload,
        signal: AbortSignal.timeout(deliveryTimeout),
      });
      await response.arrayBuffer().catch(() => undefined);
      result = { at, status: response.status };
    } catch (error) {
      result = { at, error: (error as Error).message };
    }
    record.attempts.push(result);
    if (result.status !== undefined && result.status >= 200 && result.status < 300) record.delivered = true;
    store.save();
    return result;
  };

  const deliver = async (eventId: string): Promise<void> => {
    const record = state.events[eventId];
    if (record.delivered || record.nextAttemptAt === undefined) return;
    const result = await attempt(eventId);
    if (record.delivered) {
      delete record.nextAttemptAt;
      store.save();
      return;
    }
    const why = result.status !== undefined ? `HTTP ${result.status}` : result.error;
    if (record.retriesLeft > 0) {
      const delay = retryDelays[retryDelays.length - record.retriesLeft];
      record.retriesLeft--;
      record.nextAttemptAt = Date.now() + delay;
      store.save();
      log(`stripe stand-in: ${record.event.type} ${eventId} to ${options.webhookUrl}: ${why}; retrying in ${delay} ms`);
      schedule(delay, () => deliver(eventId));
    } else {
      delete record.nextAttemptAt;
      store.save();
      log(`stripe stand-in: ${record.event.type} ${eventId} to ${options.webhookUrl}: ${why}; giving up after ${record.attempts.length} attempts`);
    }
  };

  const emit = (type: string, record: SessionRecord) => {
    const id = `evt_${randomId(24)}`;
    const event: EventObject = {
      id,
      object: 'event',
      api_version: record.apiVersion,
      created: Math.floor(Date.now() / 1000),
      data: { object: structuredClone(record.session) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    state.events[id] = { event, attempts: [], delivered: false, retriesLeft: retryDelays.length, nextAttemptAt: Date.now() };
    store.save();
    schedule(0, () => deliver(id));
  };

  // ---- sessions ----

  const expireIfDue = (record: SessionRecord) => {
    if (record.session.status === 'open' && Date.now() >= record.session.expires_at * 1000) expire(record);
  };
  const expire = (record: SessionRecord) => {
    record.session.status = 'expired';
    record.session.url = null;
    store.save();
    emit('checkout.session.expired', record);
  };
  const complete = (record: SessionRecord, email: string, paid: boolean) => {
    const session = record.session;
    session.status = 'complete';
    session.payment_status = paid ? 'paid' : 'unpaid';
    session.url = null;
    session.payment_intent = `pi_${randomId(24)}`;
    session.customer_details = { address: null, email, name: null, phone: null, tax_exempt: 'none', tax_ids: null };
    store.save();
    emit('checkout.session.completed', record);
  };
  const settle = async (sessionId: string) => {
    const record = state.sessions[sessionId];
    const pending = record?.pendingAsync;
    if (!pending) return;
    delete record.pendingAsync;
    if (pending.outcome === 'succeeded') record.session.payment_status = 'paid';
    store.save();
    emit(`checkout.session.async_payment_${pending.outcome}`, record);
  };
  const sessionRecord = (id: string): SessionRecord => {
    const record = Object.hasOwn(state.sessions, id) ? state.sessions[id] : undefined;
    if (!record) throw resourceMissing('checkout.session', id, 'session');
    expireIfDue(record);
    return record;
  };
  const sessionAnswer = (record: SessionRecord, expand: readonly string[]) => {
    const body: Record<string, unknown> = { ...record.session };
    if (expand.includes('line_items')) body.line_items = lineItemList(record);
    return body;
  };

  // ---- the API ----

  const authenticate = (req: IncomingMessage) => {
    const header = req.headers.authorization;
    if (!header) throw noApiKey();
    const bearer = /^Bearer\s+(\S*)\s*$/i.exec(header);
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
    if (!bearer && !basic) throw invalidApiKey(header);
    // curl's `-u sk_test_…:` sends the key as Basic auth's user name.
    const key = bearer ? bearer[1] : Buffer.from(basic![1], 'base64').toString('utf8').split(':')[0];
    if (!key) throw noApiKey();
    if (/^(sk|rk)_live_/.test(key)) throw invalidApiKey(key, ' (the local Stripe stand-in accepts test-mode keys only)');
    if (!/^(sk|rk)_test_[A-Za-z0-9]+$/.test(key) || (options.secretKey !== undefined && key !== options.secretKey)) throw invalidApiKey(key);
  };

  const api = async (req: IncomingMessage, path: string, query: URLSearchParams, body: string): Promise<Answer> => {
    const method = req.method ?? 'GET';
    authenticate(req);
    let params: FormObject;
    try {
      params = method === 'GET' ? parseForm(query.toString()) : parseForm(body);
    } catch (error) {
      if (error instanceof FormError) throw new StripeApiError(400, 'invalid_request_error', error.message, undefined, error.param);
      throw error;
    }
    const apiVersion = headerValue(req, 'stripe-version') ?? DEFAULT_API_VERSION;
    const expand = expandList(params.expand);
    const json = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value, null, 2) });

    const run = (): Answer => {
      let match: RegExpExecArray | null;
      if (path === '/v1/checkout/sessions' && method === 'POST') {
        const record = createSession(params, { payUrl: (id) => `${publicUrl}/pay/${id}`, apiVersion });
        state.sessions[record.session.id] = record;
        store.save();
        return json(sessionAnswer(record, expand));
      }
      if ((match = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)) && method === 'GET') {
        return json(sessionAnswer(sessionRecord(decodeURIComponent(match[1])), expand));
      }
      if ((match = /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/.exec(path)) && method === 'GET') {
        return json(lineItemList(sessionRecord(decodeURIComponent(match[1]))));
      }
      if ((match = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)) && method === 'POST') {
        const record = sessionRecord(decodeURIComponent(match[1]));
        if (record.session.status !== 'open') {
          throw new StripeApiError(400, 'invalid_request_error', `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${record.session.status}".`);
        }
        delete record.pendingAsync;
        expire(record);
        return json(sessionAnswer(record, expand));
      }
      if ((match = /^\/v1\/events\/([^/]+)$/.exec(path)) && method === 'GET') {
        const id = decodeURIComponent(match[1]);
        const record = Object.hasOwn(state.events, id) ? state.events[id] : undefined;
        if (!record) throw resourceMissing('event', id);
        return json(record.event);
      }
      throw new StripeApiError(
        404,
        'invalid_request_error',
        `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/. ` +
          '(The local Stripe stand-in answers only the calls the studio makes: infra/local/stripe/server.ts.)',
      );
    };

    const key = method === 'POST' ? headerValue(req, 'idempotency-key') : undefined;
    if (!key) return run();
    // Stripe saves the status and body of the first request with a key and replays them; a key reused on another
    // endpoint or with other parameters is refused. Requests refused before they ran (auth, validation) are not saved.
    const now = Date.now();
    for (const [k, saved] of Object.entries(state.idempotency)) if (now - saved.at > IDEMPOTENCY_TTL_MS) delete state.idempotency[k];
    const fingerprint = createHash('sha256').update(canonical(params)).digest('hex');
    const saved = Object.hasOwn(state.idempotency, key) ? state.idempotency[key] : undefined;
    if (saved) {
      if (saved.method !== method || saved.path !== path) throw idempotencyMismatch(key, 'endpoint', ` ('${path}' vs '${saved.path}')`);
      if (saved.fingerprint !== fingerprint) throw idempotencyMismatch(key, 'parameters');
      return { status: saved.status, body: saved.body, headers: { 'idempotent-replayed': 'true' } };
    }
    let answer: Answer;
    try {
      answer = run();
    } catch (error) {
      if (!(error instanceof StripeApiError) || error.status === 400 || error.status === 401) throw error;
      answer = errorAnswer(error);
    }
    state.idempotency[key] = { method, path, fingerprint, status: answer.status, body: answer.body, at: now };
    store.save();
    return answer;
  };

  // ---- the hosted checkout page ----

  const page = async (req: IncomingMessage, sessionId: string, body: string): Promise<Answer> => {
    const html = (status: number, text: string, headers: Record<string, string> = {}): Answer => ({
      status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store', ...headers },
      body: text,
    });
    const record = Object.hasOwn(state.sessions, sessionId) ? state.sessions[sessionId] : undefined;
    if (!record) return html(404, messagePage('Checkout session not found', 'This checkout link is not valid. Start a new purchase from the studio.'));
    expireIfDue(record);
    const session = record.session;
    if (req.method === 'GET') return html(session.status === 'expired' ? 410 : 200, session.status === 'open' ? checkoutPage(record) : closedPage(record));
    if (req.method !== 'POST') return html(405, messagePage('Method not allowed', 'Use the checkout page.'), { allow: 'GET, POST' });

    const form = new URLSearchParams(body);
    const outcome = form.get('outcome');
    if (outcome === 'cancel') {
      // Leaving Checkout changes nothing: the session stays open until it expires.
      if (session.status === 'open' && session.cancel_url) return { status: 303, headers: { location: session.cancel_url }, body: '' };
    }
    if (session.status !== 'open') return html(session.status === 'expired' ? 410 : 409, closedPage(record));
    if (outcome !== 'pay' && outcome !== 'pay_later' && outcome !== 'pay_later_fail') return html(400, messagePage('Choose how to pay', 'Unknown choice.'));
    const email = (typeof session.customer_email === 'string' && session.customer_email) || form.get('email')?.trim() || 'customer@example.com';
    if (outcome === 'pay') {
      complete(record, email, true);
    } else {
      // A delayed payment method: the session completes unpaid, and the payment settles a moment later.
      record.pendingAsync = { outcome: outcome === 'pay_later' ? 'succeeded' : 'failed', at: Date.now() + asyncDelay };
      complete(record, email, false);
      schedule(asyncDelay, () => settle(session.id));
    }
    if (session.success_url) return { status: 303, headers: { location: session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id) }, body: '' };
    return html(200, closedPage(record));
  };

  // ---- the test hook ----

  const resend = async (eventId: string): Promise<DeliveryAttempt> => {
    if (!Object.hasOwn(state.events, eventId)) throw resourceMissing('event', eventId);
    return track(() => attempt(eventId));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = `req_${randomId(14)}`;
    let answer: Answer;
    try {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const body = await readBody(req);
      let match: RegExpExecArray | null;
      if (url.pathname.startsWith('/v1/')) {
        answer = await api(req, url.pathname, url.searchParams, body);
      } else if ((match = /^\/pay\/([^/]+)$/.exec(url.pathname))) {
        answer = await page(req, decodeURIComponent(match[1]), body);
      } else if ((match = /^\/__standin\/events\/([^/]+)\/resend$/.exec(url.pathname)) && req.method === 'POST') {
        authenticate(req);
        answer = { status: 200, body: JSON.stringify(await resend(decodeURIComponent(match[1]))) };
      } else {
        answer = { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found\n' };
      }
    } catch (error) {
      if (error instanceof StripeApiError) answer = errorAnswer(error);
      else {
        log(`stripe stand-in: ${(error as Error).stack ?? error}`);
        answer = errorAnswer(new StripeApiError(500, 'api_error', 'An unknown error occurred in the local Stripe stand-in.'));
      }
    }
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'request-id': requestId,
      'stripe-version': headerValue(req, 'stripe-version') ?? DEFAULT_API_VERSION,
      ...(headerValue(req, 'idempotency-key') ? { 'idempotency-key': headerValue(req, 'idempotency-key')! } : {}),
      ...answer.headers,
    });
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      log(`stripe stand-in: ${error.message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  if (!publicUrl) publicUrl = url;

  // Resume what the last run left, each at its original time: expiries, retries of undelivered events, settlements.
  for (const record of Object.values(state.sessions)) {
    expireIfDue(record);
    if (record.pendingAsync) schedule(record.pendingAsync.at - Date.now(), () => settle(record.session.id));
  }
  for (const [id, record] of Object.entries(state.events)) {
    if (!record.delivered && record.nextAttemptAt !== undefined) schedule(record.nextAttemptAt - Date.now(), () => deliver(id));
  }
  // Sessions expire on their own, too, and tell the webhook.
  const sweep = setInterval(() => {
    for (const record of Object.values(state.sessions)) expireIfDue(record);
  }, 60_000);
  sweep.unref();

  return {
    url,
    port,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
    resend,
    events: () => Object.values(state.events).map((record) => record.event),
    deliveries: (eventId) => state.events[eventId]?.attempts ?? [],
    session: (id) => state.sessions[id]?.session,
    idle: () =>
      busy === 0 && timers.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    stop: async () => {
      stopped = true;
      clearInterval(sweep);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      settleIdle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function errorAnswer(error: StripeApiError): Answer {
  return { status: error.status, body: JSON.stringify(error.body(), null, 2) };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function expandList(value: FormValue | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Parameters as a string that ignores the order they were sent in. */
function canonical(value: FormValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(',')}}`;
}

const readBody = (req: IncomingMessage): Promise<string> => readTextBody(req, MAX_BODY_BYTES, () => new StripeApiError(400, 'invalid_request_error', 'Request body too large.'));

