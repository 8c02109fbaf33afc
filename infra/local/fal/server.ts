import { createPrivateKey, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../../../functions/generation/local-images';
import { fnv1a } from '../../../shared/generation';
import { FalHttpError, INJECTED_REQUEST_ERRORS, modelError, platformError, requestError } from './errors';
import { checkKnobChanges, DEFAULT_FAL_KNOBS, type FalKnobChanges, type FalKnobs, KnobError } from './knobs';
import { ENDPOINTS, type FalFile, type RunContext } from './models';
import { jwksOf, localFalSecrets, type LocalFalSecrets, pythonJson, webhookHeaders } from './signing';
import { type DeliveryAttempt, type RequestFailure, type RequestLogLine, type RequestRecord, RequestStore } from './store';
import { readTextBody } from '../request-body';

export { DEFAULT_FAL_KNOBS, FAL_KNOB_ENV, falKnobsFromEnv, type FalKnobChanges, type FalKnobs } from './knobs';
export { localFalSecrets, type LocalFalSecrets } from './signing';
export type { DeliveryAttempt, RequestLogLine, RequestRecord } from './store';

/** The stand-in's default port, as `PORT_FAL` would set it. */
export const DEFAULT_FAL_PORT = 12311;
/**
 * Delays between webhook delivery attempts after a failure (a non-2xx answer or a network error).
 * fal retries 10 times over about 2 hours; the stand-in keeps the shape (doubling delays, then giving
 * up) at a local pace.
 */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];
/** Spacing of the extra deliveries the duplicate-webhooks knob adds after a delivered webhook. */
const DUPLICATE_SPACING_MS = 25;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface FalStandInOptions {
  /** Where the account's secrets, the requests, their files and `requests.ndjson` are kept; they survive a restart. */
  readonly dataDir: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The origin callers reach the stand-in at (its own `http://127.0.0.1:<port>` by default): result and queue URLs point there. */
  readonly publicUrl?: string;
  /** The only API key accepted; the data dir's own (`localFalSecrets`) by default. */
  readonly credentials?: string;
  /** Starting knobs (over {@link DEFAULT_FAL_KNOBS}), and the PRNG's seed (`seed`; random when absent). */
  readonly knobs?: FalKnobChanges;
  readonly webhookRetryDelaysMs?: readonly number[];
  /** How long one delivery attempt may take before it counts as failed. */
  readonly deliveryTimeoutMs?: number;
  /** How long downloading an input (the ZIP, a LoRA, a reference image) may take. */
  readonly downloadTimeoutMs?: number;
  /** Images rendered at once (CPU-bound; default: the cores less one, at least 1). */
  readonly renderSlots?: number;
  /** Delivery failures and other notes. */
  readonly log?: (line: string) => void;
}

