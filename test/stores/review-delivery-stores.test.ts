import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeliveryStore } from '#functions/delivery/delivery-store';
import { ReviewConflictError, ReviewStore } from '#functions/review/review-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';

/*
 * The review gate's and delivery's stores against DynamoDB Local: the gate's
 * token, assignment and decision counts (written in one transaction with the
 * image's decision), the one-time claim of the token, and the delivery
 * record (the ZIP kept once, the settlement, the customer told once).
 */

const TABLE_NAME = `review-stores-test-${randomUUID()}`;

describe('The review and delivery stores (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let reviews: ReviewStore;
  let deliveries: DeliveryStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    reviews = new ReviewStore(doc, TABLE_NAME);
    deliveries = new DeliveryStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  /** An order at the gate with images: `kept` the lock kept, `setAside` it rejected. */
  async function orderInReview(kept = 2, setAside = 1) {
    const orderId = randomUUID();
    for (let slot = 0; slot < kept + setAside; slot++) {
      await doc.send(
        new PutCommand({
          TableName: TABLE_NAME,
          Item: { pk: `ORDER#${orderId}`, sk: `IMAGE#style-front-${slot}`, imageId: `style-front-${slot}`, orderId, status: slot < kept ? 'KEPT' : 'REJECTED' },
        }),
      );
    }
    const record = await reviews.open({ orderId, customerId: 'customer-1', toDecide: kept, taskToken: 'token-1' });
    return { orderId, record };
  }

  describe('Class: ReviewStore', () => {
    it('opens the gate with the token and the count to decide, and lists it among the waiting, oldest first', async () => {
      const first = await orderInReview();
      const second = await orderInReview();
      expect(first.record).toMatchObject({ status: 'WAITING', toDecide: 2, approved: 0, rejected: 0, version: 0, taskToken: 'token-1' });
      const waiting = (await reviews.listWaiting({ limit: 100 })).items.map((r) => r.orderId);
      expect(waiting.indexOf(first.orderId)).toBeLessThan(waiting.indexOf(second.orderId));
    });

    it('keeps decisions and the assignment when a retried step opens the gate again with a new token', async () => {
      const { orderId } = await orderInReview();
      await reviews.assign(orderId, { sub: 'artist-1' }, 'admin-1', false);
      await reviews.decide(orderId, 'style-front-0', { decision: 'approve' }, 'artist-1');
      const again = await reviews.open({ orderId, customerId: 'customer-1', toDecide: 2, taskToken: 'token-2' });
      expect(again).toMatchObject({ taskToken: 'token-2', assignedTo: 'artist-1', approved: 1 });
    });

    it('counts decisions with the image, moves the count when a decision changes, and writes nothing for the same decision twice', async () => {
      const { orderId } = await orderInReview();
      await reviews.decide(orderId, 'style-front-0', { decision: 'approve' }, 'admin-1');
      await reviews.decide(orderId, 'style-front-0', { decision: 'reject', reason: 'Blurred eyes' }, 'admin-1');
      const { summary } = await reviews.decide(orderId, 'style-front-1', { decision: 'approve' }, 'admin-1');
      expect(summary).toMatchObject({ approved: 1, rejected: 1 });
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${orderId}`, sk: 'IMAGE#style-front-0' } }));
      expect(Item?.review).toMatchObject({ decision: 'reject', reason: 'Blurred eyes', by: 'admin-1' });
    });

    it('refuses a decision on an image the lock set aside, on a missing image, and by an artist the order is not assigned to', async () => {
      const { orderId } = await orderInReview(1, 1);
      await expect(reviews.decide(orderId, 'style-front-1', { decision: 'approve' }, 'admin-1')).rejects.toMatchObject({ reason: 'IMAGE_SET_ASIDE' });
      await expect(reviews.decide(orderId, 'style-front-9', { decision: 'approve' }, 'admin-1')).rejects.toMatchObject({ reason: 'IMAGE_NOT_FOUND' });
      await reviews.assign(orderId, { sub: 'artist-1' }, 'admin-1', false);
      await expect(reviews.decide(orderId, 'style-front-0', { decision: 'approve' }, 'artist-2', { artist: true })).rejects.toMatchObject({ reason: 'IMAGE_NOT_FOUND' });
      await expect(reviews.decide(orderId, 'style-front-0', { decision: 'approve' }, 'artist-1', { artist: true })).resolves.toMatchObject({ summary: { approved: 1 } });
    });

    it('lets an artist take only a free order; an admin reassigns', async () => {
      const { orderId } = await orderInReview();
      await reviews.assign(orderId, { sub: 'artist-1', email: 'a1@example.com' }, 'artist-1', true);
      await expect(reviews.assign(orderId, { sub: 'artist-2' }, 'artist-2', true)).rejects.toMatchObject({ reason: 'ALREADY_ASSIGNED' });
      await expect(reviews.assign(orderId, { sub: 'artist-1' }, 'artist-1', true)).resolves.toMatchObject({ assignedTo: 'artist-1' });
      const reassigned = await reviews.assign(orderId, { sub: 'artist-2' }, 'admin-1', false);
      expect(reassigned).toMatchObject({ assignedTo: 'artist-2', assignedBy: 'admin-1' });
      expect(reassigned).not.toHaveProperty('assignedEmail');
      expect((await reviews.listWaiting({ limit: 100, assignedTo: 'artist-2' })).items.map((r) => r.orderId)).toContain(orderId);
      expect((await reviews.listWaiting({ limit: 100, assignedTo: null })).items.map((r) => r.orderId)).not.toContain(orderId);
    });

    it('hands the token out once, against the version read, and takes the order off the waiting list', async () => {
      const { orderId, record } = await orderInReview();
      await expect(reviews.claimDelivery(orderId, record.version + 1, 'admin-1')).rejects.toMatchObject({ reason: 'CHANGED' });
      await expect(reviews.claimDelivery(orderId, record.version, 'admin-1')).resolves.toBe('token-1');
      await expect(reviews.claimDelivery(orderId, record.version, 'admin-1')).rejects.toBeInstanceOf(ReviewConflictError);
      expect((await reviews.listWaiting({ limit: 100 })).items.map((r) => r.orderId)).not.toContain(orderId);
      // Decisions after the claim are refused: what is delivered is what was checked.
      await expect(reviews.decide(orderId, 'style-front-0', { decision: 'approve' }, 'admin-1')).rejects.toMatchObject({ reason: 'NOT_IN_REVIEW' });
    });

    it('puts a claimed token back when resuming failed, and refuses to reopen a delivered review', async () => {
      const { orderId, record } = await orderInReview();
      const token = await reviews.claimDelivery(orderId, record.version, 'admin-1');
      await reviews.restoreDelivery(orderId, token);
      expect(await reviews.get(orderId)).toMatchObject({ status: 'WAITING', taskToken: 'token-1' });
      await reviews.claimDelivery(orderId, record.version, 'admin-1');
      await reviews.markDelivered(orderId);
      await expect(reviews.open({ orderId, customerId: 'customer-1', toDecide: 2, taskToken: 'token-3' })).rejects.toMatchObject({ reason: 'NOT_IN_REVIEW' });
      // Closing a delivered review changes nothing.
      await reviews.close(orderId);
      expect(await reviews.get(orderId)).toMatchObject({ status: 'DELIVERED' });
    });

    it('closes a waiting review: no token, off the list; closing an order with no review is fine', async () => {
      const { orderId } = await orderInReview();
      await reviews.close(orderId);
      expect(await reviews.get(orderId)).toMatchObject({ status: 'CLOSED' });
      expect(await reviews.get(orderId)).not.toHaveProperty('taskToken');
      await expect(reviews.close(randomUUID())).resolves.toBeUndefined();
    });
  });

  describe('Class: DeliveryStore', () => {
    const archive = (key: string) => ({ key, size: 1234, sha256: 'ab'.repeat(32), entries: 7, builtAt: '2026-11-30T10:00:00.000Z' });

    it('keeps the first archive: a second build reuses it', async () => {
      const orderId = randomUUID();
      expect(await deliveries.saveArchive(orderId, archive('first.zip'))).toMatchObject({ key: 'first.zip' });
      expect(await deliveries.saveArchive(orderId, archive('second.zip'))).toMatchObject({ key: 'first.zip' });
    });

    it('records the settlement once and tells the customer once', async () => {
      const orderId = randomUUID();
      await deliveries.recordSettlement(orderId, { charged: 9, returned: 3, approved: 10, deliveredAt: '2026-11-30T10:00:00.000Z' });
      await deliveries.recordSettlement(orderId, { charged: 1, returned: 11, approved: 1, deliveredAt: '2026-11-30T11:00:00.000Z' });
      expect(await deliveries.markNotified(orderId, '2026-11-30T10:01:00.000Z')).toBe(true);
      expect(await deliveries.markNotified(orderId, '2026-11-30T10:02:00.000Z')).toBe(false);
      expect(await deliveries.get(orderId)).toEqual({ orderId, charged: 9, returned: 3, approved: 10, deliveredAt: '2026-11-30T10:00:00.000Z', notifiedAt: '2026-11-30T10:01:00.000Z' });
    });
  });
});
