import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { getOrderHandler } from '#functions/orders/get-order.handler';
import type { PhotoRecord } from '#functions/photos/photo-store';
import type { OrderView } from '#shared/orders';
import type { PhotoView } from '#shared/photos';
import { TEST_ENV } from '../../helpers/env';
import { accessTokenClaims, adminAccessTokenClaims, adminClaims, type Claims, CUSTOMER_SUB, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { EXECUTION_ARN, ORDER_ID, orderRecord, PLANS } from '../../helpers/orders';

/** Signing needs credentials, never a call: the presigner signs locally. */
const s3 = () => new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });

const PHOTO_IDS = ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000003'];

function photoRecord(index: number, overrides: Partial<PhotoRecord>): PhotoRecord {
  const photoId = PHOTO_IDS[index]!;
  return {
    orderId: ORDER_ID,
    photoId,
    customerId: CUSTOMER_SUB,
    fileName: `selfie-${index}.jpg`,
    contentType: 'image/jpeg',
    size: 1234,
    originalKey: `originals/${CUSTOMER_SUB}/${ORDER_ID}/${photoId}`,
    status: 'UPLOADING',
    createdAt: `2030-01-01T00:00:0${index}.000Z`,
    updatedAt: `2030-01-01T00:00:0${index}.000Z`,
    ...overrides,
  };
}

const ACCEPTED_PHOTO = photoRecord(0, {
  status: 'ACCEPTED',
  photoKey: `photos/${CUSTOMER_SUB}/${ORDER_ID}/${PHOTO_IDS[0]}.jpg`,
  cropKey: `crops/${CUSTOMER_SUB}/${ORDER_ID}/${PHOTO_IDS[0]}.jpg`,
  hash: 'ffff0000ffff0000',
  width: 1024,
  height: 768,
  face: { left: 0.3, top: 0.2, width: 0.4, height: 0.5 },
});
const REJECTED_PHOTO = photoRecord(1, { status: 'REJECTED', code: 'MULTIPLE_FACES', reason: 'We found two faces.', hash: '0000ffff0000ffff' });
const UPLOADING_PHOTO = photoRecord(2, {});

const getOrder = (orderId: string, claims?: Claims | null, queryStringParameters?: Record<string, string>) =>
  makeEvent({ routeKey: 'GET /v1/orders/{orderId}', pathParameters: { orderId }, claims, queryStringParameters });

const RUNNING = {
  executionArn: EXECUTION_ARN,
  stateMachineArn: TEST_ENV.ORDER_PIPELINE_ARN,
  status: 'RUNNING',
  startDate: new Date('2030-01-01T00:00:01.000Z'),
  input: '{}',
} as const;

