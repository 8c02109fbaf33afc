import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, createFalClient } from '@fal-ai/client';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { FalProvider } from '#functions/generation/fal-provider';
import { FAL_JWKS_URL, JwksKeys, verifyFalWebhook } from '#functions/generation/fal-webhook-signature';
import type { QueuedRequest } from '#functions/generation/provider';
import { localFalAccount } from '../../../../infra/local/fal/account';
import { readLora } from '../../../../infra/local/fal/lora';
import { readPrompt } from '../../../../infra/local/fal/prompt';
import { type FalStandIn, falKnobsFromEnv, startFalStandIn } from '../../../../infra/local/fal/server';

jest.setTimeout(30_000);

const TRAIN = 'fal-ai/flux-lora-fast-training';
const FLUX = 'fal-ai/flux-lora';
const SEEDREAM = 'fal-ai/bytedance/seedream/v4.5/edit';
const PROMPT = 'photo of hsk1234, professional headshot portrait; navy blazer; deep blue gradient backdrop; crisp key light; facing the camera squarely, head and shoulders, looking into the lens';
/** Quick test knobs: a few ms of "GPU time", a fixed PRNG seed. */
const QUICK = { latencyMs: 5, trainingLatencyMs: 5, seed: 42 };

/** Real face crops: the sample faces the other tests use (cached by `testFaces()`), made small squares. */
async function faceCrops(count: number): Promise<Buffer[]> {
  const dir = join(__dirname, '..', '..', '..', '..', '.local', 'cache', 'sample-faces');
  const index = join(dir, 'faces.json');
  const jpegs = existsSync(index)
    ? (JSON.parse(readFileSync(index, 'utf8')) as string[]).slice(0, count).map((name) => readFileSync(join(dir, `${name}.jpg`)))
    : (await (await import('../../../support/order-flow')).testFaces()).slice(0, count).map((face) => face.jpeg);
  return Promise.all(jpegs.map((jpeg) => sharp(jpeg).resize(384, 384, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer()));
}

interface Delivery {
  readonly rawBody: Buffer;
  readonly headers: IncomingHttpHeaders;
  readonly url: URL;
}

/** The studio's side: a "bucket" serving the ZIP and crops (as presigned GETs would), and a webhook receiver answering queued statuses (200 once empty). */
async function studio(files: Record<string, Buffer>) {
  const deliveries: Delivery[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://studio');
      if (req.method === 'POST' && url.pathname === '/v1/webhooks/fal') {
        deliveries.push({ rawBody: Buffer.concat(chunks), headers: req.headers, url });
        res.writeHead(statuses.shift() ?? 200).end('{}');
      } else if (req.method === 'GET' && Object.hasOwn(files, url.pathname)) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(files[url.pathname]);
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    deliveries,
    statuses,
    webhookUrl: (orderId = 'order-1') => `${origin}/v1/webhooks/fal?orderId=${orderId}`,
    /** The deliveries of one request. */
    of: (requestId: string) => deliveries.filter((d) => d.headers['x-fal-webhook-request-id'] === requestId),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Polls the provider's state until the request is over, as the workflow's fallback does. */
const settled = (provider: FalProvider, request: QueuedRequest) =>
  until(`${request.requestId} to finish`, async () => {
    const state = await provider.state(request);
    return state === 'COMPLETED' || state === 'FAILED' ? state : undefined;
  });

describe('local fal stand-in, through the real @fal-ai/client and FalProvider', () => {
  let dataDir: string;
  let crops: Buffer[];
  let bucket: Awaited<ReturnType<typeof studio>>;
  let standIn: FalStandIn;
  let fal: FalProvider;
  let loraUrl: string;

  const raw = (path: string, init: RequestInit = {}, key: string | null = standIn.credentials) =>
    fetch(`${standIn.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(key && { authorization: `Key ${key}` }), ...init.headers } });

  const generate = (overrides: Partial<Parameters<FalProvider['submitGeneration']>[0]> = {}) =>
    fal.submitGeneration({ endpoint: FLUX, prompt: PROMPT, loraUrl, count: 3, seed: 1234, imageSize: { width: 384, height: 512 }, webhookUrl: bucket.webhookUrl(), ...overrides });

  const verify = (delivery: Delivery) => verifyFalWebhook({ headers: delivery.headers as Record<string, string>, rawBody: delivery.rawBody }, new JwksKeys(standIn.jwksUrl));

  beforeAll(async () => {
    crops = await faceCrops(4);
    const zip = zipSync({
      ...Object.fromEntries(crops.map((crop, i) => [`crops/face-${i}.jpg`, crop])),
      'crops/notes.txt': Buffer.from('captions are ignored'),
      '__MACOSX/crops/._face-0.jpg': Buffer.from('resource fork'),
    });
    bucket = await studio({ '/crops.zip': Buffer.from(zip), ...Object.fromEntries(crops.map((crop, i) => [`/crop-${i}.jpg`, crop])) });
    dataDir = mkdtempSync(join(tmpdir(), 'fal-standin-'));
    standIn = await startFalStandIn({ dataDir, knobs: QUICK, webhookRetryDelaysMs: [20, 40], renderSlots: 1 });
    fal = new FalProvider(standIn.credentials, { baseUrl: standIn.url });
  });

  afterAll(async () => {
    await standIn?.stop();
    await bucket?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    standIn.setKnobs({ ...QUICK, errorRate: 0, overloadShare: 0.2, dropWebhookRate: 0, duplicateWebhooks: 0, driftRate: 0, concurrency: 40 });
  });

  it('trains on a ZIP of face crops and serves a LoRA file that carries them', async () => {
    const queued = await fal.submitTraining({ endpoint: TRAIN, imagesZipUrl: `${bucket.origin}/crops.zip`, triggerWord: 'hsk1234', webhookUrl: bucket.webhookUrl('order-train') });
    expect(queued.endpoint).toBe(TRAIN);
    expect(await settled(fal, queued)).toBe('COMPLETED');
    const { loraUrl: url } = await fal.trainingResult(queued);
    expect(url).toMatch(new RegExp(`^${standIn.url}/files/${queued.requestId}/pytorch_lora_weights\\.safetensors$`));
    loraUrl = url;

    const file = await fetch(url);
    expect(file.status).toBe(200);
    const lora = readLora(Buffer.from(await file.arrayBuffer()));
    expect(lora).toMatchObject({ trainingRequestId: queued.requestId, triggerWord: 'hsk1234' });
    expect(lora!.faces).toHaveLength(crops.length); // the text file and the macOS resource fork are skipped
    for (const face of lora!.faces) expect(await sharp(face).metadata()).toMatchObject({ format: 'jpeg', width: 384, height: 384 });

    const result = await (await raw(`/fal-ai/flux-lora-fast-training/requests/${queued.requestId}`)).json();
    expect(result.diffusers_lora_file).toEqual({ url, content_type: 'application/octet-stream', file_name: 'pytorch_lora_weights.safetensors', file_size: expect.any(Number) });
    expect(result.config_file).toMatchObject({ file_name: 'config.json' });

    const [delivery] = await until('the training webhook', () => (bucket.of(queued.requestId).length ? bucket.of(queued.requestId) : undefined));
    expect(await verify(delivery!)).toMatchObject({ ok: true, requestId: queued.requestId, userId: standIn.userId });
    expect(JSON.parse(delivery!.rawBody.toString())).toMatchObject({ request_id: queued.requestId, gateway_request_id: queued.requestId, status: 'OK', error: null, payload: { diffusers_lora_file: { url } } });
  });

  it('generates 3 real images of the requested size, the same bytes for the same seed and others for another seed', async () => {
    const fetchAll = async (request: QueuedRequest) => {
      expect(await settled(fal, request)).toBe('COMPLETED');
      const output = await fal.generationResult(request);
      return { output, bytes: await Promise.all(output.images.map(async (image) => Buffer.from(await (await fetch(image.url)).arrayBuffer()))) };
    };
    const first = await fetchAll(await generate());
    expect(first.output.seed).toBe(1234);
    expect(first.output.images).toHaveLength(3);
    for (const [i, image] of first.output.images.entries()) {
      expect(image).toMatchObject({ width: 384, height: 512, contentType: 'image/png' });
      expect(await sharp(first.bytes[i]!).metadata()).toMatchObject({ format: 'png', width: 384, height: 512 });
    }
    expect(new Set(first.bytes.map((bytes) => bytes.toString('base64'))).size).toBe(3); // seed, seed+1, seed+2

    const again = await fetchAll(await generate());
    expect(again.output.images.map((image) => image.url)).not.toEqual(first.output.images.map((image) => image.url));
    again.bytes.forEach((bytes, i) => expect(bytes.equals(first.bytes[i]!)).toBe(true));

    const other = await fetchAll(await generate({ seed: 99 }));
    other.bytes.forEach((bytes, i) => expect(bytes.equals(first.bytes[i]!)).toBe(false));
  });

  it('signs the webhook as fal does: verifyFalWebhook with the JWKS accepts it, a tampered body is refused', async () => {
    const request = await generate({ webhookUrl: bucket.webhookUrl('order-42') });
    const [delivery] = await until('the webhook', () => (bucket.of(request.requestId).length ? bucket.of(request.requestId) : undefined));
    expect(delivery!.url.searchParams.get('orderId')).toBe('order-42');
    expect(delivery!.headers['x-fal-webhook-timestamp']).toMatch(/^\d+$/);
    expect(delivery!.headers['x-fal-webhook-signature']).toMatch(/^[0-9a-f]{128}$/);
    expect(await verify(delivery!)).toMatchObject({ ok: true, requestId: request.requestId });

    // fal's (Python) JSON: sorted keys, ", " and ": " separators; a re-serialised body would not verify.
    const text = delivery!.rawBody.toString('utf8');
    expect(text.startsWith('{"error": null, "gateway_request_id": ')).toBe(true);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ status: 'OK', payload: { seed: 1234, images: expect.any(Array), prompt: PROMPT, has_nsfw_concepts: [false, false, false] } });
    expect(await verify({ ...delivery!, rawBody: Buffer.from(JSON.stringify(body)) })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(await verify({ ...delivery!, rawBody: Buffer.from(text.replace('"OK"', '"ERROR"')) })).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });

    const jwks = await (await fetch(standIn.jwksUrl)).json();
    expect(jwks).toEqual({ keys: [expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })] });
  });

  it('moves the status from IN_QUEUE / IN_PROGRESS (202, with queue_position) to COMPLETED (200)', async () => {
    standIn.setKnobs({ latencyMs: 400, concurrency: 1 });
    const client = createFalClient({ credentials: standIn.credentials, requestMiddleware: async (r) => ({ ...r, url: r.url.replace('https://queue.fal.run', standIn.url) }) });
    const input = { prompt: PROMPT, loras: [{ path: loraUrl, scale: 1 }], num_images: 1, seed: 5, image_size: { width: 256, height: 256 } };
    const first = await client.queue.submit(FLUX, { input });
    const second = await client.queue.submit(FLUX, { input });
    expect(second).toMatchObject({
      status: 'IN_QUEUE',
      queue_position: 0,
      response_url: `${standIn.url}/fal-ai/flux-lora/requests/${second.request_id}`,
      status_url: `${standIn.url}/fal-ai/flux-lora/requests/${second.request_id}/status`,
      cancel_url: `${standIn.url}/fal-ai/flux-lora/requests/${second.request_id}/cancel`,
    });
    const running = await raw(`/fal-ai/flux-lora/requests/${first.request_id}/status`);
    expect(running.status).toBe(202);
    expect(await running.json()).toMatchObject({ status: 'IN_PROGRESS', request_id: first.request_id });
    const waiting = await raw(`/fal-ai/flux-lora/requests/${second.request_id}/status`);
    expect(await waiting.json()).toMatchObject({ status: 'IN_QUEUE', queue_position: 0 });
    expect(await fal.state({ endpoint: FLUX, requestId: second.request_id })).toBe('QUEUED');
    await expect(client.queue.result(FLUX, { requestId: second.request_id })).rejects.toMatchObject({ status: 400 });

    await expect(client.queue.subscribeToStatus(FLUX, { requestId: second.request_id, pollInterval: 20 })).resolves.toMatchObject({ status: 'COMPLETED' });
    const done = await raw(`/fal-ai/flux-lora/requests/${second.request_id}/status?logs=1`);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ status: 'COMPLETED', metrics: { inference_time: expect.any(Number) }, logs: [expect.objectContaining({ message: expect.stringContaining('Generating 1 image') })] });
  });

  it('answers the Seedream edit endpoint from the face crops as references, at Seedream sizes', async () => {
    const request = await fal.submitGeneration({
      endpoint: SEEDREAM,
      prompt: PROMPT,
      referenceUrls: [`${bucket.origin}/crop-0.jpg`, `${bucket.origin}/crop-1.jpg`],
      count: 1,
      seed: 8,
      imageSize: { width: 1920, height: 1920 },
      settings: { max_images: 1, output_format: 'jpeg' },
      webhookUrl: bucket.webhookUrl(),
    });
    expect(await settled(fal, request)).toBe('COMPLETED');
    const output = await fal.generationResult(request);
    expect(output).toMatchObject({ seed: 8, images: [{ width: 1920, height: 1920, contentType: 'image/jpeg' }] });
    expect(await sharp(Buffer.from(await (await fetch(output.images[0]!.url)).arrayBuffer())).metadata()).toMatchObject({ format: 'jpeg', width: 1920 });

    // Seedream 4.5's sides are 1920–4096: a smaller size is the model's 422, in the result.
    const small = await fal.submitGeneration({ endpoint: SEEDREAM, prompt: PROMPT, referenceUrls: [`${bucket.origin}/crop-0.jpg`], count: 1, seed: 1, imageSize: { width: 1024, height: 1024 }, webhookUrl: bucket.webhookUrl() });
    expect(await settled(fal, small)).toBe('FAILED');
    const refused = await raw(`/fal-ai/bytedance/requests/${small.requestId}`);
    expect(refused.status).toBe(422);
    expect((await refused.json()).detail).toEqual([expect.objectContaining({ loc: ['body', 'image_size', 'width'], type: 'greater_than_equal' }), expect.objectContaining({ loc: ['body', 'image_size', 'height'] })]);
  });

  it('refuses a missing or wrong key with 401, unknown endpoints and requests with 404', async () => {
    const wrong = new FalProvider('not-the:key', { baseUrl: standIn.url });
    const failure = await wrong.submitTraining({ endpoint: TRAIN, imagesZipUrl: `${bucket.origin}/crops.zip`, triggerWord: 't', webhookUrl: bucket.webhookUrl() }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'ProviderError', retryable: false, message: expect.stringContaining('(401)') });
    expect((await raw(`/${FLUX}`, { method: 'POST', body: '{}' }, null)).status).toBe(401);
    const refused = await raw(`/fal-ai/flux-lora/requests/x/status`, {}, 'wrong:key');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ detail: expect.any(String) });

    const unknown = await raw(`/fal-ai/flux-lora/requests/00000000-0000-0000-0000-000000000000/status`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Request not found' });
    expect((await raw(`/fal-ai/flux-lora/requests/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    await expect(fal.state({ endpoint: FLUX, requestId: 'no-such-request' })).resolves.toBe('FAILED');
    expect((await raw('/fal-ai/flux-pro', { method: 'POST', body: '{}' })).status).toBe(404);
    // A request is found only under its own app.
    const request = await generate({ count: 1 });
    expect((await raw(`/fal-ai/flux-lora-fast-training/requests/${request.requestId}/status`)).status).toBe(404);
  });

  it('checks inputs as the model does: a 422 with pydantic details in the result and an ERROR webhook', async () => {
    const client = createFalClient({ credentials: standIn.credentials, requestMiddleware: async (r) => ({ ...r, url: r.url.replace('https://queue.fal.run', standIn.url) }) });
    const badInput: Record<string, unknown> = { loras: [{ path: loraUrl }], num_images: 9, output_format: 'gif' };
    const { request_id: requestId } = await client.queue.submit(FLUX as string, { input: badInput, webhookUrl: bucket.webhookUrl() });
    expect(await settled(fal, { endpoint: FLUX, requestId })).toBe('FAILED');
    const failure = await client.queue.result(FLUX, { requestId }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ name: 'ValidationError', status: 422 });
    expect((failure as ApiError<{ detail: { loc: string[] }[] }>).body.detail.map((d) => d.loc)).toEqual([['body', 'prompt'], ['body', 'num_images'], ['body', 'output_format']]);
    const [delivery] = await until('the ERROR webhook', () => (bucket.of(requestId).length ? bucket.of(requestId) : undefined));
    expect(await verify(delivery!)).toMatchObject({ ok: true });
    expect(JSON.parse(delivery!.rawBody.toString())).toMatchObject({ status: 'ERROR', error: 'Invalid status code: 422', payload: { detail: expect.any(Array) } });
    // Not even JSON: refused at submit.
    expect((await raw(`/${FLUX}`, { method: 'POST', body: '[1,2]' })).status).toBe(422);
  });

  it('with error rate 1, requests end as ERROR: the result answers the error and the webhook says ERROR', async () => {
    standIn.setKnobs({ errorRate: 1, overloadShare: 0 });
    const request = await generate();
    expect(await settled(fal, request)).toBe('FAILED');
    // (Read raw: @fal-ai/client itself retries a 503 or 504 result for seconds before giving up, as against fal.)
    const result = await raw(`/fal-ai/flux-lora/requests/${request.requestId}`);
    expect([500, 503, 504]).toContain(result.status);
    expect(result.headers.get('x-fal-error-type')).toBe((await result.json()).error_type);
    const status = await (await raw(`/fal-ai/flux-lora/requests/${request.requestId}/status`)).json();
    expect(status).toMatchObject({ status: 'COMPLETED', error: expect.any(String), error_type: expect.stringMatching(/^(runner_server_error|runner_disconnected|request_timeout)$/) });
    const [delivery] = await until('the ERROR webhook', () => (bucket.of(request.requestId).length ? bucket.of(request.requestId) : undefined));
    expect(await verify(delivery!)).toMatchObject({ ok: true });
    expect(JSON.parse(delivery!.rawBody.toString())).toMatchObject({ status: 'ERROR', error: expect.stringMatching(/^Invalid status code: 50[034]$/), payload: { detail: expect.any(String), error_type: status.error_type } });
  });

  it('with error rate 1 and overload share 1, submits are refused with 503 like an overloaded queue', async () => {
    standIn.setKnobs({ errorRate: 1, overloadShare: 1 });
    const refused = await raw(`/${FLUX}?fal_webhook=${encodeURIComponent(bucket.webhookUrl())}`, { method: 'POST', body: JSON.stringify({ prompt: PROMPT }) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('x-fal-error-type')).toBe('runner_scheduling_failure');
    expect(await refused.json()).toMatchObject({ detail: expect.any(String), error_type: 'runner_scheduling_failure' });
  });

  it('with drop rate 1, the request completes but no webhook is ever sent: only the status poll finds it', async () => {
    standIn.setKnobs({ dropWebhookRate: 1 });
    const request = await generate({ count: 1, webhookUrl: bucket.webhookUrl('order-dropped') });
    expect(await settled(fal, request)).toBe('COMPLETED');
    await standIn.idle();
    expect(bucket.of(request.requestId)).toHaveLength(0);
    expect(standIn.request(request.requestId)?.webhook.state).toBe('dropped');
    expect(standIn.logLines().find((line) => line.requestId === request.requestId)).toMatchObject({ webhook: 'dropped', status: 'OK', orderId: 'order-dropped' });
  });

  it('with duplicate webhooks N, each webhook is delivered N + 1 times, every copy signed', async () => {
    standIn.setKnobs({ duplicateWebhooks: 2 });
    const request = await generate({ count: 1 });
    await settled(fal, request);
    await until('3 deliveries', () => (bucket.of(request.requestId).length >= 3 ? true : undefined));
    await standIn.idle();
    const copies = bucket.of(request.requestId);
    expect(copies).toHaveLength(3);
    for (const copy of copies) expect(await verify(copy)).toMatchObject({ ok: true, requestId: request.requestId });
    expect(standIn.deliveries(request.requestId).map((d) => d.duplicate ?? false)).toEqual([false, true, true]);
  });

  it('retries a webhook the receiver refuses, then stops once it is taken', async () => {
    bucket.statuses.push(500, 503);
    const request = await generate({ count: 1 });
    await until('the third attempt', () => (bucket.of(request.requestId).length >= 3 ? true : undefined));
    await standIn.idle();
    expect(standIn.deliveries(request.requestId).map((d) => d.status)).toEqual([500, 503, 200]);
    expect(standIn.request(request.requestId)?.webhook.state).toBe('delivered');
  });

  it('drifts the likeness of a share of images when asked, deterministically per seed', async () => {
    const bytesOf = async (request: QueuedRequest) => {
      await settled(fal, request);
      const [image] = (await fal.generationResult(request)).images;
      return Buffer.from(await (await fetch(image!.url)).arrayBuffer());
    };
    const plain = await bytesOf(await generate({ count: 1, seed: 77 }));
    standIn.setKnobs({ driftRate: 1 });
    const drifted = await bytesOf(await generate({ count: 1, seed: 77 }));
    const driftedAgain = await bytesOf(await generate({ count: 1, seed: 77 }));
    expect(drifted.equals(plain)).toBe(false);
    expect(driftedAgain.equals(drifted)).toBe(true);
  });

  it('cancels a queued request: it ends as ERROR (client_cancelled); a finished one is ALREADY_COMPLETED', async () => {
    standIn.setKnobs({ latencyMs: 300, concurrency: 1 });
    const busy = await generate({ count: 1 });
    const waiting = await generate({ count: 1 });
    const cancelled = await raw(`/fal-ai/flux-lora/requests/${waiting.requestId}/cancel`, { method: 'PUT' });
    expect(cancelled.status).toBe(202);
    expect(await cancelled.json()).toEqual({ status: 'CANCELLATION_REQUESTED' });
    expect(await fal.state(waiting)).toBe('FAILED');
    expect((await raw(`/fal-ai/flux-lora/requests/${waiting.requestId}`)).status).toBe(499);
    await settled(fal, busy);
    const late = await raw(`/fal-ai/flux-lora/requests/${busy.requestId}/cancel`, { method: 'PUT' });
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ status: 'ALREADY_COMPLETED' });
  });

  it('changes knobs at runtime with PUT /_local/knobs (no key needed, values checked)', async () => {
    const put = (body: unknown) => raw('/_local/knobs', { method: 'PUT', body: JSON.stringify(body) }, null);
    const changed = await put({ errorRate: 0.25, duplicateWebhooks: 1, seed: 7 });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ errorRate: 0.25, duplicateWebhooks: 1, seed: 7, latencyMs: QUICK.latencyMs });
    expect(standIn.knobs()).toMatchObject({ errorRate: 0.25, duplicateWebhooks: 1, seed: 7 });
    expect((await put({ errorRate: 2 })).status).toBe(400);
    expect((await put({ colour: 'blue' })).status).toBe(400);
    expect(standIn.knobs().errorRate).toBe(0.25);
    expect(await (await raw('/_local/knobs', {}, null)).json()).toMatchObject({ errorRate: 0.25, seed: 7 });
  });

  it('writes one NDJSON line per finished request, with the orderId of the webhook URL', async () => {
    const request = await generate({ count: 1, webhookUrl: bucket.webhookUrl('order-ndjson') });
    await settled(fal, request);
    await standIn.idle();
    const lines = readFileSync(join(dataDir, 'requests.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const line = lines.find((l) => l.requestId === request.requestId);
    expect(line).toEqual({ start: expect.any(Number), end: expect.any(Number), kind: 'generate', orderId: 'order-ndjson', requestId: request.requestId, endpoint: FLUX, status: 'OK', webhook: 'sent' });
    expect(line.end).toBeGreaterThanOrEqual(line.start);
    expect(lines.find((l) => l.kind === 'train')).toMatchObject({ endpoint: TRAIN, orderId: 'order-train', status: 'OK' });
    expect(lines.some((l) => l.status === 'ERROR')).toBe(true);
  });

  it('keeps its key, signing key and requests across a restart', async () => {
    const request = await generate({ count: 1 });
    await settled(fal, request);
    await standIn.idle();
    const { credentials, jwksUrl } = standIn;
    const jwks = await (await fetch(jwksUrl)).text();
    await standIn.stop();
    standIn = await startFalStandIn({ dataDir, knobs: QUICK, webhookRetryDelaysMs: [20, 40], renderSlots: 1 });
    fal = new FalProvider(standIn.credentials, { baseUrl: standIn.url });
    expect(standIn.credentials).toBe(credentials);
    expect(await (await fetch(standIn.jwksUrl)).text()).toBe(jwks);
    expect(await fal.state(request)).toBe('COMPLETED');
  });
});

