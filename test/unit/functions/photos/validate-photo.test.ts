import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import type { DetectedFace, FaceAnalyzer } from '#functions/photos/faces/port';
import { photoKeys } from '#functions/photos/photo-store';
import { validatePhotoHandler } from '#functions/photos/validate-photo.handler';
import { TEST_ENV } from '../../helpers/env';
import { CUSTOMER_SUB, invokeTask, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakePhotoStore } from '../../helpers/fake-photo-store';
import { ORDER_ID, orderRecord } from '../../helpers/orders';
import { photoId, photoRecord } from '../../helpers/photos';
import { sceneJpeg } from './scenes';

/** S3's Object Created event as EventBridge delivers it. */
function objectCreated(key: string, bucket: string = TEST_ENV.UPLOADS_BUCKET) {
  return {
    version: '0',
    id: 'b5b9f0a5-0000-4000-8000-000000000000',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2030-01-01T00:00:10Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { version: '0', bucket: { name: bucket }, object: { key, size: 1000, etag: 'abc', sequencer: '00' }, reason: 'POST Object' },
  };
}

const originalOf = (index: number, customerId = CUSTOMER_SUB) => photoKeys(customerId, ORDER_ID, photoId(index)).original;

/** A face analyser that finds `faces(width, height)` in every photo: by default one clear face, 40% of the shorter side, in the middle. */
function fakeAnalyzer(faces?: (width: number, height: number) => DetectedFace[]): FaceAnalyzer & { readonly seen: number[] } {
  const seen: number[] = [];
  const oneFace = (width: number, height: number): DetectedFace[] => {
    const side = Math.round(Math.min(width, height) * 0.4);
    return [{ box: { left: Math.round((width - side) / 2), top: Math.round((height - side) / 2), width: side, height: side }, confidence: 0.99, pose: { yaw: 0, pitch: 0, roll: 0 }, sharpness: 0.8 }];
  };
  return {
    seen,
    async detect(jpeg) {
      const { width = 0, height = 0 } = await sharp(jpeg).metadata();
      seen.push(jpeg.length);
      return (faces ?? oneFace)(width, height);
    },
  };
}

/** A GetObject answer whose body is `bytes`. */
const objectOf = (bytes: Buffer) => ({ ContentLength: bytes.length, ContentType: 'image/jpeg', Body: { transformToByteArray: async () => new Uint8Array(bytes) } }) as never;

