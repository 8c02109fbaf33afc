import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import { type CollectBatchInput, collectBatchHandler } from '#functions/generation/collect-batch.handler';
import type { LikenessJudge } from '#functions/generation/identity';
import type { GeneratedImage } from '#functions/generation/image-store';
import type { BatchItem } from '#functions/generation/job';
import { fileName, imagesFromKeys, registerStorageLayout, type StorageLayout } from '#functions/generation/layout';
import type { ImageProvider } from '#functions/generation/provider';
import type { PhotoRecord } from '#functions/photos/photo-store';
import { CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakeRequestStore } from '../../helpers/fake-request-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';

/*
 * CollectBatch: the identity lock and processing of one batch, against fakes
 * (a scripted likeness judge, a provider answering image URLs, S3 mocked).
 */

const REQUEST = { requestId: 'req-1', endpoint: 'fal-ai/flux-lora' };
const batch = (over: Partial<BatchItem> = {}): BatchItem => ({
  batchId: 'corporate-grey#front',
  styleId: 'corporate-grey',
  poseId: 'front',
  slots: [0, 1, 2],
  attempt: 0,
  prompt: 'a headshot on mid-grey paper',
  ...over,
});

describe('Function: CollectBatch', () => {
  const s3Mock = mockClient(S3Client);
  let picture: Buffer;
  let recorded: GeneratedImage[];
  let released: string[];
  let requests: FakeRequestStore;
  let scores: number[];

  beforeAll(async () => {
    picture = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#8a8f96' } }).png().toBuffer();
  });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => new Uint8Array(Buffer.from('selfie crop')) } } as never);
    recorded = [];
    released = [];
    scores = [];
    requests = new FakeRequestStore().seed({
      ...REQUEST,
      kind: 'generate',
      orderId: ORDER_ID,
      holder: `${ORDER_ID}/corporate-grey#front/0`,
      seed: 1234,
      prompt: 'photo of hdshtsbj, a headshot',
      listPriceUsd: 0.105,
      submittedAt: '2030-01-01T00:00:00.000Z',
      outcome: 'OK',
      outcomeAt: '2030-01-01T00:00:09.000Z',
    });
  });

  const handler = (threshold = 0.65, count = 3, storageVersion = 1, bucketOf: (id: string) => string = () => 'outputs') => {
    const provider = { generationResult: async () => ({ images: Array.from({ length: count }, (_, i) => ({ url: `https://cdn.example.com/${i}.png` })) }) } as unknown as ImageProvider;
    const judge: LikenessJudge = { similarity: async () => ({ similarity: scores.shift() ?? 0.9, faceFound: true }) };
    const photo = { orderId: ORDER_ID, photoId: 'p1', status: 'ACCEPTED', cropKey: 'crops/p1.jpg' } as unknown as PhotoRecord;
    return collectBatchHandler({
      orders: new FakeOrderStore().seed(orderRecord({ status: 'GENERATING', storageVersion })),
      photos: { list: async () => [photo] },
      requests,
      images: { record: async (image) => (recorded.some((r) => r.imageId === image.imageId) ? false : (recorded.push(image), true)) },
      limits: { release: async (holder) => void released.push(holder) },
      provider: async () => provider,
      judge: async () => judge,
      s3: new S3Client({}),
      uploadsBucket: 'uploads',
      bucketOf,
      stage: 'test',
      settings: { get: async () => ({ identityThreshold: threshold }) },
      download: async () => picture,
    });
  };
  const input = (over: Partial<CollectBatchInput> = {}): CollectBatchInput => ({ orderId: ORDER_ID, engine: 'balanced', batch: batch(), request: REQUEST, state: 'COMPLETED', ...over });

  it('keeps every image that looks like the customer: variants in the layout, one record per slot, the slot given back', async () => {
    scores = [0.9, 0.8, 0.7];
    const output = await invokeTask(handler(), input());
    expect(output).toEqual({ batch: expect.objectContaining({ slots: [], attempt: 1 }), more: false });
    expect(released).toEqual([`${ORDER_ID}/corporate-grey#front/0`]);
    expect(recorded.map((r) => [r.imageId, r.status, r.identityScore, r.seedIndex])).toEqual([
      ['corporate-grey-front-0', 'KEPT', 0.9, 0],
      ['corporate-grey-front-1', 'KEPT', 0.8, 1],
      ['corporate-grey-front-2', 'KEPT', 0.7, 2],
    ]);
    expect(recorded[0]).toMatchObject({ seed: 1234, prompt: 'photo of hdshtsbj, a headshot', listPriceUsd: 0.035, engine: 'balanced', storageVersion: 1 });
    const keys = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toHaveLength(12);
    expect(keys).toContain(`outputs/test/${CUSTOMER_SUB}/${ORDER_ID}/corporate-grey/corporate-grey-front-0/preview.webp`);
    expect(keys).toContain(`outputs/test/${CUSTOMER_SUB}/${ORDER_ID}/corporate-grey/corporate-grey-front-2/print.jpg`);
  });

  it('sends an image below the threshold back with a new attempt, carrying its score, and records the others', async () => {
    scores = [0.9, 0.4, 0.8];
    const output = await invokeTask(handler(), input());
    expect(output.more).toBe(true);
    expect(output.batch).toMatchObject({ slots: [1], attempt: 1, history: { '1': [{ attempt: 0, similarity: 0.4, requestId: 'req-1' }] } });
    expect(recorded.map((r) => r.imageId)).toEqual(['corporate-grey-front-0', 'corporate-grey-front-2']);
  });

  it('sets an image aside after three regenerations, recorded REJECTED with every attempt and the price of all of them', async () => {
    scores = [0.3];
    // The regeneration of one slot is a call of one image.
    requests.seed({ ...(await requests.get('req-1'))!, listPriceUsd: 0.035 });
    const history = { '1': [0.2, 0.25, 0.35].map((similarity, attempt) => ({ attempt, requestId: `r${attempt}`, seed: attempt, index: 0, similarity, faceFound: true })) };
    const output = await invokeTask(handler(0.65, 1), input({ batch: batch({ slots: [1], attempt: 3, history }) }));
    expect(output.more).toBe(false);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ imageId: 'corporate-grey-front-1', status: 'REJECTED', identityScore: 0.3 });
    expect(recorded[0]!.attempts.map((a) => a.similarity)).toEqual([0.2, 0.25, 0.35, 0.3]);
    // Four calls of one image each at 0.035 (FLUX LoRA, 1 MP).
    expect(recorded[0]!.listPriceUsd).toBeCloseTo(0.14, 4);
  });

  describe('storage versions', () => {
    /** A newer layout, in another bucket, as the default might become: keys under `v2/`, by order first. */
    const V2: StorageLayout = {
      version: 2,
      bucket: 'ArchiveBucket',
      keyOf: (o) => `v2/${o.orderId}/${o.styleId}/${o.imageId}/${fileName(o)}`,
      parse: () => undefined,
      orderPrefix: (o) => `v2/${o.orderId}/`,
    };
    let unregister: () => void;
    beforeAll(() => (unregister = registerStorageLayout(V2)));
    afterAll(() => unregister());
    const buckets = (id: string) => ({ OutputsBucket: 'outputs', ArchiveBucket: 'archive' })[id]!;

    it('stores an order created under the older version where that version says, while a newer one exists', async () => {
      scores = [0.9, 0.9, 0.9];
      await invokeTask(handler(0.65, 3, 1, buckets), input());
      const puts = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(new Set(puts.map((p) => p.Bucket))).toEqual(new Set(['outputs']));
      expect(puts.every((p) => p.Key!.startsWith(`outputs/test/${CUSTOMER_SUB}/${ORDER_ID}/`))).toBe(true);
      // The layout alone rebuilds the order's images from the keys it wrote.
      expect(imagesFromKeys(puts.map((p) => p.Key!), 1).images.map((i) => i.imageId)).toEqual(['corporate-grey-front-0', 'corporate-grey-front-1', 'corporate-grey-front-2']);
    });

    it('stores an order of the newer version in its bucket and layout', async () => {
      scores = [0.9, 0.9, 0.9];
      await invokeTask(handler(0.65, 3, 2, buckets), input());
      const puts = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(new Set(puts.map((p) => p.Bucket))).toEqual(new Set(['archive']));
      expect(puts.every((p) => p.Key!.startsWith(`v2/${ORDER_ID}/`))).toBe(true);
      expect(recorded.every((r) => r.storageVersion === 2)).toBe(true);
    });
  });

  it('judges with the threshold the admins set', async () => {
    scores = [0.75, 0.75, 0.75];
    const output = await invokeTask(handler(0.8), input());
    expect(output.batch.slots).toEqual([0, 1, 2]);
    expect(recorded).toEqual([]);
  });

  it('records nothing twice when the step is retried', async () => {
    scores = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
    const h = handler();
    await invokeTask(h, input());
    await invokeTask(h, input());
    expect(recorded).toHaveLength(3);
  });

  it('gives the slot back after a failed request and asks for the same batch again, failing the order at the fifth failure', async () => {
    const failed = input({ state: 'FAILED' });
    for (let i = 1; i < 5; i++) await expect(invokeTask(handler(), failed)).resolves.toEqual({ batch: batch(), more: true });
    await expect(invokeTask(handler(), failed)).rejects.toMatchObject({ name: 'ProviderFailedRepeatedly' });
    expect(released).toHaveLength(5);
    expect(recorded).toEqual([]);
  });
});
