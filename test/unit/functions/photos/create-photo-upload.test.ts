import '../../helpers/env';
import { createPhotoUploadHandler } from '#functions/photos/create-photo-upload.handler';
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_ORDER, type PresignedPost } from '#shared/photos';
import { TEST_ENV } from '../../helpers/env';
import { type Claims, CUSTOMER_SUB, type EventOptions, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';
import { policyOf, signingS3 } from '../../helpers/s3';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SELFIE = { fileName: 'me at the lake.jpg', contentType: 'image/jpeg', size: 2_500_000 };

const upload = (body: unknown, extra: EventOptions = {}) =>
  makeEvent({ routeKey: 'POST /v1/orders/{orderId}/photos', pathParameters: { orderId: ORDER_ID }, body, ...extra });

describe('Function: CreatePhotoUpload', () => {
  let orders: FakeOrderStore;
  let photos: FakePhotoStore;
  let handler: ReturnType<typeof createPhotoUploadHandler>;

  beforeEach(() => {
    orders = new FakeOrderStore().seed(orderRecord({ status: 'DRAFT', photoCount: 0, taskToken: undefined, executionArn: undefined }));
    photos = new FakePhotoStore(orders);
    handler = createPhotoUploadHandler({ photos, s3: signingS3(), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });
  });

  it('answers 201 with the photo ID and a presigned POST for exactly its original key', async () => {
    // Act
    const response = await invoke<{ photoId: string; upload: PresignedPost }>(handler, upload(SELFIE));

    // Assess
    expect(response.statusCode).toBe(201);
    const { photoId, upload: post } = response.body;
    expect(photoId).toMatch(UUID);
    expect(post.url).toBe(`https://${TEST_ENV.UPLOADS_BUCKET}.s3.eu-west-1.amazonaws.com/`);
    expect(post.fields.key).toBe(`originals/${CUSTOMER_SUB}/${ORDER_ID}/${photoId}`);
    expect(policyOf(post).conditions).toEqual(
      expect.arrayContaining([
        { bucket: TEST_ENV.UPLOADS_BUCKET },
        { key: `originals/${CUSTOMER_SUB}/${ORDER_ID}/${photoId}` },
        ['content-length-range', 1, MAX_PHOTO_BYTES],
        ['eq', '$Content-Type', 'image/jpeg'],
      ]),
    );
  });

  it.each(['image/png', 'image/webp', 'image/heic', 'image/heif'])('binds the upload to the declared type %s', async (contentType) => {
    // Act
    const response = await invoke<{ upload: PresignedPost }>(handler, upload({ ...SELFIE, contentType }));

    // Assess
    expect(policyOf(response.body.upload).conditions).toContainEqual(['eq', '$Content-Type', contentType]);
    expect(response.body.upload.fields['Content-Type']).toBe(contentType);
  });

  it('records an UPLOADING photo, with the name trimmed, and counts it on the order', async () => {
    // Act
    const response = await invoke<{ photoId: string }>(handler, upload({ ...SELFIE, fileName: '  me at the lake.jpg ' }));

    // Assess
    const { photoId } = response.body;
    expect(photos.peek(ORDER_ID, photoId)).toEqual({
      orderId: ORDER_ID,
      photoId,
      customerId: CUSTOMER_SUB,
      fileName: 'me at the lake.jpg',
      contentType: 'image/jpeg',
      size: 2_500_000,
      originalKey: `originals/${CUSTOMER_SUB}/${ORDER_ID}/${photoId}`,
      status: 'UPLOADING',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(1);
  });

  it('accepts photos while the order needs new ones', async () => {
    // Prepare
    orders.seed({ ...orders.peek(ORDER_ID)!, status: 'NEEDS_NEW_PHOTOS', photoCount: 3 });

    // Act
    const response = await invoke(handler, upload(SELFIE));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(4);
  });

  it.each([
    { case: 'is being validated', status: 'VALIDATING' as const },
    { case: 'was sent to the studio', status: 'SUBMITTED' as const },
    { case: 'waits for confirmation', status: 'PENDING_EDITOR_CONFIRMATION' as const },
    { case: 'was rejected', status: 'REJECTED' as const },
  ])('answers 409 ORDER_NOT_EDITABLE when the order $case, recording nothing', async ({ status }) => {
    // Prepare
    orders.seed({ ...orders.peek(ORDER_ID)!, status, photoCount: 6 });

    // Act
    const response = await invoke(handler, upload(SELFIE));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'ORDER_NOT_EDITABLE', message: expect.any(String) });
    expect(photos.peekAll(ORDER_ID)).toEqual([]);
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(6);
  });

  it(`answers 409 TOO_MANY_PHOTOS when the order holds ${MAX_PHOTOS_PER_ORDER} photos, recording nothing`, async () => {
    // Prepare
    orders.seed({ ...orders.peek(ORDER_ID)!, photoCount: MAX_PHOTOS_PER_ORDER });

    // Act
    const response = await invoke(handler, upload(SELFIE));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'TOO_MANY_PHOTOS', message: `An order holds at most ${MAX_PHOTOS_PER_ORDER} photos. Remove one before adding another.` });
    expect(photos.peekAll(ORDER_ID)).toEqual([]);
  });

  it.each([
    { case: 'an order of another customer', claims: { sub: OTHER_CUSTOMER_SUB, token_use: 'id' } as Claims, orderId: ORDER_ID, full: false },
    { case: 'a full order of another customer (its fullness is no hint)', claims: { sub: OTHER_CUSTOMER_SUB, token_use: 'id' } as Claims, orderId: ORDER_ID, full: true },
    { case: 'an order that does not exist', claims: undefined, orderId: '5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f', full: false },
  ])('answers 404 ORDER_NOT_FOUND for $case, recording nothing', async ({ claims, orderId, full }) => {
    // Prepare
    if (full) orders.seed({ ...orders.peek(ORDER_ID)!, photoCount: MAX_PHOTOS_PER_ORDER });

    // Act
    const response = await invoke(handler, upload(SELFIE, { claims, pathParameters: { orderId } }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
    expect(photos.peekAll(orderId)).toEqual([]);
    expect(orders.peek(ORDER_ID)!.photoCount).toBe(full ? MAX_PHOTOS_PER_ORDER : 0);
  });

  it.each([
    { case: 'a GIF', body: { ...SELFIE, contentType: 'image/gif' } },
    { case: 'an SVG', body: { ...SELFIE, contentType: 'image/svg+xml' } },
    { case: 'a file over 25 MB', body: { ...SELFIE, size: MAX_PHOTO_BYTES + 1 } },
    { case: 'an empty file', body: { ...SELFIE, size: 0 } },
    { case: 'a fractional size', body: { ...SELFIE, size: 10.5 } },
    { case: 'a file name with a folder', body: { ...SELFIE, fileName: '../../etc/passwd' } },
    { case: 'a file name with a control character', body: { ...SELFIE, fileName: 'me\u0000.jpg' } },
    { case: 'an empty file name', body: { ...SELFIE, fileName: '   ' } },
    { case: 'an unknown field', body: { ...SELFIE, key: 'originals/someone-else/x' } },
  ])('answers 400 VALIDATION_FAILED for $case, recording nothing', async ({ body }) => {
    // Act
    const response = await invoke(handler, upload(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(photos.calls).toEqual([]);
  });

  it('answers 400 VALIDATION_FAILED for an order ID that is not a UUID', async () => {
    // Act
    const response = await invoke(handler, upload(SELFIE, { pathParameters: { orderId: 'not-a-uuid' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(photos.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, upload(SELFIE, { claims: null }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(photos.calls).toEqual([]);
  });

  it('answers 500 INTERNAL_ERROR when the photo cannot be recorded', async () => {
    // Prepare
    photos.failNext('create', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, upload(SELFIE));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