describe('Function: ValidatePhoto', () => {
  const s3Mock = mockClient(S3Client);
  let orders: FakeOrderStore;
  let photos: FakePhotoStore;
  let analyzer: ReturnType<typeof fakeAnalyzer>;
  let loads: number;
  let handler: ReturnType<typeof validatePhotoHandler>;
  let selfie: Buffer;
  let other: Buffer;

  beforeAll(async () => {
    [selfie, other] = await Promise.all([sceneJpeg(11, { width: 900, height: 900 }), sceneJpeg(12, { width: 900, height: 900 })]);
  });

  const build = (faces?: (width: number, height: number) => DetectedFace[]) => {
    analyzer = fakeAnalyzer(faces);
    handler = validatePhotoHandler({
      photos,
      s3: new S3Client({}),
      uploadsBucket: TEST_ENV.UPLOADS_BUCKET,
      analyzer: async () => {
        loads++;
        return analyzer;
      },
    });
  };

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(GetObjectCommand).callsFake(() => objectOf(selfie));
    s3Mock.on(PutObjectCommand).resolves({});
    s3Mock.on(DeleteObjectCommand).resolves({});
    orders = new FakeOrderStore().seed(orderRecord({ status: 'DRAFT', photoCount: 2, taskToken: undefined, executionArn: undefined }));
    photos = new FakePhotoStore(orders).seed(photoRecord(0), photoRecord(1));
    loads = 0;
    build();
  });

  const validate = (index = 0, event: unknown = objectCreated(originalOf(index))) => invokeTask(handler, event);
  const puts = () => s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
  const deletedKeys = () => s3Mock.commandCalls(DeleteObjectCommand).map((call) => call.args[0].input.Key);

  describe('An accepted photo', () => {
    it('answers ACCEPTED and records the verdict with its files, size, face and hash', async () => {
      // Act
      const result = await validate();

      // Assess
      const keys = photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(0));
      expect(result).toEqual({ outcome: 'ACCEPTED' });
      expect(photos.peek(ORDER_ID, photoId(0))).toEqual({
        ...photoRecord(0),
        status: 'ACCEPTED',
        photoKey: keys.photo,
        cropKey: keys.crop,
        hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        width: 900,
        height: 900,
        face: { left: expect.closeTo(0.3, 2), top: expect.closeTo(0.3, 2), width: expect.closeTo(0.4, 2), height: expect.closeTo(0.4, 2) },
        updatedAt: expect.any(String),
      });
    });

    it('stores the normalised JPEG and the face crop beside it', async () => {
      // Act
      await validate();

      // Assess
      const keys = photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(0));
      expect(puts().map((p) => ({ Bucket: p.Bucket, Key: p.Key, ContentType: p.ContentType })).sort((a, b) => a.Key!.localeCompare(b.Key!))).toEqual([
        { Bucket: TEST_ENV.UPLOADS_BUCKET, Key: keys.crop, ContentType: 'image/jpeg' },
        { Bucket: TEST_ENV.UPLOADS_BUCKET, Key: keys.photo, ContentType: 'image/jpeg' },
      ]);
      for (const put of puts()) expect((put.Body as Buffer).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    });

    it('writes the files before the verdict, so an accepted photo always has them', async () => {
      // Prepare
      const statuses: string[] = [];
      s3Mock.on(PutObjectCommand).callsFake(() => {
        statuses.push(photos.peek(ORDER_ID, photoId(0))!.status);
        return {};
      });

      // Act
      await validate();

      // Assess
      expect(statuses).toEqual(['VALIDATING', 'VALIDATING']);
    });

    it('deletes the original, keeping only the normalised copy', async () => {
      // Act
      await validate();

      // Assess
      expect(deletedKeys()).toEqual([originalOf(0)]);
      expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: TEST_ENV.UPLOADS_BUCKET, Key: originalOf(0) });
    });

    it('reads the upload it was told about', async () => {
      // Act
      await validate();

      // Assess
      expect(s3Mock).toHaveReceivedCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: TEST_ENV.UPLOADS_BUCKET, Key: originalOf(0) });
    });
  });

  describe('A rejected photo', () => {
    it('records the reason, stores no copy and deletes the original', async () => {
      // Prepare: no face in the picture.
      build(() => []);

      // Act
      const result = await validate();

      // Assess
      expect(result).toEqual({ outcome: 'REJECTED' });
      expect(photos.peek(ORDER_ID, photoId(0))).toMatchObject({ status: 'REJECTED', code: 'NO_FACE', reason: expect.stringContaining('could not find a face') });
      expect(photos.peek(ORDER_ID, photoId(0))).not.toHaveProperty('photoKey');
      expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
      expect(deletedKeys()).toEqual([originalOf(0)]);
    });

    it('refuses two people with MULTIPLE_FACES', async () => {
      // Prepare
      build((width, height) => {
        const side = Math.round(Math.min(width, height) * 0.3);
        const face = (left: number): DetectedFace => ({ box: { left, top: 100, width: side, height: side }, confidence: 0.99, pose: { yaw: 0, pitch: 0, roll: 0 }, sharpness: 0.8 });
        return [face(50), face(width - side - 50)];
      });

      // Act
      await validate();

      // Assess
      expect(photos.peek(ORDER_ID, photoId(0))).toMatchObject({ status: 'REJECTED', code: 'MULTIPLE_FACES' });
    });

    it('refuses a file that is no image without asking the face analyser', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).callsFake(() => objectOf(Buffer.from('<html><script>alert(1)</script></html>')));

      // Act
      const result = await validate();

      // Assess
      expect(result).toEqual({ outcome: 'REJECTED' });
      expect(photos.peek(ORDER_ID, photoId(0))).toMatchObject({ status: 'REJECTED', code: expect.any(String), reason: expect.any(String) });
      expect(analyzer.seen).toEqual([]);
      expect(deletedKeys()).toEqual([originalOf(0)]);
    });

    it("marks a second upload of the same picture DUPLICATE, naming the first one's file", async () => {
      // Prepare
      await validate(0);
      s3Mock.resetHistory();

      // Act
      const result = await validate(1);

      // Assess
      expect(result).toEqual({ outcome: 'DUPLICATE' });
      expect(photos.peek(ORDER_ID, photoId(1))).toMatchObject({ status: 'DUPLICATE', code: 'DUPLICATE', reason: expect.stringContaining('“selfie-0.jpg”'), hash: photos.peek(ORDER_ID, photoId(0))!.hash });
      expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
      expect(deletedKeys()).toEqual([originalOf(1)]);
    });

    it('accepts a different picture of the same order', async () => {
      // Prepare
      await validate(0);
      s3Mock.on(GetObjectCommand).callsFake(() => objectOf(other));

      // Act
      const result = await validate(1);

      // Assess
      expect(result).toEqual({ outcome: 'ACCEPTED' });
    });
  });

  describe('Events to leave alone', () => {
    it('ignores a redelivered event for a photo with a verdict, touching no file', async () => {
      // Prepare
      await validate();
      const settled = photos.peek(ORDER_ID, photoId(0));
      s3Mock.resetHistory();

      // Act
      const result = await validate();

      // Assess
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(photos.peek(ORDER_ID, photoId(0))).toEqual(settled);
      expect(s3Mock).not.toHaveReceivedAnyCommand();
    });

    it('deletes the upload of a photo removed while it was uploading', async () => {
      // Prepare
      await photos.delete(ORDER_ID, photoId(0));
      photos.calls.length = 0;

      // Act
      const result = await validate();

      // Assess
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(deletedKeys()).toEqual([originalOf(0)]);
      expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
      expect(photos.peek(ORDER_ID, photoId(0))).toBeUndefined();
      expect(loads).toBe(0);
    });

    it("deletes an upload whose key names another customer than the photo's", async () => {
      // Act
      const result = await validate(0, objectCreated(originalOf(0, OTHER_CUSTOMER_SUB)));

      // Assess
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(deletedKeys()).toEqual([originalOf(0, OTHER_CUSTOMER_SUB)]);
      expect(photos.peek(ORDER_ID, photoId(0))!.status).toBe('UPLOADING');
    });

    it('keeps no copy of a photo removed while it was being checked', async () => {
      // Prepare: the customer removes the photo while the face analyser runs.
      build();
      const detect = analyzer.detect.bind(analyzer);
      analyzer.detect = async (jpeg) => {
        const faces = await detect(jpeg);
        await photos.delete(ORDER_ID, photoId(0));
        return faces;
      };

      // Act
      const result = await validate();

      // Assess
      const keys = photoKeys(CUSTOMER_SUB, ORDER_ID, photoId(0));
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(photos.peek(ORDER_ID, photoId(0))).toBeUndefined();
      expect(deletedKeys().sort()).toEqual([keys.crop, keys.original, keys.photo].sort());
    });

    it('ignores an upload that is gone by the time it is read', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

      // Act
      const result = await validate();

      // Assess
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(s3Mock).not.toHaveReceivedCommand(PutObjectCommand);
    });

    it('fails on a transient read error, so the event is delivered again, keeping the original', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(new Error('SlowDown'));

      // Act
      const validating = validate();

      // Assess
      await expect(validating).rejects.toThrow('SlowDown');
      expect(photos.peek(ORDER_ID, photoId(0))!.status).toBe('VALIDATING');
      expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
    });

    it.each([
      { case: 'no event at all', event: null },
      { case: 'an empty object', event: {} },
      { case: 'another detail type', event: { ...objectCreated(originalOf(0)), 'detail-type': 'Object Deleted' } },
      { case: 'another source', event: { ...objectCreated(originalOf(0)), source: 'aws.ec2' } },
      { case: 'an event without a key', event: { ...objectCreated(originalOf(0)), detail: { bucket: { name: TEST_ENV.UPLOADS_BUCKET }, object: {} } } },
      { case: 'another bucket', event: objectCreated(originalOf(0), 'someone-elses-bucket') },
      { case: 'a key outside originals/', event: objectCreated(`photos/${CUSTOMER_SUB}/${ORDER_ID}/${photoId(0)}.jpg`) },
      { case: 'a key without UUIDs', event: objectCreated(`originals/${CUSTOMER_SUB}/order-1/photo-1`) },
      { case: 'a key one folder deeper', event: objectCreated(`${originalOf(0)}/x`) },
    ])('ignores $case, touching neither files nor photos', async ({ event }) => {
      // Act
      const result = await validate(0, event);

      // Assess
      expect(result).toEqual({ outcome: 'IGNORED' });
      expect(s3Mock).not.toHaveReceivedAnyCommand();
      expect(photos.calls).toEqual([]);
      expect(loads).toBe(0);
    });
  });
});
