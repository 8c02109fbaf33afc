import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { OrderStore } from '#functions/orders/order-store';
import { PhotoStore } from '#functions/photos/photo-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';
import { STUDIO_FIELDS } from '../unit/helpers/orders';
import { describePhotosBehaviour } from './photos-behaviour';

/*
 * The photo store's transactions (the order's photoCount moves with each photo,
 * under the order's status and owner) and conditional verdicts against
 * DynamoDB Local. Handler tests use an in-memory fake held to the same
 * behaviour (./photos-behaviour.ts).
 */

const TABLE_NAME = `photo-store-test-${randomUUID()}`;

describe('Class: PhotoStore (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let orders: OrderStore;
  let photos: PhotoStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    orders = new OrderStore(doc, TABLE_NAME);
    photos = new PhotoStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  describePhotosBehaviour(() => ({ orders, photos }));

  describe('Table layout', () => {
    it('stores a photo under its order, beside the order item', async () => {
      // Prepare
      const order = await orders.create({ orderId: randomUUID(), customerId: randomUUID(), ...STUDIO_FIELDS, createdAt: new Date().toISOString() });
      const photoId = randomUUID();

      // Act
      await photos.create({
        orderId: order.orderId,
        photoId,
        customerId: order.customerId,
        fileName: 'me.jpg',
        contentType: 'image/jpeg',
        size: 10,
        originalKey: `originals/${order.customerId}/${order.orderId}/${photoId}`,
        createdAt: new Date().toISOString(),
      });

      // Assess
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `ORDER#${order.orderId}`, sk: `PHOTO#${photoId}` } }));
      expect(Item).toMatchObject({ status: 'UPLOADING', orderId: order.orderId });
      // A photo is no order: it stays out of the customer's and the status lists.
      expect(Item).not.toHaveProperty('gsi1pk');
      expect(Item).not.toHaveProperty('gsi2pk');
    });

    it('keeps photos out of the order plans', async () => {
      // Prepare
      const order = await orders.create({ orderId: randomUUID(), customerId: randomUUID(), ...STUDIO_FIELDS, createdAt: new Date().toISOString() });
      const photoId = randomUUID();
      await photos.create({ orderId: order.orderId, photoId, customerId: order.customerId, fileName: 'me.jpg', contentType: 'image/jpeg', size: 10, originalKey: 'k', createdAt: new Date().toISOString() });

      // Act & Assess
      expect(await orders.plans(order.orderId)).toEqual([]);
    });
  });

  describe('Concurrency', () => {
    it('never counts more photos than the limit when creates race', async () => {
      // Prepare: a store with a limit of 3, and 6 creates at once.
      const small = new PhotoStore(doc, TABLE_NAME, 3);
      const order = await orders.create({ orderId: randomUUID(), customerId: randomUUID(), ...STUDIO_FIELDS, createdAt: new Date().toISOString() });

      // Act
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => {
          const photoId = randomUUID();
          return small.create({ orderId: order.orderId, photoId, customerId: order.customerId, fileName: 'me.jpg', contentType: 'image/jpeg', size: 10, originalKey: 'k', createdAt: new Date().toISOString() });
        }),
      );

      // Assess: a transaction conflict may refuse more than the limit does, never fewer.
      const created = results.filter((r) => r.status === 'fulfilled').length;
      expect(created).toBeLessThanOrEqual(3);
      expect((await orders.get(order.orderId))!.photoCount).toBe(created);
      expect(await small.list(order.orderId)).toHaveLength(created);
    });
  });
});