describe('Function: GetOrder', () => {
  const sfnMock = mockClient(SFNClient);
  let store: FakeOrderStore;
  let photos: FakePhotoStore;
  let handler: ReturnType<typeof getOrderHandler>;

  beforeEach(() => {
    sfnMock.reset();
    sfnMock.on(DescribeExecutionCommand).resolves(RUNNING);
    store = new FakeOrderStore().seed(orderRecord()).seedPlans(ORDER_ID, PLANS);
    photos = new FakePhotoStore(store).seed(REJECTED_PHOTO, ACCEPTED_PHOTO, UPLOADING_PHOTO);
    handler = getOrderHandler({ orders: store, photos, sfn: new SFNClient({}), s3: s3(), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });
  });

  describe('Photos', () => {
    it('lists every photo of the order, oldest first, with its verdict', async () => {
      // Act
      const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

      // Assess
      expect(response.statusCode).toBe(200);
      expect(response.body.photos).toEqual([
        {
          photoId: PHOTO_IDS[0],
          fileName: 'selfie-0.jpg',
          status: 'ACCEPTED',
          url: expect.any(String),
          width: 1024,
          height: 768,
          face: { left: 0.3, top: 0.2, width: 0.4, height: 0.5 },
          createdAt: ACCEPTED_PHOTO.createdAt,
          updatedAt: ACCEPTED_PHOTO.updatedAt,
        },
        { photoId: PHOTO_IDS[1], fileName: 'selfie-1.jpg', status: 'REJECTED', reason: 'We found two faces.', createdAt: REJECTED_PHOTO.createdAt, updatedAt: REJECTED_PHOTO.updatedAt },
        { photoId: PHOTO_IDS[2], fileName: 'selfie-2.jpg', status: 'UPLOADING', createdAt: UPLOADING_PHOTO.createdAt, updatedAt: UPLOADING_PHOTO.updatedAt },
      ]);
    });

    it('links an accepted photo to its normalised JPEG with a signed GET valid for an hour', async () => {
      // Act
      const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

      // Assess
      const url = new URL(response.body.photos![0]!.url!);
      expect(url.pathname).toBe(`/${ACCEPTED_PHOTO.photoKey}`);
      expect(url.hostname).toBe(`${TEST_ENV.UPLOADS_BUCKET}.s3.eu-west-1.amazonaws.com`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
      expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each(['originalKey', 'photoKey', 'cropKey', 'hash', 'code', 'customerId', 'orderId', 'contentType', 'size'])('never answers a photo with %s', async (attribute) => {
      // Act
      const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

      // Assess
      for (const photo of response.body.photos as PhotoView[]) expect(photo).not.toHaveProperty(attribute);
    });

    it('answers an empty list for an order without photos', async () => {
      // Prepare
      handler = getOrderHandler({ orders: store, photos: new FakePhotoStore(store), sfn: new SFNClient({}), s3: s3(), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });

      // Act
      const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

      // Assess
      expect(response.body.photos).toEqual([]);
    });

    it("lets an admin see a customer's photos", async () => {
      // Act
      const response = await invoke<OrderView>(handler, getOrder(ORDER_ID, adminClaims));

      // Assess
      expect(response.body.photos).toHaveLength(3);
    });

    it("reads no photos of another customer's order", async () => {
      // Act
      await invoke(handler, getOrder(ORDER_ID, { sub: OTHER_CUSTOMER_SUB, email: 'eve@example.com' }));

      // Assess
      expect(photos.calls).toEqual([]);
    });

    it('answers 500 INTERNAL_ERROR when the photos cannot be read', async () => {
      // Prepare
      photos.failNext('list', new Error('ProvisionedThroughputExceededException'));

      // Act
      const response = await invoke(handler, getOrder(ORDER_ID));

      // Assess
      expect(response.statusCode).toBe(500);
      expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    });
  });

  it('answers 400 VALIDATION_FAILED when the order ID is not a UUID, without reading the store', async () => {
    // Act
    const response = await invoke(handler, getOrder('not-a-uuid'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: 'orderId: The order ID in the path is not a valid order ID.' });
    expect(store.calls).toEqual([]);
  });

  it('answers 404 ORDER_NOT_FOUND when the order does not exist', async () => {
    // Act
    const response = await invoke(handler, getOrder('5f0c2a1e-7b3d-4c9a-8e21-0a1b2c3d4e5f'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
  });

  it("answers 404, not 403, for another customer's order and reveals nothing about it", async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, { sub: OTHER_CUSTOMER_SUB, email: 'eve@example.com' }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
    expect(store.methodsCalled()).toEqual(['get']);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
  });

  it('lets an admin read any order', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, adminClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ orderId: ORDER_ID, status: 'PENDING_EDITOR_CONFIRMATION' });
  });

  it('lets an admin with an access token read any order', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, adminAccessTokenClaims));

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it("answers the owner with the order, its plans and the execution's status", async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      orderId: ORDER_ID,
      status: 'PENDING_EDITOR_CONFIRMATION',
      plans: PLANS,
      execution: { status: 'RUNNING', startedAt: '2030-01-01T00:00:01.000Z' },
    });
  });

  it('answers the owner who sends an access token', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, accessTokenClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ orderId: ORDER_ID });
  });

  it('describes the execution recorded on the order', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(sfnMock).toHaveReceivedCommandTimes(DescribeExecutionCommand, 1);
    expect(sfnMock).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: EXECUTION_ARN });
  });

  it('reports when a finished execution stopped', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'REJECTED', taskToken: undefined }));
    sfnMock.on(DescribeExecutionCommand).resolves({
      ...RUNNING,
      status: 'FAILED',
      stopDate: new Date('2030-01-08T00:00:01.000Z'),
    });

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.body.execution).toEqual({
      status: 'FAILED',
      startedAt: '2030-01-01T00:00:01.000Z',
      stoppedAt: '2030-01-08T00:00:01.000Z',
    });
  });

  it('reads the order again when its execution ended after the first read', async () => {
    // Prepare: the first read still sees the gate; by the time the execution is described, the order was rejected.
    sfnMock.on(DescribeExecutionCommand).callsFake(() => {
      store.seed(orderRecord({ status: 'REJECTED', failureReason: 'Too dark', taskToken: undefined }));
      return { ...RUNNING, status: 'FAILED' };
    });

    // Act
    const response = await invoke<OrderView>(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.body).toMatchObject({ status: 'REJECTED', failureReason: 'Too dark', execution: { status: 'FAILED' } });
  });

  it('reads the order once while its execution is still running', async () => {
    // Act
    await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(store.methodsCalled().filter((method) => method === 'get')).toHaveLength(1);
  });

  it('skips the execution status when the order has no execution yet', async () => {
    // Prepare
    store.seed(orderRecord({ status: 'SUBMITTED', executionArn: undefined, taskToken: undefined }));

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfnMock).not.toHaveReceivedAnyCommand();
    expect(response.body).not.toHaveProperty('execution');
  });

  it('answers an empty plan list while no style has been planned', async () => {
    // Prepare
    const orders = new FakeOrderStore().seed(orderRecord());
    handler = getOrderHandler({ orders, photos: new FakePhotoStore(orders), sfn: new SFNClient({}), s3: s3(), uploadsBucket: TEST_ENV.UPLOADS_BUCKET });

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID));

    // Assess
    expect(response.body.plans).toEqual([]);
  });

  it.each(['taskToken', 'executionArn', 'decidedBy', 'pk', 'sk', 'gsi1pk', 'gsi2pk'])('never answers with %s', async (attribute) => {
    // Prepare
    store.seed(orderRecord({ decidedBy: 'someone' }));

    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, adminClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toHaveProperty(attribute);
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter, without reading the store', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, undefined, { expand: 'plans' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
    expect(store.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, getOrder(ORDER_ID, null));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
