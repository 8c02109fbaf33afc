import { randomUUID } from 'node:crypto';
import type { OrderRecord, Orders } from '#functions/orders/order-store';
import { PhotoConflictError, type PhotoRecord, type Photos, type PhotoVerdict } from '#functions/photos/photo-store';
import { MAX_PHOTOS_PER_ORDER } from '#shared/photos';
import { STUDIO_FIELDS } from '../unit/helpers/orders';

/** A photo's first verdict, as the validation function records it. */
export const ACCEPTED: PhotoVerdict = {
  status: 'ACCEPTED',
  photoKey: 'photos/p.jpg',
  cropKey: 'crops/p.jpg',
  hash: 'ffff0000ffff0000',
  width: 1024,
  height: 1024,
  face: { left: 0.3, top: 0.2, width: 0.4, height: 0.4 },
};
export const REJECTED: PhotoVerdict = { status: 'REJECTED', code: 'NO_FACE', reason: 'We could not find a face.', hash: '0000ffff0000ffff' };

export interface PhotoStores {
  readonly orders: Orders;
  readonly photos: Photos;
}

/**
 * The observable behaviour of the photo store, as handlers rely on it. It runs
 * against `PhotoStore` and `OrderStore` sharing one table on DynamoDB Local
 * (test/stores/photo-store.test.ts) and against the in-memory fakes handler
 * tests use (test/unit/helpers/fake-photo-store.test.ts). Every test makes its
 * own orders and customers.
 */
