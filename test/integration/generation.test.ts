import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { imagesFromKeys } from '../../functions/generation/layout';
import type { GeneratedImageView } from '../../shared/api/generation';
import type { OrderView } from '../../shared/orders';
import { demoUser, eventually, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';
import { CustomerApi } from '../support/order-flow';

/*
 * Production end to end on the local cloud: an order goes through the gate,
 * an admin confirms, and the generation pipeline trains (the fal stand-in,
 * through the real @fal-ai/client), generates every style × pose batch of 3,
 * checks every image against the customer's selfies and processes the
 * keepers into the output layout, up to PENDING_REVIEW; then the same with
 * provider errors, lost and duplicated webhooks and likeness drift.
 */

const PRODUCTION_MS = 420_000;

describe('generation on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: CustomerApi;
  let admin: CustomerApi;
  let s3: S3Client;

  beforeAll(async () => {
    // Lost webhooks are found by the status poll after the wait times out: seconds here, minutes on AWS.
    cloud = await startLocalCloud({ env: { LOCAL_STEP_TIMEOUTS: 'AwaitBatch=6,AwaitTraining=8', LOCAL_FAL_LATENCY_MS: '300', LOCAL_FAL_TRAINING_LATENCY_MS: '800' } });
    customer = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer')));
    admin = new CustomerApi(cloud.endpoints.api, await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'admin')));
    s3 = new S3Client({ region: cloud.endpoints.region, endpoint: cloud.endpoints.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  }, 180_000);

  afterAll(async () => {
    s3?.destroy();
    await cloud?.stop();
  });

  const knobs = async (changes: Record<string, number>) => {
    const res = await fetch(`${cloud.endpoints.fal.url}/_local/knobs`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(changes) });
    expect(res.status).toBe(200);
  };

  const confirmed = async (styleIds: string[]): Promise<string> => {
    const order = await customer.orderAtGate(styleIds);
    const decided = await admin.call('POST', `/v1/admin/orders/${order.orderId}/decision`, { decision: 'confirm' });
    expect(decided.status).toBe(202);
    return order.orderId;
  };

  const finished = (orderId: string): Promise<OrderView> =>
    eventually(
      async () => {
        const order = await customer.order(orderId);
        return order.status === 'PENDING_REVIEW' || order.status === 'FAILED' ? order : undefined;
      },
      PRODUCTION_MS,
      `order ${orderId} to finish production`,
    );

  const storedImages = async (order: OrderView) => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: cloud.endpoints.buckets.outputs, Prefix: `outputs/local/${order.customerId}/${order.orderId}/`, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return imagesFromKeys(keys);
  };

  const requestLog = () =>
    readFileSync(cloud.endpoints.fal.requestLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { start: number; end: number; kind: string; orderId: string | null; status: string; webhook: string });

  it(
    'trains, generates every pose of the style, keeps what looks like the customer and stores every variant, up to PENDING_REVIEW',
    async () => {
      const orderId = await confirmed(['boardroom-blue']);

      // The customer's page follows production: TRAINING, then GENERATING with n of m.
      const generating = await eventually(async () => {
        const order = await customer.order(orderId);
        return order.status === 'GENERATING' || order.status === 'PENDING_REVIEW' ? order : undefined;
      }, PRODUCTION_MS, 'generation to start');
      expect(generating.imagesPlanned).toBe(12);

      const order = await finished(orderId);
      expect(order.status).toBe('PENDING_REVIEW');
      expect(order.timeline.map((t) => t.status).slice(-4)).toEqual(['CONFIRMED', 'TRAINING', 'GENERATING', 'PENDING_REVIEW']);
      expect(order.imagesDone).toBe(12);
      expect((order.imagesKept ?? 0) + (order.imagesRejected ?? 0)).toBe(12);
      expect(order.imagesKept).toBeGreaterThan(0);

      // Every settled image has its preview, master and 300 DPI deliverables in the layout, and nothing else is there.
      const { images, foreign } = await storedImages(order);
      expect(foreign).toEqual([]);
      expect(images).toHaveLength(12);
      for (const image of images) expect(Object.keys(image.variants).sort()).toEqual(['master.png', 'preview.webp', 'print.jpg', 'print.png']);
      expect(new Set(images.map((i) => i.imageId.replace(/-\d$/, '')))).toEqual(new Set(['boardroom-blue-front', 'boardroom-blue-three-quarter-left', 'boardroom-blue-three-quarter-right', 'boardroom-blue-shoulders']));

      // Admins see each image with its identity score, seed, attempts and list price, and a preview that loads.
      const listed = await admin.call('GET', `/v1/admin/orders/${orderId}/images`);
      expect(listed.status).toBe(200);
      const records = listed.body.images as GeneratedImageView[];
      expect(records).toHaveLength(12);
      for (const record of records) {
        expect(record.attempts.length).toBeGreaterThanOrEqual(1);
        expect(record.identityScore).toBe(record.attempts.at(-1)!.similarity);
        expect(record.status === 'KEPT').toBe(record.identityScore >= record.identityThreshold);
        expect(record.listPriceUsd).toBeGreaterThan(0);
        expect(typeof record.seed).toBe('number');
      }
      const preview = await fetch(records[0]!.previewUrl);
      expect(preview.status).toBe(200);
      expect(preview.headers.get('content-type')).toBe('image/webp');
      expect((await customer.call('GET', `/v1/admin/orders/${orderId}/images`)).status).toBe(403);

      // One training and at least one call per pose, each logged by the stand-in.
      const calls = requestLog().filter((line) => line.orderId === orderId);
      expect(calls.filter((c) => c.kind === 'train')).toHaveLength(1);
      expect(calls.filter((c) => c.kind === 'generate').length).toBeGreaterThanOrEqual(4);
    },
    PRODUCTION_MS + 120_000,
  );

  it(
    'brings every order to PENDING_REVIEW or FAILED with a reason under provider errors, lost and duplicated webhooks and likeness drift, with no slot lost or made twice',
    async () => {
      await knobs({ errorRate: 0.3, dropWebhookRate: 0.2, duplicateWebhooks: 2, driftRate: 0.3, seed: 7 });
      const orderIds = [await confirmed(['corporate-grey']), await confirmed(['corporate-grey'])];
      const orders = await Promise.all(orderIds.map(finished));
      // Faults at these rates are retried away: an order may fail only for a reason production gives (the
      // provider failing a batch five times, or no image passing the lock), never for an error of ours.
      expect(orders.some((order) => order.status === 'PENDING_REVIEW')).toBe(true);
      for (const order of orders) {
        if (order.status === 'FAILED') {
          expect(order.failureReason).toMatch(/image service failed several times|looked enough like you/);
          continue;
        }
        expect(order.imagesDone).toBe(order.imagesPlanned);
        const { images } = await storedImages(order);
        expect(images).toHaveLength(order.imagesPlanned!);
        expect(new Set(images.map((i) => i.imageId)).size).toBe(images.length);
      }
      const calls = requestLog().filter((line) => line.orderId && orderIds.includes(line.orderId));
      // The faults did happen: failed calls, and calls whose webhook never came.
      expect(calls.some((c) => c.status === 'ERROR')).toBe(true);
      expect(calls.some((c) => c.webhook === 'dropped')).toBe(true);
      // The identity lock sent drifted images back: some slots took more than one attempt, each recorded with its score.
      const images = (await Promise.all(orderIds.map(async (id) => (await admin.call('GET', `/v1/admin/orders/${id}/images`)).body.images as GeneratedImageView[]))).flat();
      const retried = images.filter((image) => image.attempts.length > 1);
      expect(retried.length).toBeGreaterThan(0);
      for (const image of retried) expect(image.attempts.slice(0, -1).every((a) => a.similarity < image.identityThreshold)).toBe(true);
    },
    2 * PRODUCTION_MS,
  );

  it('refuses a forged webhook and records nothing', async () => {
    const body = JSON.stringify({ request_id: 'forged', status: 'OK', payload: {} });
    const res = await fetch(`${cloud.endpoints.api}/v1/webhooks/fal`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-fal-webhook-request-id': 'forged',
        'x-fal-webhook-user-id': 'someone',
        'x-fal-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-fal-webhook-signature': 'ab'.repeat(64),
      },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });
});
