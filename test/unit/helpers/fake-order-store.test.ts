import { randomUUID } from 'node:crypto';
import { describeOrdersBehaviour } from '../../stores/orders-behaviour';
import { FakeOrderStore } from './fake-order-store';
import { FakePhotoStore } from './fake-photo-store';
import { ORDER_ID, orderRecord, PLANS } from './orders';
import { STUDIO_FIELDS } from './orders';

describe('Class: FakeOrderStore', () => {
  // The same behaviour OrderStore shows on DynamoDB Local (test/stores/order-store.test.ts).
  describe('Behaviour shared with OrderStore', () => {
    // A photo added by the fake photo store, which counts it on the order as PhotoStore does.
    describeOrdersBehaviour(
      () => new FakeOrderStore(),
      async (store, order) => {
        const photoId = randomUUID();
        await new FakePhotoStore(store as FakeOrderStore).create({
          orderId: order.orderId,
          photoId,
          customerId: order.customerId,
          fileName: 'selfie.jpg',
          contentType: 'image/jpeg',
          size: 1000,
          originalKey: `originals/${order.customerId}/${order.orderId}/${photoId}`,
          createdAt: new Date().toISOString(),
        });
      },
    );
  });

  describe('Test controls', () => {
    it('holds the orders it is seeded with', async () => {
      // Prepare
      const store = new FakeOrderStore().seed(orderRecord());

      // Act
      const record = await store.get(ORDER_ID);

      // Assess
      expect(record).toEqual(orderRecord());
    });

    it('holds the plans it is seeded with', async () => {
      // Prepare
      const store = new FakeOrderStore().seedPlans(ORDER_ID, [...PLANS].reverse());

      // Act
      const plans = await store.plans(ORDER_ID);

      // Assess
      expect(plans).toEqual(PLANS);
    });

    it('fails the next call of a method once with the error it is given', async () => {
      // Prepare
      const store = new FakeOrderStore().seed(orderRecord());
      const error = new Error('ProvisionedThroughputExceededException');
      store.failNext('get', error);

      // Act
      const first = store.get(ORDER_ID);
      const second = store.get(ORDER_ID);

      // Assess
      await expect(first).rejects.toBe(error);
      await expect(second).resolves.toEqual(orderRecord());
    });

    it('changes nothing on a failed call', async () => {
      // Prepare
      const store = new FakeOrderStore().seed(orderRecord());
      store.failNext('claimTaskToken');

      // Act
      await store.claimTaskToken(ORDER_ID, 'admin-1').catch(() => undefined);

      // Assess
      expect(store.peek(ORDER_ID)).toEqual(orderRecord());
    });

    it('records the calls made, but not peeks', async () => {
      // Prepare
      const store = new FakeOrderStore().seed(orderRecord());

      // Act
      store.peek(ORDER_ID);
      await store.get(ORDER_ID);
      await store.claimTaskToken(ORDER_ID, 'admin-1');

      // Assess
      expect(store.methodsCalled()).toEqual(['get', 'claimTaskToken']);
      expect(store.calls[1].args).toEqual([ORDER_ID, 'admin-1']);
    });

    it('hands out copies, so a caller cannot change what it holds', async () => {
      // Prepare
      const store = new FakeOrderStore().seed(orderRecord());
      const record = (await store.get(ORDER_ID))!;

      // Act
      record.timeline.push({ status: 'CONFIRMED', at: 'now' });

      // Assess
      expect(store.peek(ORDER_ID)!.timeline).toHaveLength(2);
    });

    it('hands out opaque cursors a query string can carry', async () => {
      // Prepare
      const customerId = randomUUID();
      const store = new FakeOrderStore();
      for (const minute of [1, 2]) await store.create({ orderId: randomUUID(), customerId, ...STUDIO_FIELDS, createdAt: `2030-01-01T00:0${minute}:00.000Z` });

      // Act
      const { nextCursor } = await store.listByCustomer(customerId, { limit: 1 });

      // Assess
      expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    });
  });
});
