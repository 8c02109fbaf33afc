import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type OrderRecord, OrderStore } from '#functions/orders/order-store';
import { PhotoStore } from '#functions/photos/photo-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';
import { at, describeOrdersBehaviour } from './orders-behaviour';
import { STUDIO_FIELDS } from '../unit/helpers/orders';

/*
 * The order store's DynamoDB expressions (conditions, list_append, REMOVE,
 * index keys, paging) against DynamoDB Local. Handler tests use an in-memory
 * fake held to the same behaviour (./orders-behaviour.ts).
 */

const TABLE_NAME = `order-store-test-${randomUUID()}`;

describe('Class: OrderStore (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let store: OrderStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    store = new OrderStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  /** The raw item, table keys included. */
  async function rawItem(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }));
    return Item;
  }

  /** A new order of a new customer. */
  const newOrder = (createdAt = new Date().toISOString()) =>
    store.create({ orderId: randomUUID(), customerId: randomUUID(), ...STUDIO_FIELDS, createdAt });

  /** A photo added as the photo store adds it, in the same table. */
  const addPhoto = async (_store: unknown, order: OrderRecord) => {
    const photoId = randomUUID();
    await new PhotoStore(doc, TABLE_NAME).create({
      orderId: order.orderId,
      photoId,
      customerId: order.customerId,
      fileName: 'selfie.jpg',
      contentType: 'image/jpeg',
      size: 1000,
      originalKey: `originals/${order.customerId}/${order.orderId}/${photoId}`,
      createdAt: new Date().toISOString(),
    });
  };

  describeOrdersBehaviour(() => store, addPhoto);

  describe('Table layout', () => {
    it('indexes the order by customer and by status', async () => {
      // Act
      const order = await newOrder(at(5));

      // Assess
      expect(await rawItem(order.orderId)).toMatchObject({
        pk: `ORDER#${order.orderId}`,
        sk: 'ORDER',
        gsi1pk: `CUSTOMER#${order.customerId}`,
        gsi1sk: `${at(5)}#${order.orderId}`,
        gsi2pk: 'STATUS#DRAFT',
        gsi2sk: `${at(5)}#${order.orderId}`,
      });
    });

    it('moves the status index key with the status', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: 't' });

      // Assess
      expect((await rawItem(order.orderId))!.gsi2pk).toBe('STATUS#PENDING_EDITOR_CONFIRMATION');
    });

    it('removes the status index keys when the order ends (a sparse index)', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'REJECTED');

      // Assess
      const item = (await rawItem(order.orderId))!;
      expect(item).toMatchObject({ status: 'REJECTED', gsi1pk: expect.any(String) });
      expect(item).not.toHaveProperty('gsi2pk');
      expect(item).not.toHaveProperty('gsi2sk');
    });

    it('creates no item when a transition finds no order', async () => {
      // Prepare
      const orderId = randomUUID();

      // Act
      await store.transition(orderId, ['DRAFT'], 'FAILED').catch(() => undefined);

      // Assess
      expect(await rawItem(orderId)).toBeUndefined();
    });
  });

  describe('Cursors', () => {
    it('refuses a cursor whose key was tampered with', async () => {
      // Prepare: point the cursor at another customer's partition.
      const customerId = randomUUID();
      for (const minute of [1, 2, 3]) await store.create({ orderId: randomUUID(), customerId, ...STUDIO_FIELDS, createdAt: at(minute) });
      const { nextCursor } = await store.listByCustomer(customerId, { limit: 1 });
      const key = JSON.parse(Buffer.from(nextCursor!, 'base64url').toString('utf8')) as Record<string, string>;
      const tampered = Buffer.from(JSON.stringify({ ...key, gsi1pk: `CUSTOMER#${randomUUID()}` })).toString('base64url');

      // Act
      const listing = store.listByCustomer(customerId, { limit: 1, cursor: tampered });

      // Assess
      await expect(listing).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    });
  });
});
