import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { checkPhotosHandler, MAX_CHECKS } from '#functions/orders/check-photos.handler';
import type { PhotoRecord } from '#functions/photos/photo-store';
import { isNearDuplicate } from '#functions/photos/duplicates';
import { UPLOAD_WINDOW_SECONDS } from '#lib/uploads';
import { TEST_ENV } from '../../helpers/env';
import { CUSTOMER_SUB, invokeTask } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';
import { acceptedPhoto, hashOf, nearHashOf, photoRecord, rejectedPhoto } from '../../helpers/photos';

/** The pipeline's clock: two minutes after the fixtures' photos were created. */
const NOW = Date.UTC(2030, 0, 1, 0, 2);

describe('Function: CheckPhotos', () => {
  const s3Mock = mockClient(S3Client);
  let orders: FakeOrderStore;
  let photos: FakePhotoStore;
  let handler: ReturnType<typeof checkPhotosHandler>;

  /** An order being validated that holds these photos. */
  function holding(...records: PhotoRecord[]): void {
    orders.seed(orderRecord({ status: 'VALIDATING', photoCount: records.length, submissions: 1, taskToken: undefined, executionArn: undefined, timeline: [{ status: 'DRAFT', at: '2030-01-01T00:00:00.000Z' }, { status: 'VALIDATING', at: '2030-01-01T00:01:00.000Z' }] }));
    photos.seed(...records);
  }

  const six = () => [0, 1, 2, 3, 4, 5].map((i) => acceptedPhoto(i));
  const check = (attempt = 0) => invokeTask(handler, { orderId: ORDER_ID, attempt });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    orders = new FakeOrderStore();
    photos = new FakePhotoStore(orders);
    handler = checkPhotosHandler({ orders, photos, s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET, now: () => NOW });
  });

  it('keeps the fixtures apart: distinct photos are no near-duplicates, a near hash is', () => {
    // Assess: what the duplicate tests below rely on.
    for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) expect(isNearDuplicate(hashOf(a), hashOf(b))).toBe(false);
    expect(isNearDuplicate(hashOf(0), nearHashOf(0))).toBe(true);
  });

  describe('While photos are being checked', () => {
    it.each([
      { case: 'being validated', pending: photoRecord(6, { status: 'VALIDATING' }) },
      { case: 'still uploading within its window', pending: photoRecord(6) },
    ])('answers PENDING with the next attempt while a photo is $case, deciding nothing', async ({ pending }) => {
      // Prepare
      holding(...six(), pending);

      // Act
      const output = await check(3);

      // Assess
      expect(output).toEqual({ photos: 'PENDING', attempt: 4, accepted: 6 });
      expect(photos.methodsCalled()).toEqual(['list']);
      expect(orders.peek(ORDER_ID)!.status).toBe('VALIDATING');
      expect(s3Mock).not.toHaveReceivedAnyCommand();
    });

    it('refuses an upload that never arrived within its window, without waiting for it', async () => {
      // Prepare: created more than the upload window (and a minute's grace) before now.
      const abandoned = photoRecord(6, { createdAt: new Date(NOW - (UPLOAD_WINDOW_SECONDS + 61) * 1000).toISOString() });
      holding(...six(), abandoned);

      // Act
      const output = await check();

      // Assess
      expect(output).toEqual({ photos: 'READY', attempt: 0, accepted: 6 });
      expect(photos.peek(ORDER_ID, abandoned.photoId)).toMatchObject({ status: 'REJECTED', code: 'NOT_UPLOADED', reason: 'This photo never finished uploading — upload it again.' });
    });

    it('still waits for an upload inside its window and grace minute', async () => {
      // Prepare
      const late = photoRecord(6, { createdAt: new Date(NOW - (UPLOAD_WINDOW_SECONDS + 59) * 1000).toISOString() });
      holding(...six(), late);

      // Act
      const output = await check();

      // Assess
      expect(output.photos).toBe('PENDING');
      expect(photos.peek(ORDER_ID, late.photoId)!.status).toBe('UPLOADING');
    });

    it(`gives up on photos still being checked at the ${MAX_CHECKS}th check, refusing them with a reason`, async () => {
      // Prepare
      holding(...six(), photoRecord(6, { status: 'VALIDATING' }), photoRecord(7));

      // Act
      const output = await check(MAX_CHECKS - 1);

      // Assess
      expect(output).toEqual({ photos: 'READY', attempt: MAX_CHECKS - 1, accepted: 6 });
      expect(photos.peek(ORDER_ID, photoRecord(6).photoId)).toMatchObject({ status: 'REJECTED', code: 'NOT_CHECKED', reason: 'We could not check this photo in time — upload it again.' });
      expect(photos.peek(ORDER_ID, photoRecord(7).photoId)).toMatchObject({ status: 'REJECTED', code: 'NOT_UPLOADED' });
    });
  });

  describe('Duplicates checked at the same moment', () => {
    it('marks the later of two near-identical accepted photos DUPLICATE, naming the earlier, and counts it no more', async () => {
      // Prepare: six accepted, the last a near twin of the first.
      holding(...[0, 1, 2, 3, 4].map((i) => acceptedPhoto(i)), acceptedPhoto(5, { hash: nearHashOf(0) }));

      // Act
      const output = await check();

      // Assess
      expect(output).toEqual({ photos: 'NEEDS_NEW_PHOTOS', attempt: 0, accepted: 5 });
      expect(photos.peek(ORDER_ID, acceptedPhoto(5).photoId)).toMatchObject({
        status: 'DUPLICATE',
        code: 'DUPLICATE',
        reason: 'This is the same picture as “selfie-0.jpg” — upload a different shot (another angle, outfit or place).',
        hash: nearHashOf(0),
      });
      expect(photos.peek(ORDER_ID, acceptedPhoto(0).photoId)!.status).toBe('ACCEPTED');
    });

    it('leaves distinct accepted photos alone', async () => {
      // Prepare
      holding(...six());

      // Act
      await check();

      // Assess
      expect(photos.peekAll(ORDER_ID).map((p) => p.status)).toEqual(Array(6).fill('ACCEPTED'));
      expect(photos.methodsCalled()).toEqual(['list']);
    });
  });

  describe('Too few accepted photos', () => {
    it('sends the order back as NEEDS_NEW_PHOTOS, saying what is missing', async () => {
      // Prepare
      holding(...[0, 1, 2, 3].map((i) => acceptedPhoto(i)), rejectedPhoto(4), rejectedPhoto(5, { status: 'DUPLICATE', code: 'DUPLICATE' }));

      // Act
      const output = await check(2);

      // Assess
      const missing = '4 of 6 photos accepted: upload 2 more clear photos of just you.';
      expect(output).toEqual({ photos: 'NEEDS_NEW_PHOTOS', attempt: 2, accepted: 4 });
      const order = orders.peek(ORDER_ID)!;
      expect(order).toMatchObject({ status: 'NEEDS_NEW_PHOTOS', missing });
      expect(order.timeline.at(-1)).toEqual({ status: 'NEEDS_NEW_PHOTOS', at: expect.any(String), detail: missing });
    });

    it('writes no training manifest', async () => {
      // Prepare
      holding(acceptedPhoto(0));

      // Act
      await check();

      // Assess
      expect(s3Mock).not.toHaveReceivedAnyCommand();
    });

    it('asks for one more photo in the singular', async () => {
      // Prepare
      holding(...[0, 1, 2, 3, 4].map((i) => acceptedPhoto(i)));

      // Act
      await check();

      // Assess
      expect(orders.peek(ORDER_ID)!.missing).toBe('5 of 6 photos accepted: upload 1 more clear photo of just you.');
    });

    it('uses the number of photos it is configured to need', async () => {
      // Prepare
      handler = checkPhotosHandler({ orders, photos, s3: new S3Client({}), uploadsBucket: TEST_ENV.UPLOADS_BUCKET, now: () => NOW, minAccepted: 2 });
      holding(acceptedPhoto(0), acceptedPhoto(1));

      // Act
      const output = await check();

      // Assess
      expect(output.photos).toBe('READY');
    });
  });

  describe('Enough accepted photos', () => {
    it('writes the training manifest of the accepted face crops', async () => {
      // Prepare
      holding(...six(), rejectedPhoto(6));

      // Act
      await check();

      // Assess
      expect(s3Mock).toHaveReceivedCommandTimes(PutObjectCommand, 1);
      const input = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
      expect(input).toMatchObject({ Bucket: TEST_ENV.UPLOADS_BUCKET, Key: `orders/${ORDER_ID}/training.json`, ContentType: 'application/json' });
      expect(JSON.parse(input.Body as string)).toEqual({
        orderId: ORDER_ID,
        customerId: CUSTOMER_SUB,
        photos: six().map((p) => ({ photoId: p.photoId, photoKey: p.photoKey, cropKey: p.cropKey })),
      });
    });

    it('moves the order to SUBMITTED and answers READY', async () => {
      // Prepare
      holding(...six());

      // Act
      const output = await check(5);

      // Assess
      expect(output).toEqual({ photos: 'READY', attempt: 5, accepted: 6 });
      expect(orders.peek(ORDER_ID)).toMatchObject({ status: 'SUBMITTED' });
      expect(orders.peek(ORDER_ID)!.timeline.at(-1)).toEqual({ status: 'SUBMITTED', at: expect.any(String), detail: '6 photos accepted' });
    });

    it('fails, leaving the order VALIDATING for a retry, when the manifest cannot be written', async () => {
      // Prepare
      holding(...six());
      s3Mock.on(PutObjectCommand).rejects(new Error('SlowDown'));

      // Act
      const checking = check();

      // Assess
      await expect(checking).rejects.toThrow('SlowDown');
      expect(orders.peek(ORDER_ID)!.status).toBe('VALIDATING');
    });

    it('fails when the order is no longer being validated, so the pipeline sees the conflict', async () => {
      // Prepare
      holding(...six());
      orders.seed({ ...orders.peek(ORDER_ID)!, status: 'FAILED' });

      // Act & Assess
      await expect(check()).rejects.toThrow(/not in VALIDATING/);
    });
  });
});
