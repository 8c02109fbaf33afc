import { FalProvider, rebaseFalUrl } from '#functions/generation/fal-provider';
import { ProviderError } from '#functions/generation/provider';

/** A fal queue that records each call and answers what the test queued, as fal's REST API does. */
function fakeFal(answers: Record<string, { status: number; body: unknown }[]>) {
  const calls: { method: string; url: URL; body?: unknown; authorization?: string }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    const headers = new Headers(init?.headers);
    calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined, authorization: headers.get('authorization') ?? undefined });
    const key = `${init?.method ?? 'GET'} ${url.hostname}${url.pathname}`;
    const answer = answers[key]?.shift();
    if (!answer) return new Response(JSON.stringify({ detail: `no answer for ${key}` }), { status: 599, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const TRAIN = 'fal-ai/flux-lora-fast-training';
const GENERATE = 'fal-ai/flux-lora';
const SEEDREAM = 'fal-ai/bytedance/seedream/v4.5/edit';

describe('Class: FalProvider (fal.ai through @fal-ai/client)', () => {
  it('queues a training on the ZIP of face crops with the trigger word, the key and the webhook', async () => {
    const { calls, fetchImpl } = fakeFal({ [`POST queue.fal.run/${TRAIN}`]: [{ status: 200, body: { request_id: 'req-train', gateway_request_id: 'req-train' } }] });
    const queued = await new FalProvider('key-id:secret', fetchImpl).submitTraining({
      endpoint: TRAIN,
      imagesZipUrl: 'https://s3.test/crops.zip?sig',
      triggerWord: 'hsk1234',
      webhookUrl: 'https://api.test/v1/webhooks/fal',
    });
    expect(queued).toEqual({ endpoint: TRAIN, requestId: 'req-train' });
    expect(calls[0]!.url.searchParams.get('fal_webhook')).toBe('https://api.test/v1/webhooks/fal');
    expect(calls[0]!.authorization).toBe('Key key-id:secret');
    expect(calls[0]!.body).toEqual({ images_data_url: 'https://s3.test/crops.zip?sig', trigger_word: 'hsk1234', create_masks: true, is_style: false });
  });

  it('queues a batch of 3 with the LoRA, the prompt, the seed and the preset settings', async () => {
    const { calls, fetchImpl } = fakeFal({ [`POST queue.fal.run/${GENERATE}`]: [{ status: 200, body: { request_id: 'req-gen' } }] });
    await new FalProvider('k', fetchImpl).submitGeneration({
      endpoint: GENERATE,
      prompt: 'hsk1234, corporate headshot, front',
      loraUrl: 'https://fal.media/lora.safetensors',
      count: 3,
      seed: 42,
      imageSize: { width: 1024, height: 1024 },
      settings: { num_inference_steps: 28, guidance_scale: 3.5 },
      webhookUrl: 'https://api.test/v1/webhooks/fal',
    });
    expect(calls[0]!.body).toMatchObject({
      prompt: 'hsk1234, corporate headshot, front',
      loras: [{ path: 'https://fal.media/lora.safetensors', scale: 1 }],
      num_images: 3,
      seed: 42,
      image_size: { width: 1024, height: 1024 },
      num_inference_steps: 28,
      guidance_scale: 3.5,
    });
  });

  it('reports the queue state, and a request fal no longer knows as FAILED', async () => {
    const { fetchImpl } = fakeFal({
      [`GET queue.fal.run/fal-ai/flux-lora/requests/r1/status`]: [{ status: 200, body: { status: 'IN_QUEUE', queue_position: 3 } }, { status: 200, body: { status: 'IN_PROGRESS' } }, { status: 200, body: { status: 'COMPLETED' } }],
      [`GET queue.fal.run/fal-ai/flux-lora/requests/r2/status`]: [{ status: 404, body: { detail: 'Request not found' } }],
    });
    const fal = new FalProvider('k', fetchImpl);
    const r1 = { endpoint: GENERATE, requestId: 'r1' };
    expect([await fal.state(r1), await fal.state(r1), await fal.state(r1)]).toEqual(['QUEUED', 'RUNNING', 'COMPLETED']);
    await expect(fal.state({ endpoint: GENERATE, requestId: 'r2' })).resolves.toBe('FAILED');
  });

  it('queues a Seedream batch with the face crops as image_urls and no LoRA', async () => {
    const { calls, fetchImpl } = fakeFal({ [`POST queue.fal.run/${SEEDREAM}`]: [{ status: 200, body: { request_id: 'req-sd' } }] });
    const queued = await new FalProvider('k', { fetch: fetchImpl }).submitGeneration({
      endpoint: SEEDREAM,
      prompt: 'corporate headshot; front',
      referenceUrls: ['https://s3.test/crop-1.jpg', 'https://s3.test/crop-2.jpg'],
      count: 3,
      seed: 7,
      imageSize: { width: 2048, height: 2048 },
      settings: { max_images: 1 },
      webhookUrl: 'https://api.test/v1/webhooks/fal',
    });
    expect(queued).toEqual({ endpoint: SEEDREAM, requestId: 'req-sd' });
    expect(calls[0]!.body).toEqual({
      prompt: 'corporate headshot; front',
      image_urls: ['https://s3.test/crop-1.jpg', 'https://s3.test/crop-2.jpg'],
      num_images: 3,
      seed: 7,
      image_size: { width: 2048, height: 2048 },
      max_images: 1,
      enable_safety_checker: true,
    });
  });

  it.each([
    ['both', { loraUrl: 'l', referenceUrls: ['r'] }],
    ['neither', {}],
    ['no reference', { referenceUrls: [] }],
  ])('refuses a batch with %s of loraUrl and referenceUrls, before calling fal', async (_, identity) => {
    const { calls, fetchImpl } = fakeFal({});
    const failure = await new FalProvider('k', fetchImpl)
      .submitGeneration({ endpoint: GENERATE, prompt: 'p', count: 3, seed: 1, imageSize: { width: 1024, height: 1024 }, webhookUrl: 'w', ...identity })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ retryable: false });
    expect(calls).toHaveLength(0);
  });

  it('asks a multi-segment endpoint for status and result under its owner/app, as fal wants', async () => {
    const { calls, fetchImpl } = fakeFal({
      [`GET queue.fal.run/fal-ai/bytedance/requests/s1/status`]: [{ status: 200, body: { status: 'COMPLETED' } }],
      [`GET queue.fal.run/fal-ai/bytedance/requests/s1`]: [{ status: 200, body: { images: [{ url: 'https://fal.media/s.png' }], seed: 3 } }],
    });
    const fal = new FalProvider('k', fetchImpl);
    await expect(fal.state({ endpoint: SEEDREAM, requestId: 's1' })).resolves.toBe('COMPLETED');
    await expect(fal.generationResult({ endpoint: SEEDREAM, requestId: 's1' })).resolves.toMatchObject({ images: [{ url: 'https://fal.media/s.png' }], seed: 3 });
    expect(calls.map((call) => call.url.pathname)).toEqual(['/fal-ai/bytedance/requests/s1/status', '/fal-ai/bytedance/requests/s1']);
  });

  it('reports a request fal completed with an error as FAILED (fal never says FAILED itself)', async () => {
    const { fetchImpl } = fakeFal({
      [`GET queue.fal.run/fal-ai/flux-lora/requests/r3/status`]: [{ status: 200, body: { status: 'COMPLETED', error: 'Request timed out', error_type: 'request_timeout' } }],
    });
    await expect(new FalProvider('k', fetchImpl).state({ endpoint: GENERATE, requestId: 'r3' })).resolves.toBe('FAILED');
  });

  it('sends every queue call to another origin with baseUrl (the local stand-in), with the same key', async () => {
    const { calls, fetchImpl } = fakeFal({
      [`POST 127.0.0.1/${GENERATE}`]: [{ status: 200, body: { request_id: 'r9' } }],
      [`GET 127.0.0.1/fal-ai/flux-lora/requests/r9/status`]: [{ status: 202, body: { status: 'IN_PROGRESS' } }],
    });
    const fal = new FalProvider('local-key:secret', { fetch: fetchImpl, baseUrl: 'http://127.0.0.1:8484/' });
    const queued = await fal.submitGeneration({ endpoint: GENERATE, prompt: 'p', loraUrl: 'l', count: 3, seed: 1, imageSize: { width: 1024, height: 1024 }, webhookUrl: 'http://127.0.0.1:3001/v1/webhooks/fal?orderId=o1' });
    await expect(fal.state(queued)).resolves.toBe('RUNNING');
    expect(calls.map((call) => `${call.method} ${call.url.origin}${call.url.pathname}`)).toEqual([
      `POST http://127.0.0.1:8484/${GENERATE}`,
      'GET http://127.0.0.1:8484/fal-ai/flux-lora/requests/r9/status',
    ]);
    expect(calls[0]!.url.searchParams.get('fal_webhook')).toBe('http://127.0.0.1:3001/v1/webhooks/fal?orderId=o1');
    expect(calls.every((call) => call.authorization === 'Key local-key:secret')).toBe(true);
  });

  it('rebases only fal.run URLs', () => {
    expect(rebaseFalUrl('https://queue.fal.run/fal-ai/flux-lora?fal_webhook=x', 'http://127.0.0.1:1')).toBe('http://127.0.0.1:1/fal-ai/flux-lora?fal_webhook=x');
    expect(rebaseFalUrl('https://fal.run/fal-ai/flux-lora', 'http://127.0.0.1:1')).toBe('http://127.0.0.1:1/fal-ai/flux-lora');
    expect(rebaseFalUrl('https://rest.fal.ai/storage/upload', 'http://127.0.0.1:1')).toBe('https://rest.fal.ai/storage/upload');
    expect(rebaseFalUrl('https://queue.fal.run.evil.test/x', 'http://127.0.0.1:1')).toBe('https://queue.fal.run.evil.test/x');
  });

  it('reads the LoRA of a finished training and the images of a finished batch', async () => {
    const { fetchImpl } = fakeFal({
      [`GET queue.fal.run/fal-ai/flux-lora-fast-training/requests/t1`]: [{ status: 200, body: { diffusers_lora_file: { url: 'https://fal.media/l.safetensors' }, config_file: { url: 'x' } } }],
      [`GET queue.fal.run/fal-ai/flux-lora/requests/g1`]: [
        { status: 200, body: { images: [{ url: 'https://fal.media/1.png', width: 1024, height: 1024, content_type: 'image/png' }, { url: 'https://fal.media/2.png' }], seed: 42 } },
      ],
    });
    const fal = new FalProvider('k', fetchImpl);
    await expect(fal.trainingResult({ endpoint: TRAIN, requestId: 't1' })).resolves.toEqual({ loraUrl: 'https://fal.media/l.safetensors' });
    await expect(fal.generationResult({ endpoint: GENERATE, requestId: 'g1' })).resolves.toEqual({
      images: [
        { url: 'https://fal.media/1.png', width: 1024, height: 1024, contentType: 'image/png' },
        { url: 'https://fal.media/2.png', width: undefined, height: undefined, contentType: undefined },
      ],
      seed: 42,
    });
  });

  it.each([
    [429, true],
    [503, true],
    [422, false],
    [401, false],
  ])('tells a refusal with status %i apart: retryable %s', async (status, retryable) => {
    const { fetchImpl } = fakeFal({ [`POST queue.fal.run/${GENERATE}`]: [{ status, body: { detail: 'refused' } }] });
    const failure = await new FalProvider('k', fetchImpl)
      .submitGeneration({ endpoint: GENERATE, prompt: 'p', loraUrl: 'l', count: 3, seed: 1, imageSize: { width: 1024, height: 1024 }, webhookUrl: 'w' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ retryable });
  });

  it('refuses a finished batch without images as not retryable', async () => {
    const { fetchImpl } = fakeFal({ [`GET queue.fal.run/fal-ai/flux-lora/requests/g2`]: [{ status: 200, body: { images: [] } }] });
    await expect(new FalProvider('k', fetchImpl).generationResult({ endpoint: GENERATE, requestId: 'g2' })).rejects.toMatchObject({ retryable: false });
  });
});
