import { randomUUID } from 'node:crypto';
import { describePhotosBehaviour } from '../../stores/photos-behaviour';
import { FakeOrderStore } from './fake-order-store';
import { FakePhotoStore } from './fake-photo-store';
import { ORDER_ID, orderRecord } from './orders';

describe('Class: FakePhotoStore', () => {
  // The same behaviour PhotoStore shows on DynamoDB Local (test/stores/photo-store.test.ts).
  describe('Behaviour shared with PhotoStore', () => {
    describePhotosBehaviour(() => {
      const orders = new FakeOrderStore();
      return { orders, photos: new FakePhotoStore(orders) };
    });
  });

  describe('Test controls', () => {
    it('counts created photos on the order of its order store', async () => {
      // Prepare
      const orders = new FakeOrderStore().seed(orderRecord({ status: 'DRAFT', photoCount: 0 }));
      const photos = new FakePhotoStore(orders);
      const photoId = randomUUID();

      // Act
      await photos.create({ orderId: ORDER_ID, photoId, customerId: orderRecord().customerId, fileName: 'a.jpg', contentType: 'image/jpeg', size: 1, originalKey: 'k', createdAt: '2030-01-01T00:00:00.000Z' });

      // Assess
      expect(orders.peek(ORDER_ID)!.photoCount).toBe(1);
      expect(photos.peek(ORDER_ID, photoId)).toMatchObject({ status: 'UPLOADING' });
    });

    it('fails the next call of a method once with the error it is given', async () => {
      // Prepare
      const photos = new FakePhotoStore(new FakeOrderStore());
      const error = new Error('ProvisionedThroughputExceededException');
      photos.failNext('list', error);

      // Act & Assess
      await expect(photos.list(ORDER_ID)).rejects.toBe(error);
      await expect(photos.list(ORDER_ID)).resolves.toEqual([]);
      expect(photos.methodsCalled()).toEqual(['list', 'list']);
    });
  });
});