describe('reading a prompt as the local generator does', () => {
  it('finds the pose by its phrasing and the backdrop and lighting by their place in the plan prompt', () => {
    expect(readPrompt(PROMPT)).toEqual({ pose: 'front', style: { styleId: 'deep blue gradient backdrop', backdrop: 'deep blue gradient backdrop', lighting: 'crisp key light', wardrobe: 'navy blazer' } });
    expect(readPrompt('photo of t, x look; linen shirt; soft-focus sea and sky; bright overcast daylight; side profile, facing right').pose).toBe('profile-right');
    expect(readPrompt('a portrait, seated on a stool, warm city street background').pose).toBe('seated');
    expect(readPrompt('a portrait against a teal backdrop, window light')).toMatchObject({ pose: 'front', style: { backdrop: expect.stringContaining('teal backdrop') } });
  });
});

describe('falKnobsFromEnv', () => {
  it('reads the LOCAL_FAL_* variables, leaving unset ones out', () => {
    expect(
      falKnobsFromEnv({ LOCAL_FAL_LATENCY_MS: '250', LOCAL_FAL_TRAINING_LATENCY_MS: '2000', LOCAL_FAL_ERROR_RATE: '0.1', LOCAL_FAL_DROP_WEBHOOK_RATE: '0.05', LOCAL_FAL_DUPLICATE_WEBHOOKS: '1', LOCAL_FAL_DRIFT_RATE: '0.2', LOCAL_FAL_DRIFT: '0.9', LOCAL_FAL_SEED: '7', LOCAL_FAL_CONCURRENCY: '' }),
    ).toEqual({ latencyMs: 250, trainingLatencyMs: 2000, errorRate: 0.1, dropWebhookRate: 0.05, duplicateWebhooks: 1, driftRate: 0.2, drift: 0.9, seed: 7 });
    expect(falKnobsFromEnv({})).toEqual({});
  });

  it('refuses values out of range, naming the variable', () => {
    expect(() => falKnobsFromEnv({ LOCAL_FAL_ERROR_RATE: '1.5' })).toThrow(/LOCAL_FAL_ERROR_RATE/);
    expect(() => falKnobsFromEnv({ LOCAL_FAL_LATENCY_MS: 'fast' })).toThrow(/LOCAL_FAL_LATENCY_MS: latencyMs must be a number/);
    expect(() => falKnobsFromEnv({ LOCAL_FAL_DUPLICATE_WEBHOOKS: '0.5' })).toThrow(/integer/);
  });
});

describe('localFalAccount', () => {
  const standIn = { url: 'http://127.0.0.1:8484', credentials: 'local:key', jwksUrl: 'http://127.0.0.1:8484/.well-known/jwks.json' };

  it('points the functions at the stand-in, unless FAL_KEY names a real account', () => {
    expect(localFalAccount(standIn, {})).toEqual({ apiKey: 'local:key', baseUrl: standIn.url, jwksUrl: standIn.jwksUrl });
    expect(localFalAccount(standIn, { FAL_KEY: ' real-id:real-secret ' })).toEqual({ apiKey: 'real-id:real-secret', jwksUrl: FAL_JWKS_URL });
  });
});
