import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { deletePhotoHandler } from '#functions/photos/delete-photo.handler';
import { photoKeys } from '#functions/photos/photo-store';
import { TEST_ENV } from '../../helpers/env';
import { type Claims, CUSTOMER_SUB, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';
import { acceptedPhoto, photoId, rejectedPhoto } from '../../helpers/photos';

const remove = (id: string, claims?: Claims | null, orderId = ORDER_ID) =>
  makeEvent({ routeKey: 'DELETE /v1/orders/{orderId}/photos/{photoId}', pathParameters: { orderId, photoId: id }, claims });

describe('Function: DeletePhoto', () => {
  const s3Mock = mockClient(S3Client);
  let orders: FakeOrderStore;
  let photos: FakePhotoStore;
  let handler: ReturnType<typeof deletePhotoHandler>;

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(DeleteObjectCommand).resolves({});
    orders = new FakeOrderStore().seed(orderRecord({ status: 'DRAFT', photoCount: 2, taskToken: undefined, executionArn: undefined }));
    photos = new FakePhotoStore(orders).seed(acceptedPhoto(0), rejectedPhoto(1));
    handler = deletePhotoHandler({ photos, s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });
  });

  it("answers 200 with the order's new photo count", async () => {
    // Act
    const response = await invoke(handler, remove(photoId(0)));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ orderId: ORDER_ID, photoId: photoId(0), photoCount: 1 });
  });

  it('removes the photo and uncounts it', async () => {
    // Act
    await invoke(handler, remove(photoId(0)));

    // Assess
    expect(photos.peekAll(ORDER_ID).map((p) => p.photoId)).toEqual([photoId(1)]);
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(1);
  });

  it('deletes every file of the photo: the original, the normalised copy and the crop', async () => {
    // Act
    await invoke(handler, remove(photoId(0)));

    // Assess
    const keys = photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(0));
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 3);
    for (const Key of [keys.original, keys.photo, keys.crop]) expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: TEST_ENV.UPLOADS_BUCKET, Key });
  });

  it('deletes the record before the files, so nothing ever points at a deleted file', async () => {
    // Prepare
    let recordWhenDeleting: unknown = 'not called';
    s3Mock.on(DeleteObjectCommand).callsFake(() => {
      recordWhenDeleting = photos.peek(ORDER_ID, photoId(0));
      return {};
    });

    // Act
    await invoke(handler, remove(photoId(0)));

    // Assess
    expect(recordWhenDeleting).toBeUndefined();
  });

  it('answers 200 when a file cannot be deleted (the record is gone; lifecycle expiry takes the file)', async () => {
    // Prepare
    s3Mock.on(DeleteObjectCommand).rejects(new Error('SlowDown'));

    // Act
    const response = await invoke(handler, remove(photoId(0)));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(photos.peek(ORDER_ID, photoId(0))).toBeUndefined();
  });

  it("answers 404 ORDER_NOT_FOUND for another customer's order, deleting nothing", async () => {
    // Act
    const response = await invoke(handler, remove(photoId(0), { sub: OTHER_CUSTOMER_SUB, token_use: 'id' }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
    expect(photos.peekAll(ORDER_ID)).toHaveLength(2);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 ORDER_NOT_FOUND for an order that does not exist', async () => {
    // Act
    const response = await invoke(handler, remove(photoId(0), undefined, '5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('answers 404 PHOTO_NOT_FOUND for a photo the order does not hold, deleting no file', async () => {
    // Act
    const response = await invoke(handler, remove(photoId(9)));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'PHOTO_NOT_FOUND' });
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(2);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it.each(['VALIDATING', 'SUBMITTED', 'CONFIRMED'] as const)('answers 409 ORDER_NOT_EDITABLE once the order is %s, keeping the photo and its files', async (status) => {
    // Prepare
    orders.seed({ ...orders.peek(ORDER_ID)!, status });

    // Act
    const response = await invoke(handler, remove(photoId(0)));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'ORDER_NOT_EDITABLE' });
    expect(photos.peek(ORDER_ID, photoId(0))).toEqual(acceptedPhoto(0));
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 VALIDATION_FAILED for a photo ID that is not a UUID, reading nothing', async () => {
    // Act
    const response = await invoke(handler, remove('not-a-uuid'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(photos.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, remove(photoId(0), null));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(photos.calls).toEqual([]);
  });
});