export function describePhotosBehaviour(openStores: () => PhotoStores): void {
  let orders: Orders;
  let photos: Photos;

  beforeEach(() => {
    ({ orders, photos } = openStores());
  });

  const newOrder = (customerId = randomUUID()): Promise<OrderRecord> =>
    orders.create({ orderId: randomUUID(), customerId, ...STUDIO_FIELDS, createdAt: new Date().toISOString() });

  let clock = 0;
  /** A new photo of the order, each a millisecond after the one before. */
  const newPhoto = (order: OrderRecord, customerId = order.customerId): Promise<PhotoRecord> => {
    const photoId = randomUUID();
    return photos.create({
      orderId: order.orderId,
      photoId,
      customerId,
      fileName: `selfie-${photoId.slice(0, 4)}.jpg`,
      contentType: 'image/jpeg',
      size: 123_456,
      originalKey: `originals/${customerId}/${order.orderId}/${photoId}`,
      createdAt: new Date(Date.UTC(2030, 0, 1) + clock++).toISOString(),
    });
  };

  const countOf = async (orderId: string) => (await orders.get(orderId))?.photoCount;
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  describe('Method: create', () => {
    it('stores an UPLOADING photo and counts it on its order', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const photo = await newPhoto(order);

      // Assess
      expect(photo).toMatchObject({ orderId: order.orderId, customerId: order.customerId, status: 'UPLOADING', updatedAt: photo.createdAt });
      expect(await photos.get(order.orderId, photo.photoId)).toEqual(photo);
      expect(await countOf(order.orderId)).toBe(1);
    });

    it('counts every photo of the order and lists them oldest first', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const made = [await newPhoto(order), await newPhoto(order), await newPhoto(order)];

      // Assess
      expect(await countOf(order.orderId)).toBe(3);
      expect((await photos.list(order.orderId)).map((p) => p.photoId)).toEqual(made.map((p) => p.photoId));
    });

    it('accepts photos while the order needs new ones', async () => {
      // Prepare
      const order = await newOrder();
      await newPhoto(order);
      await orders.submit(order.orderId);
      await orders.transition(order.orderId, ['VALIDATING'], 'NEEDS_NEW_PHOTOS', { missing: 'upload 5 more' });

      // Act
      await newPhoto(order);

      // Assess
      expect(await countOf(order.orderId)).toBe(2);
    });

    it(`refuses a photo beyond ${MAX_PHOTOS_PER_ORDER} with TOO_MANY_PHOTOS, writing nothing`, async () => {
      // Prepare
      const order = await newOrder();
      for (let i = 0; i < MAX_PHOTOS_PER_ORDER; i++) await newPhoto(order);

      // Act
      const error = await rejection(newPhoto(order));

      // Assess
      expect(error).toBeInstanceOf(PhotoConflictError);
      expect(error).toMatchObject({ reason: 'TOO_MANY_PHOTOS' });
      expect(await countOf(order.orderId)).toBe(MAX_PHOTOS_PER_ORDER);
      expect(await photos.list(order.orderId)).toHaveLength(MAX_PHOTOS_PER_ORDER);
    });

    it.each([
      { case: 'is being validated', status: 'VALIDATING' as const },
      { case: 'was sent to the studio', status: 'SUBMITTED' as const },
      { case: 'has ended', status: 'REJECTED' as const },
    ])('refuses a photo while the order $case with ORDER_NOT_EDITABLE, writing nothing', async ({ status }) => {
      // Prepare
      const order = await newOrder();
      await newPhoto(order);
      await orders.transition(order.orderId, ['DRAFT'], status);

      // Act
      const error = await rejection(newPhoto(order));

      // Assess
      expect(error).toMatchObject({ reason: 'ORDER_NOT_EDITABLE' });
      expect(await countOf(order.orderId)).toBe(1);
      expect(await photos.list(order.orderId)).toHaveLength(1);
    });

    it("refuses a photo on another customer's order with ORDER_NOT_FOUND, writing nothing", async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const error = await rejection(newPhoto(order, randomUUID()));

      // Assess
      expect(error).toMatchObject({ reason: 'ORDER_NOT_FOUND' });
      expect(await countOf(order.orderId)).toBe(0);
      expect(await photos.list(order.orderId)).toEqual([]);
    });

    it("answers ORDER_NOT_FOUND, not TOO_MANY_PHOTOS, for another customer's full order", async () => {
      // Prepare
      const order = await newOrder();
      for (let i = 0; i < MAX_PHOTOS_PER_ORDER; i++) await newPhoto(order);

      // Act
      const error = await rejection(newPhoto(order, randomUUID()));

      // Assess
      expect(error).toMatchObject({ reason: 'ORDER_NOT_FOUND' });
    });

    it('refuses a photo of an order that does not exist with ORDER_NOT_FOUND, creating no order', async () => {
      // Prepare
      const missing = { orderId: randomUUID(), customerId: randomUUID() } as OrderRecord;

      // Act
      const error = await rejection(newPhoto(missing));

      // Assess
      expect(error).toMatchObject({ reason: 'ORDER_NOT_FOUND' });
      expect(await orders.get(missing.orderId)).toBeUndefined();
      expect(await photos.list(missing.orderId)).toEqual([]);
    });
  });

  describe('Method: get', () => {
    it('answers the photo without its table keys', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);

      // Act
      const found = await photos.get(order.orderId, photo.photoId);

      // Assess
      expect(found).not.toHaveProperty('pk');
      expect(found).not.toHaveProperty('sk');
    });

    it('answers undefined for a photo that does not exist', async () => {
      // Act & Assess
      expect(await photos.get(randomUUID(), randomUUID())).toBeUndefined();
    });
  });

  describe('Method: delete', () => {
    it('removes the photo and uncounts it, answering the photo and the new count', async () => {
      // Prepare
      const order = await newOrder();
      const [kept, removed] = [await newPhoto(order), await newPhoto(order)];

      // Act
      const result = await photos.delete(order.orderId, removed.photoId);

      // Assess
      expect(result).toEqual({ photo: removed, photoCount: 1 });
      expect(await countOf(order.orderId)).toBe(1);
      expect((await photos.list(order.orderId)).map((p) => p.photoId)).toEqual([kept.photoId]);
    });

    it('refuses a photo the order does not hold with PHOTO_NOT_FOUND, changing no count', async () => {
      // Prepare
      const order = await newOrder();
      await newPhoto(order);

      // Act
      const error = await rejection(photos.delete(order.orderId, randomUUID()));

      // Assess
      expect(error).toMatchObject({ reason: 'PHOTO_NOT_FOUND' });
      expect(await countOf(order.orderId)).toBe(1);
    });

    it('refuses once the order was submitted with ORDER_NOT_EDITABLE, keeping the photo', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);
      await orders.submit(order.orderId);

      // Act
      const error = await rejection(photos.delete(order.orderId, photo.photoId));

      // Assess
      expect(error).toMatchObject({ reason: 'ORDER_NOT_EDITABLE' });
      expect(await countOf(order.orderId)).toBe(1);
      expect(await photos.get(order.orderId, photo.photoId)).toEqual(photo);
    });
  });

  describe('Methods: startValidation and settle', () => {
    it('moves an uploaded photo to VALIDATING, and again for a redelivered event', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);

      // Act
      const first = await photos.startValidation(order.orderId, photo.photoId);
      const again = await photos.startValidation(order.orderId, photo.photoId);

      // Assess
      expect([first, again]).toEqual([true, true]);
      expect((await photos.get(order.orderId, photo.photoId))!.status).toBe('VALIDATING');
    });

    it('does not start a photo with a verdict again', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);
      await photos.startValidation(order.orderId, photo.photoId);
      await photos.settle(order.orderId, photo.photoId, ACCEPTED);

      // Act
      const started = await photos.startValidation(order.orderId, photo.photoId);

      // Assess
      expect(started).toBe(false);
      expect((await photos.get(order.orderId, photo.photoId))!.status).toBe('ACCEPTED');
    });

    it('does not start, nor create, a photo that does not exist', async () => {
      // Prepare
      const order = await newOrder();
      const photoId = randomUUID();

      // Act
      const started = await photos.startValidation(order.orderId, photoId);

      // Assess
      expect(started).toBe(false);
      expect(await photos.get(order.orderId, photoId)).toBeUndefined();
    });

    it('records a verdict with every field of it', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);
      await photos.startValidation(order.orderId, photo.photoId);

      // Act
      const settled = await photos.settle(order.orderId, photo.photoId, ACCEPTED);

      // Assess
      expect(settled).toBe(true);
      expect(await photos.get(order.orderId, photo.photoId)).toEqual({ ...photo, ...ACCEPTED, updatedAt: expect.any(String) });
    });

    it('settles a photo whose upload never arrived (from UPLOADING)', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);

      // Act
      const settled = await photos.settle(order.orderId, photo.photoId, { status: 'REJECTED', code: 'NOT_UPLOADED', reason: 'Upload it again.' });

      // Assess
      expect(settled).toBe(true);
      expect(await photos.get(order.orderId, photo.photoId)).toMatchObject({ status: 'REJECTED', code: 'NOT_UPLOADED' });
    });

    it('does not settle a photo with a verdict again', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);
      await photos.settle(order.orderId, photo.photoId, REJECTED);

      // Act
      const settled = await photos.settle(order.orderId, photo.photoId, ACCEPTED);

      // Assess
      expect(settled).toBe(false);
      expect(await photos.get(order.orderId, photo.photoId)).toMatchObject({ status: 'REJECTED', code: 'NO_FACE' });
    });

    it('turns an accepted photo into a DUPLICATE only when asked to settle from ACCEPTED', async () => {
      // Prepare
      const order = await newOrder();
      const photo = await newPhoto(order);
      await photos.settle(order.orderId, photo.photoId, ACCEPTED);
      const duplicate: PhotoVerdict = { status: 'DUPLICATE', code: 'DUPLICATE', reason: 'Same picture as selfie.jpg', hash: ACCEPTED.status === 'ACCEPTED' ? ACCEPTED.hash : '' };

      // Act
      const byDefault = await photos.settle(order.orderId, photo.photoId, duplicate);
      const fromAccepted = await photos.settle(order.orderId, photo.photoId, duplicate, ['ACCEPTED']);

      // Assess
      expect([byDefault, fromAccepted]).toEqual([false, true]);
      expect(await photos.get(order.orderId, photo.photoId)).toMatchObject({ status: 'DUPLICATE', code: 'DUPLICATE', reason: 'Same picture as selfie.jpg' });
    });

    it('does not settle, nor create, a photo that does not exist', async () => {
      // Prepare
      const order = await newOrder();
      const photoId = randomUUID();

      // Act
      const settled = await photos.settle(order.orderId, photoId, REJECTED);

      // Assess
      expect(settled).toBe(false);
      expect(await photos.get(order.orderId, photoId)).toBeUndefined();
    });
  });

  describe('Method: orderOwner', () => {
    it("answers the order's customer, or undefined when there is no order", async () => {
      // Prepare
      const order = await newOrder();

      // Act & Assess
      expect(await photos.orderOwner(order.orderId)).toBe(order.customerId);
      expect(await photos.orderOwner(randomUUID())).toBeUndefined();
    });
  });
}