export interface FalStandIn {
  /** `http://127.0.0.1:<port>`: `FalProvider`'s `baseUrl`, in place of `https://queue.fal.run`. */
  readonly url: string;
  readonly port: number;
  /** The JWKS of the webhook signing key, in fal's format: `JwksKeys(jwksUrl)` verifies the stand-in's webhooks. */
  readonly jwksUrl: string;
  /** The API key it accepts (`Authorization: Key <credentials>`; `FalProvider`'s credentials). */
  readonly credentials: string;
  /** The account's user ID (`X-Fal-Webhook-User-Id`). */
  readonly userId: string;
  /** The knobs now, with the PRNG's seed. */
  knobs(): FalKnobs & { readonly seed: number };
  /** Changes knobs (as `PUT /_local/knobs` does); a `seed` restarts the PRNG. Throws on a value out of range. */
  setKnobs(changes: FalKnobChanges): FalKnobs & { readonly seed: number };
  /** One request as the stand-in keeps it (undefined if unknown). */
  request(requestId: string): Readonly<RequestRecord> | undefined;
  /** Every delivery attempt of one request's webhook, in order (duplicates marked). */
  deliveries(requestId: string): readonly DeliveryAttempt[];
  /** The lines of `<dataDir>/requests.ndjson`, oldest first. */
  logLines(): RequestLogLine[];
  /** Resolves once nothing is queued, running, being delivered or scheduled. */
  idle(): Promise<void>;
  /** Closes the server and cancels timers; queued and running requests and undelivered webhooks resume on the next start. */
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

/**
 * A local stand-in of fal.ai's queue API for the three endpoints the studio calls
 * (`fal-ai/flux-lora-fast-training`, `fal-ai/flux-lora`, `fal-ai/bytedance/seedream/v4.5/edit`):
 * submit with `fal_webhook`, status (with `queue_position`), result and cancel, with fal's
 * URLs, statuses and error answers, so the real `@fal-ai/client` (and `FalProvider`) talks to
 * it with only the base URL changed. Requests do real work offline: the trainer keeps the
 * face crops of the ZIP in a safetensors "LoRA", the generators make pictures of the
 * customer with `makeLocalImage`. Each finished request's webhook is signed as fal signs
 * (Ed25519, keys at `/.well-known/jwks.json`) and retried on failure. Knobs add latency,
 * failures, lost and duplicated webhooks, and likeness drift.
 */
export async function startFalStandIn(options: FalStandInOptions): Promise<FalStandIn> {
  mkdirSync(options.dataDir, { recursive: true });
  const secrets: LocalFalSecrets = localFalSecrets(options.dataDir);
  const credentials = options.credentials ?? secrets.credentials;
  const signingKey = createPrivateKey(secrets.webhookKey.privateKeyPem);
  const jwks = JSON.stringify(jwksOf(secrets));
  const store = new RequestStore(options.dataDir);
  const filesDir = join(options.dataDir, 'files');
  const retryDelays = options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS;
  const deliveryTimeout = options.deliveryTimeoutMs ?? 10_000;
  const downloadTimeout = options.downloadTimeoutMs ?? 60_000;
  const log = options.log ?? (() => undefined);

  const { seed: initialSeed, ...initialKnobs } = checkKnobChanges(options.knobs ?? {}, 'options.knobs');
  let knobs: FalKnobs = { ...DEFAULT_FAL_KNOBS, ...initialKnobs };
  let seed = initialSeed ?? Math.floor(Math.random() * 0xffffffff);
  let random = mulberry32(seed);

  // ---- bookkeeping: timers, running work, idleness, shutdown ----

  const timers = new Set<NodeJS.Timeout>();
  const sleepers = new Set<() => void>();
  const inFlight = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  let busy = 0;
  let waiters: (() => void)[] = [];
  let stopped = false;
  const queue: string[] = [];
  let running = 0;

  const settleIdle = () => {
    if (busy === 0 && timers.size === 0 && queue.length === 0 && running === 0) {
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    }
  };
  const track = <T>(work: () => Promise<T>): Promise<T> => {
    busy++;
    const promise = work().finally(() => {
      busy--;
      inFlight.delete(promise);
      settleIdle();
    });
    inFlight.add(promise);
    return promise;
  };
  const schedule = (delayMs: number, work: () => Promise<void>) => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        void track(work).catch((error: Error) => log(`fal stand-in: ${error.stack ?? error.message}`));
      },
      Math.max(0, delayMs),
    );
    timers.add(timer);
  };
  /** A pause that ends early when the stand-in stops. */
  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            sleepers.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          sleepers.add(done);
        });

  // Rendering is CPU-bound: a few slots, so the rest of the local cloud keeps breathing.
  const renderSlots = Math.max(1, options.renderSlots ?? availableParallelism() - 1);
  let rendering = 0;
  const renderWaiters: (() => void)[] = [];
  const render = async <T>(work: () => Promise<T>): Promise<T> => {
    if (rendering >= renderSlots) await new Promise<void>((resolve) => renderWaiters.push(resolve));
    if (stopped) {
      renderWaiters.shift()?.();
      throw new Error('The fal stand-in stopped');
    }
    rendering++;
    try {
      return await work();
    } finally {
      rendering--;
      renderWaiters.shift()?.();
    }
  };

  let url = '';
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const requestUrl = (record: RequestRecord) => `${publicUrl}/${record.app}/requests/${record.requestId}`;

  // ---- files ----

  const fileOf = (requestId: string, name: string) => join(filesDir, requestId, name);
  const ownFile = (target: string): string | undefined => {
    for (const origin of new Set([url, publicUrl])) {
      if (!origin || !target.startsWith(`${origin}/files/`)) continue;
      const match = /^\/files\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(new URL(target).pathname);
      return match && !match[2]!.startsWith('.') ? fileOf(match[1]!, match[2]!) : '';
    }
    return undefined;
  };

  const contextFor = (record: RequestRecord): RunContext => ({
    requestId: record.requestId,
    async download(target, loc, maxBytes) {
      const failed = (why: string) => modelError([{ loc, msg: `Failed to download the file: ${why}`, type: 'file_download_error', input: target }]);
      const local = ownFile(target);
      if (local !== undefined) {
        if (!local || !existsSync(local)) throw failed('HTTP 404');
        if (statSync(local).size > maxBytes) throw failed(`larger than ${maxBytes} bytes`);
        return readFileSync(local);
      }
      let response: Response;
      try {
        response = await fetch(target, { signal: AbortSignal.any([AbortSignal.timeout(downloadTimeout), stopping.signal]) });
      } catch (error) {
        throw failed((error as Error).message);
      }
      if (!response.ok) {
        await response.arrayBuffer().catch(() => undefined);
        throw failed(`HTTP ${response.status}`);
      }
      if (Number(response.headers.get('content-length') ?? 0) > maxBytes) throw failed(`larger than ${maxBytes} bytes`);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.length > maxBytes) throw failed(`larger than ${maxBytes} bytes`);
      return bytes;
    },
    saveFile(name, bytes, contentType): FalFile {
      mkdirSync(join(filesDir, record.requestId), { recursive: true });
      writeFileSync(fileOf(record.requestId, name), bytes);
      return { url: `${publicUrl}/files/${record.requestId}/${name}`, content_type: contentType, file_name: name, file_size: bytes.length };
    },
    render,
    drift: (imageSeed) => (knobs.driftRate > 0 && fnv1a(`drift/${seed}/${imageSeed}`) / 2 ** 32 < knobs.driftRate ? knobs.drift : 0),
    log: (message) => record.logs.push({ message, level: 'INFO', source: 'USER', timestamp: new Date().toISOString() }),
  });

  // ---- webhooks ----

  const webhookBody = (record: RequestRecord): Buffer => {
    const outcome = record.outcome!;
    const body = outcome.ok
      ? { error: null, gateway_request_id: record.requestId, payload: outcome.payload, request_id: record.requestId, status: 'OK' }
      : { error: `Invalid status code: ${outcome.failure.status}`, gateway_request_id: record.requestId, payload: outcome.failure.body, request_id: record.requestId, status: 'ERROR' };
    return Buffer.from(pythonJson(body), 'utf8');
  };

  const attempt = async (record: RequestRecord, duplicate = false): Promise<DeliveryAttempt> => {
    const body = webhookBody(record);
    const at = Date.now();
    let result: DeliveryAttempt;
    try {
      const response = await fetch(record.webhookUrl!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'fal-webhook (local stand-in)', ...webhookHeaders(body, record.requestId, secrets.userId, signingKey) },
        body: new Uint8Array(body),
        signal: AbortSignal.any([AbortSignal.timeout(deliveryTimeout), stopping.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      result = { at, status: response.status, ...(duplicate && { duplicate }) };
    } catch (error) {
      result = { at, error: (error as Error).message, ...(duplicate && { duplicate }) };
    }
    if (!stopped) {
      record.webhook.attempts.push(result);
      store.save(record);
    }
    return result;
  };

  const deliver = async (record: RequestRecord): Promise<void> => {
    if (record.webhook.state !== 'pending') return;
    const result = await attempt(record);
    if (stopped) return;
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      record.webhook.state = 'delivered';
      delete record.webhook.nextAttemptAt;
      store.save(record);
      for (let n = 1; n <= record.plan.duplicates; n++) schedule(n * DUPLICATE_SPACING_MS, async () => void (await attempt(record, true)));
      return;
    }
    const why = result.status !== undefined ? `HTTP ${result.status}` : result.error;
    if (record.webhook.retriesLeft > 0) {
      const delay = retryDelays[retryDelays.length - record.webhook.retriesLeft]!;
      record.webhook.retriesLeft--;
      record.webhook.nextAttemptAt = Date.now() + delay;
      store.save(record);
      log(`fal stand-in: webhook of ${record.requestId} to ${record.webhookUrl}: ${why}; retrying in ${delay} ms`);
      schedule(delay, () => deliver(record));
    } else {
      record.webhook.state = 'failed';
      delete record.webhook.nextAttemptAt;
      store.save(record);
      log(`fal stand-in: webhook of ${record.requestId} to ${record.webhookUrl}: ${why}; giving up after ${record.webhook.attempts.length} attempts`);
    }
  };

  // ---- the queue ----

  const complete = (record: RequestRecord, outcome: NonNullable<RequestRecord['outcome']>) => {
    record.status = 'COMPLETED';
    record.completedAt = Date.now();
    record.outcome = outcome;
    if (!outcome.ok) record.logs.push({ message: String(outcome.failure.body.detail ?? 'failed'), level: 'ERROR', source: 'USER', timestamp: new Date().toISOString() });
    const webhook = !record.webhookUrl ? 'none' : record.plan.dropWebhook ? 'dropped' : 'sent';
    record.webhook.state = webhook === 'sent' ? 'pending' : webhook;
    if (webhook === 'sent') record.webhook.nextAttemptAt = record.completedAt;
    store.save(record);
    store.appendLog({
      start: record.submittedAt,
      end: record.completedAt,
      kind: record.kind,
      orderId: record.orderId,
      requestId: record.requestId,
      endpoint: record.endpoint,
      status: outcome.ok ? 'OK' : 'ERROR',
      webhook,
    });
    if (webhook === 'sent') schedule(0, () => deliver(record));
  };

  const failureOf = (error: unknown): RequestFailure => {
    if (error instanceof FalHttpError) return { status: error.status, body: error.body, headers: error.headers };
    log(`fal stand-in: ${(error as Error).stack ?? error}`);
    return { status: 500, body: { detail: 'An unexpected internal error occurred.', error_type: 'internal_error' }, headers: { 'x-fal-error-type': 'internal_error' } };
  };

  const execute = async (record: RequestRecord): Promise<void> => {
    const spec = ENDPOINTS[record.endpoint]!;
    const started = Date.now();
    record.status = 'IN_PROGRESS';
    record.startedAt = started;
    store.save(record);
    let outcome: NonNullable<RequestRecord['outcome']>;
    try {
      spec.check(record.input);
    } catch (error) {
      // The model refuses its input at once, without GPU time.
      complete(record, { ok: false, failure: failureOf(error) });
      return;
    }
    try {
      if (record.plan.failure) throw requestError(record.plan.failure);
      outcome = { ok: true, payload: await spec.run(record.input, contextFor(record), record.plan.seed) };
    } catch (error) {
      if (stopped) return;
      outcome = { ok: false, failure: failureOf(error) };
    }
    await sleep((spec.kind === 'train' ? knobs.trainingLatencyMs : knobs.latencyMs) - (Date.now() - started));
    if (stopped) return;
    if (record.cancelRequested) outcome = { ok: false, failure: failureOf(requestError({ status: 499, errorType: 'client_cancelled', detail: 'The request was cancelled by the client.' })) };
    complete(record, outcome);
  };

  const pump = () => {
    while (!stopped && running < knobs.concurrency && queue.length) {
      const record = store.records.get(queue.shift()!);
      if (!record || record.status !== 'IN_QUEUE') continue;
      running++;
      void track(() => execute(record))
        .catch((error: Error) => log(`fal stand-in: ${error.stack ?? error.message}`))
        .finally(() => {
          running--;
          pump();
          settleIdle();
        });
    }
  };

  // ---- the API ----

  const authenticate = (req: IncomingMessage) => {
    const header = req.headers.authorization;
    if (!header) throw platformError(401, 'Authentication is required to access this application. Send your key as "Authorization: Key <FAL_KEY>".');
    const key = /^Key\s+(\S+)\s*$/i.exec(header)?.[1];
    if (key !== credentials) throw platformError(401, 'Invalid API key (the local fal stand-in accepts its own key only: credentials in its secrets.json)');
  };

  const submit = (endpointId: string, query: URLSearchParams, rawBody: string): Answer => {
    const spec = Object.hasOwn(ENDPOINTS, endpointId) ? ENDPOINTS[endpointId] : undefined;
    if (!spec) {
      throw platformError(404, `Application "${endpointId}" not found (the local fal stand-in serves ${Object.keys(ENDPOINTS).join(', ')})`);
    }
    let input: unknown;
    try {
      input = rawBody.trim() ? JSON.parse(rawBody) : {};
    } catch {
      throw modelError([{ loc: ['body'], msg: 'JSON decode error', type: 'json_invalid' }]);
    }
    if (!input || typeof input !== 'object' || Array.isArray(input)) throw modelError([{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'model_type', input }]);
    const webhookUrl = query.get('fal_webhook') ?? undefined;
    let orderId: string | null = null;
    if (webhookUrl !== undefined) {
      let parsed: URL;
      try {
        parsed = new URL(webhookUrl);
      } catch {
        throw platformError(422, `Invalid webhook URL: ${webhookUrl}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw platformError(422, `Invalid webhook URL: ${webhookUrl}`);
      orderId = parsed.searchParams.get('orderId');
    }
    // Five draws per submit, whatever the knobs say, so one seed gives one sequence of choices.
    const [failing, overloaded, kind, drop, drawnSeed] = [random(), random(), random(), random(), random()] as [number, number, number, number, number];
    if (failing < knobs.errorRate && overloaded < knobs.overloadShare) {
      throw new FalHttpError(503, { detail: 'The queue is overloaded: no runner could take the request. Retry later.', error_type: 'runner_scheduling_failure' }, { 'x-fal-error-type': 'runner_scheduling_failure', 'retry-after': '1' });
    }
    const requestId = randomUUID();
    const record: RequestRecord = {
      requestId,
      endpoint: endpointId,
      app: endpointId.split('/').slice(0, 2).join('/'),
      kind: spec.kind,
      input: input as Record<string, unknown>,
      ...(webhookUrl !== undefined && { webhookUrl }),
      orderId,
      plan: {
        seed: Math.floor(drawnSeed * 2 ** 31),
        ...(failing < knobs.errorRate && { failure: INJECTED_REQUEST_ERRORS[Math.floor(kind * INJECTED_REQUEST_ERRORS.length)]! }),
        dropWebhook: drop < knobs.dropWebhookRate,
        duplicates: knobs.duplicateWebhooks,
      },
      status: 'IN_QUEUE',
      submittedAt: Date.now(),
      logs: [],
      webhook: { state: 'none', attempts: [], retriesLeft: retryDelays.length },
    };
    store.save(record);
    queue.push(requestId);
    pump();
    return json(
      200,
      {
        status: 'IN_QUEUE',
        request_id: requestId,
        gateway_request_id: requestId,
        response_url: requestUrl(record),
        status_url: `${requestUrl(record)}/status`,
        cancel_url: `${requestUrl(record)}/cancel`,
        queue_position: Math.max(0, queue.indexOf(requestId)),
      },
      { 'x-fal-request-id': requestId },
    );
  };

  const found = (app: string, requestId: string): RequestRecord => {
    const record = store.records.get(requestId);
    if (!record || record.app !== app) throw platformError(404, 'Request not found');
    return record;
  };

  const statusOf = (record: RequestRecord, logs: boolean): Answer => {
    const failure = record.outcome && !record.outcome.ok ? record.outcome.failure : undefined;
    const body = {
      status: record.status,
      request_id: record.requestId,
      response_url: requestUrl(record),
      status_url: `${requestUrl(record)}/status`,
      cancel_url: `${requestUrl(record)}/cancel`,
      ...(record.status === 'IN_QUEUE' && { queue_position: Math.max(0, queue.indexOf(record.requestId)) }),
      logs: logs ? record.logs : null,
      ...(record.status === 'COMPLETED' && { metrics: { inference_time: record.startedAt ? (record.completedAt! - record.startedAt) / 1000 : null } }),
      ...(failure && { error: typeof failure.body.detail === 'string' ? failure.body.detail : `Invalid status code: ${failure.status}`, error_type: failure.body.error_type ?? 'model_error' }),
    };
    return json(record.status === 'COMPLETED' ? 200 : 202, body);
  };

  const resultOf = (record: RequestRecord): Answer => {
    if (record.status !== 'COMPLETED' || !record.outcome) throw platformError(400, 'Request is still in progress');
    if (record.outcome.ok) return json(200, record.outcome.payload, { 'x-fal-request-id': record.requestId });
    const { status, body, headers } = record.outcome.failure;
    return json(status, body, { ...headers, 'x-fal-request-id': record.requestId });
  };

  const cancel = (app: string, requestId: string): Answer => {
    const record = store.records.get(requestId);
    if (!record || record.app !== app) return json(404, { status: 'NOT_FOUND' });
    if (record.status === 'COMPLETED') return json(400, { status: 'ALREADY_COMPLETED' });
    if (record.status === 'IN_QUEUE') {
      const at = queue.indexOf(requestId);
      if (at >= 0) queue.splice(at, 1);
      complete(record, { ok: false, failure: failureOf(requestError({ status: 499, errorType: 'client_cancelled', detail: 'The request was cancelled by the client.' })) });
    } else {
      record.cancelRequested = true;
      store.save(record);
    }
    return json(202, { status: 'CANCELLATION_REQUESTED' });
  };

  const knobsNow = () => ({ ...knobs, seed });
  const setKnobs = (changes: FalKnobChanges) => {
    const { seed: newSeed, ...rest } = checkKnobChanges(changes);
    knobs = { ...knobs, ...rest };
    if (newSeed !== undefined) {
      seed = newSeed;
      random = mulberry32(seed);
    }
    pump();
    return knobsNow();
  };

  const serveFile = (requestId: string, name: string, head: boolean): Answer => {
    const file = fileOf(requestId, name);
    if (name.startsWith('.') || !existsSync(file)) return json(404, { detail: 'File not found' });
    const type = name.endsWith('.png') ? 'image/png' : /\.jpe?g$/.test(name) ? 'image/jpeg' : name.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    const bytes = readFileSync(file);
    return { status: 200, headers: { 'content-type': type, 'content-length': String(bytes.length), 'cache-control': 'public, max-age=31536000, immutable' }, body: head ? '' : bytes };
  };

  const route = async (req: IncomingMessage): Promise<Answer> => {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://stand-in');
    const path = target.pathname;
    const body = await readBody(req);
    let match: RegExpExecArray | null;

    if (path === '/.well-known/jwks.json' && (method === 'GET' || method === 'HEAD')) return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'max-age=86400' }, body: jwks };
    if ((match = /^\/files\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(path))) {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { detail: 'Method Not Allowed' });
      return serveFile(match[1]!, match[2]!, method === 'HEAD');
    }
    // The knobs are a local control, like the page of the Stripe stand-in: open to the machine (the server listens on 127.0.0.1 only).
    if (path === '/_local/knobs') {
      if (method === 'GET') return json(200, knobsNow());
      if (method !== 'PUT') return json(405, { detail: 'Method Not Allowed' });
      let changes: unknown;
      try {
        changes = JSON.parse(body);
      } catch {
        return json(400, { detail: 'Expected a JSON object of knobs' });
      }
      try {
        return json(200, setKnobs(changes as FalKnobChanges));
      } catch (error) {
        if (error instanceof KnobError) return json(400, { detail: error.message });
        throw error;
      }
    }

    authenticate(req);
    let segments: string[];
    try {
      segments = path.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return json(404, { detail: 'Not Found' });
    }
    if (segments.length >= 4 && segments[2] === 'requests') {
      const app = `${segments[0]}/${segments[1]}`;
      const requestId = segments[3]!;
      const rest = segments.slice(4).join('/');
      if (rest === '' && method === 'GET') return resultOf(found(app, requestId));
      if (rest === 'status' && method === 'GET') return statusOf(found(app, requestId), target.searchParams.get('logs') === '1');
      if (rest === 'cancel' && method === 'PUT') return cancel(app, requestId);
      if (rest === 'status/stream') return json(501, { detail: 'Status streaming is not modelled by the local fal stand-in; poll /status instead.' });
      return json(405, { detail: 'Method Not Allowed' });
    }
    if (method === 'POST' && segments.length >= 2 && segments.every(Boolean)) return submit(segments.join('/'), target.searchParams, body);
    if (segments.length >= 2 && segments.every(Boolean)) return json(405, { detail: 'Method Not Allowed' });
    return json(404, { detail: 'Not Found' });
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(req)
      .catch((error: unknown): Answer => {
        if (error instanceof FalHttpError) return json(error.status, error.body, error.headers);
        log(`fal stand-in: ${(error as Error).stack ?? error}`);
        return json(500, { detail: 'Internal Server Error' });
      })
      .then((answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  if (!publicUrl) publicUrl = url;

  // Resume what the last run left: queued and interrupted requests run (again), undelivered webhooks go out.
  for (const record of [...store.records.values()].sort((a, b) => a.submittedAt - b.submittedAt)) {
    if (record.status !== 'COMPLETED') {
      record.status = 'IN_QUEUE';
      delete record.startedAt;
      store.save(record);
      queue.push(record.requestId);
    } else if (record.webhook.state === 'pending') {
      schedule((record.webhook.nextAttemptAt ?? 0) - Date.now(), () => deliver(record));
    }
  }
  pump();
  log(`fal stand-in: ${url} (seed ${seed}; knobs ${JSON.stringify(knobs)})`);

  return {
    url,
    port,
    jwksUrl: `${url}/.well-known/jwks.json`,
    credentials,
    userId: secrets.userId,
    knobs: knobsNow,
    setKnobs,
    request: (requestId) => store.records.get(requestId),
    deliveries: (requestId) => store.records.get(requestId)?.webhook.attempts ?? [],
    logLines: () => store.logLines(),
    idle: () =>
      busy === 0 && timers.size === 0 && queue.length === 0 && running === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve);
          }),
    stop: async () => {
      stopped = true;
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const wake of [...sleepers]) wake();
      queue.length = 0;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      settleIdle();
    },
  };
}

const readBody = (req: IncomingMessage): Promise<string> => readTextBody(req, MAX_BODY_BYTES, () => platformError(413, 'Request body too large'));
