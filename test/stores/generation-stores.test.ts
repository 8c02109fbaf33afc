import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type GeneratedImage, ImageStore } from '#functions/generation/image-store';
import { type ProviderRequestRecord, RequestStore } from '#functions/generation/request-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';

/*
 * The generation pipeline's stores against DynamoDB Local: provider requests
 * (the outcome recorded once whoever reports it, the waiting token beside it,
 * a holder's latest request and its failures) and generated images (one
 * record per slot, counted on the order and in the identity lock's figures in
 * the same transaction).
 */

const TABLE_NAME = `generation-stores-test-${randomUUID()}`;

describe('The generation stores (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let requests: RequestStore;
  let images: ImageStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    requests = new RequestStore(doc, TABLE_NAME);
    images = new ImageStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const request = (over: Partial<ProviderRequestRecord> = {}): ProviderRequestRecord => ({
    requestId: randomUUID(),
    endpoint: 'fal-ai/flux-lora',
    kind: 'generate',
    orderId: 'order-1',
    holder: `order-1/corporate-grey#front/${randomUUID()}`,
    seed: 42,
    prompt: 'a headshot',
    listPriceUsd: 0.105,
    submittedAt: '2026-11-29T10:00:00.000Z',
    ...over,
  });

  describe('Class: RequestStore', () => {
    it('records the outcome once: the first report wins, a later one is a duplicate that changes nothing', async () => {
      const queued = request();
      await requests.record(queued);
      const first = await requests.recordOutcome(queued.requestId, 'OK', 'webhook', '2026-11-29T10:00:05.000Z');
      const again = await requests.recordOutcome(queued.requestId, 'ERROR', 'poll', '2026-11-29T10:01:00.000Z');
      expect(first).toMatchObject({ first: true, record: { outcome: 'OK', reportedBy: 'webhook' } });
      expect(again).toMatchObject({ first: false, record: { outcome: 'OK', reportedBy: 'webhook', outcomeAt: '2026-11-29T10:00:05.000Z' } });
    });

    it('records nothing for a request it never queued', async () => {
      const unknown = randomUUID();
      expect(await requests.recordOutcome(unknown, 'OK', 'webhook')).toEqual({ first: false, record: undefined });
      expect(await requests.get(unknown)).toBeUndefined();
    });

    it('answers the outcome with the token when the webhook came before the step waited, and the token with the outcome otherwise', async () => {
      const early = request();
      await requests.record(early);
      await requests.recordOutcome(early.requestId, 'OK', 'webhook');
      expect(await requests.attachToken(early.requestId, 'token-1')).toMatchObject({ taskToken: 'token-1', outcome: 'OK' });

      const late = request();
      await requests.record(late);
      expect(await requests.attachToken(late.requestId, 'token-2')).not.toHaveProperty('outcome');
      expect((await requests.recordOutcome(late.requestId, 'ERROR', 'webhook')).record).toMatchObject({ taskToken: 'token-2', outcome: 'ERROR' });
    });

    it('keeps only the newest token of a step sent back to wait', async () => {
      const queued = request();
      await requests.record(queued);
      await requests.attachToken(queued.requestId, 'old');
      await requests.attachToken(queued.requestId, 'new');
      expect(await requests.get(queued.requestId)).toMatchObject({ taskToken: 'new' });
    });

    it('attaches no token to a request it does not know', async () => {
      expect(await requests.attachToken(randomUUID(), 'token')).toBeUndefined();
    });

    it("finds a holder's request while it may still succeed, and not once it failed", async () => {
      const holder = `order-2/train/${randomUUID()}`;
      expect(await requests.forHolder(holder)).toBeUndefined();
      const first = request({ holder, kind: 'train' });
      await requests.record(first);
      expect(await requests.forHolder(holder)).toMatchObject({ requestId: first.requestId });
      await requests.recordOutcome(first.requestId, 'ERROR', 'poll');
      expect(await requests.forHolder(holder)).toBeUndefined();
      const second = request({ holder, kind: 'train' });
      await requests.record(second);
      expect(await requests.forHolder(holder)).toMatchObject({ requestId: second.requestId });
    });

    it("counts a holder's failures", async () => {
      const holder = `order-3/train/${randomUUID()}`;
      expect(await requests.countFailure(holder)).toBe(1);
      expect(await requests.countFailure(holder)).toBe(2);
    });
  });

  describe('Class: ImageStore', () => {
    const orderId = () => `order-${randomUUID()}`;
    const image = (order: string, over: Partial<GeneratedImage> = {}): GeneratedImage => ({
      imageId: 'corporate-grey-front-0',
      orderId: order,
      styleId: 'corporate-grey',
      poseId: 'front',
      slot: 0,
      status: 'KEPT',
      engine: 'balanced',
      endpoint: 'fal-ai/flux-lora',
      requestId: 'req-1',
      seed: 7,
      seedIndex: 0,
      prompt: 'a headshot',
      identityScore: 0.82,
      identityThreshold: 0.65,
      attempts: [{ attempt: 0, requestId: 'req-1', seed: 7, index: 0, similarity: 0.82, faceFound: true }],
      submittedAt: '2026-11-29T10:00:00.000Z',
      generatedAt: '2026-11-29T10:00:09.000Z',
      processingMs: 800,
      listPriceUsd: 0.035,
      storageVersion: 1,
      variants: [{ name: 'preview', format: 'webp', key: 'outputs/x/preview.webp', width: 1024, height: 1024, size: 1000, sha256: 'ab' }],
      recordedAt: '2026-11-29T10:00:10.000Z',
      ...over,
    });
    const seedOrder = (order: string) => doc.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `ORDER#${order}`, sk: 'ORDER', orderId: order, imagesDone: 0, imagesKept: 0, imagesRejected: 0 } }));
    const counts = async (order: string) => {
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${order}`, sk: 'ORDER' } }));
      return { done: Item?.imagesDone, kept: Item?.imagesKept, rejected: Item?.imagesRejected };
    };

    it('records a slot once and counts it on its order once, however often the step is retried', async () => {
      const order = orderId();
      await seedOrder(order);
      expect(await images.record(image(order))).toBe(true);
      expect(await images.record(image(order, { identityScore: 0.99 }))).toBe(false);
      expect(await counts(order)).toEqual({ done: 1, kept: 1, rejected: 0 });
      expect(await images.get(order, 'corporate-grey-front-0')).toMatchObject({ identityScore: 0.82, variants: [{ key: 'outputs/x/preview.webp' }] });
    });

    it('counts a slot the lock rejected apart from the kept ones, and lists every image of the order', async () => {
      const order = orderId();
      await seedOrder(order);
      await images.record(image(order));
      const scores = [0.3, 0.4, 0.5, 0.2];
      await images.record(
        image(order, {
          imageId: 'corporate-grey-front-1',
          slot: 1,
          status: 'REJECTED',
          identityScore: 0.2,
          attempts: scores.map((similarity, attempt) => ({ attempt, requestId: `req-${attempt}`, seed: attempt, index: 1, similarity, faceFound: true })),
        }),
      );
      expect(await counts(order)).toEqual({ done: 2, kept: 1, rejected: 1 });
      expect((await images.list(order)).map((i) => [i.imageId, i.status])).toEqual([
        ['corporate-grey-front-0', 'KEPT'],
        ['corporate-grey-front-1', 'REJECTED'],
      ]);
    });

    it('refuses an image of an order that does not exist, and writes nothing', async () => {
      const order = orderId();
      await expect(images.record(image(order))).rejects.toThrow();
      expect(await images.list(order)).toEqual([]);
    });

    it("adds every attempt to the identity lock's figures per engine and style", async () => {
      const order = orderId();
      await seedOrder(order);
      const before = (await images.lockStats()).find((s) => s.engine === 'fast' && s.styleId === 'studio-blue') ?? { judged: 0, rejected: 0, slotsRejected: 0 };
      await images.record(
        image(order, {
          engine: 'fast',
          styleId: 'studio-blue',
          attempts: [
            { attempt: 0, requestId: 'a', seed: 1, index: 0, similarity: 0.4, faceFound: true },
            { attempt: 1, requestId: 'b', seed: 2, index: 0, similarity: 0.8, faceFound: true },
          ],
        }),
      );
      const after = (await images.lockStats()).find((s) => s.engine === 'fast' && s.styleId === 'studio-blue');
      expect(after).toMatchObject({ judged: before.judged + 2, rejected: before.rejected + 1, slotsRejected: before.slotsRejected });
    });
  });
});
