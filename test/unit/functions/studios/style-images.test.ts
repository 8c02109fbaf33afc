import '../../helpers/env';
import 'aws-sdk-client-mock-jest';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import { completeStyleImageHandler } from '#functions/studios/complete-style-image.handler';
import { createStyleImageUploadHandler } from '#functions/studios/create-style-image-upload.handler';
import { deleteStyleImageHandler } from '#functions/studios/delete-style-image.handler';
import { styleImageKey } from '#functions/studios/studio-store';
import { MAX_STYLE_IMAGE_BYTES, MAX_STYLE_IMAGES, type StudioView } from '#shared/studios';
import type { PresignedPost } from '#shared/photos';
import { TEST_ENV } from '../../helpers/env';
import { adminClaims, type Claims, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeStudioStore } from '../../helpers/fake-studio-store';
import { policyOf, signingS3 } from '../../helpers/s3';
import { image, STUDIO_ID, studioRecord, styleRecord } from '../../helpers/studios';
import { readHeicFixture } from '../photos/fixtures';

const BUCKET = TEST_ENV.STUDIO_MEDIA_BUCKET;
const IMAGE_ID = '7d3e1f2a-4b5c-4d6e-8f70-8192a3b4c5d6';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY = styleImageKey(STUDIO_ID, 'corporate-grey', IMAGE_ID);

/** The studio with one style holding `images`. */
const seeded = (images = [image('sample-0')]) => new FakeStudioStore().seed(studioRecord(), [styleRecord(0, images)]);
const many = (kind: 'sample' | 'reference', count: number) => Array.from({ length: count }, (_, i) => image(`${kind}-${i}`, kind));

describe('Function: CreateStyleImageUpload', () => {
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof createStyleImageUploadHandler>;
  const start = (body: unknown, styleId = 'corporate-grey', claims: Claims | null = adminClaims, studioId = STUDIO_ID) =>
    makeEvent({ routeKey: 'POST /v1/admin/studios/{studioId}/styles/{styleId}/images', pathParameters: { studioId, styleId }, body, claims });

  beforeEach(() => {
    studios = seeded();
    handler = createStyleImageUploadHandler({ studios, s3: signingS3(), bucket: BUCKET });
  });

  it("answers 201 with a new image ID and a presigned POST for exactly its key, type, kind and at most 10 MB", async () => {
    // Act
    const response = await invoke<{ imageId: string; upload: PresignedPost }>(handler, start({ kind: 'reference', contentType: 'image/png', size: 123_456 }));

    // Assess
    expect(response.statusCode).toBe(201);
    const { imageId, upload } = response.body;
    expect(imageId).toMatch(UUID);
    expect(upload.url).toBe(`https://${BUCKET}.s3.eu-west-1.amazonaws.com/`);
    expect(policyOf(upload).conditions).toEqual(
      expect.arrayContaining([
        { bucket: BUCKET },
        { key: styleImageKey(STUDIO_ID, 'corporate-grey', imageId) },
        ['content-length-range', 1, MAX_STYLE_IMAGE_BYTES],
        ['eq', '$Content-Type', 'image/png'],
        ['eq', '$x-amz-meta-kind', 'reference'],
      ]),
    );
    expect(upload.fields['x-amz-meta-kind']).toBe('reference');
  });

  it('adds nothing to the style until the upload is completed', async () => {
    // Act
    await invoke(handler, start({ kind: 'sample', contentType: 'image/jpeg', size: 1000 }));

    // Assess
    expect(studios.methodsCalled()).toEqual(['get']);
    expect(studios.peek(STUDIO_ID)!.styles[0]!.images).toEqual([image('sample-0')]);
  });

  it(`answers 409 TOO_MANY_IMAGES when the style has ${MAX_STYLE_IMAGES} images of the kind, but not for the other kind`, async () => {
    // Prepare
    studios = seeded(many('sample', MAX_STYLE_IMAGES));
    handler = createStyleImageUploadHandler({ studios, s3: signingS3(), bucket: BUCKET });

    // Act
    const samples = await invoke(handler, start({ kind: 'sample', contentType: 'image/jpeg', size: 1000 }));
    const references = await invoke(handler, start({ kind: 'reference', contentType: 'image/jpeg', size: 1000 }));

    // Assess
    expect(samples.statusCode).toBe(409);
    expect(samples.body).toMatchObject({ code: 'TOO_MANY_IMAGES' });
    expect(references.statusCode).toBe(201);
  });

  it.each([
    { case: 'a studio that does not exist', studioId: 'no-such-studio', styleId: 'corporate-grey', code: 'STUDIO_NOT_FOUND' },
    { case: 'a style the studio does not have', studioId: STUDIO_ID, styleId: 'no-such-style', code: 'STYLE_NOT_FOUND' },
  ])('answers 404 $code for $case', async ({ studioId, styleId, code }) => {
    // Act
    const response = await invoke(handler, start({ kind: 'sample', contentType: 'image/jpeg', size: 1000 }, styleId, adminClaims, studioId));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code });
  });

  it.each([
    { case: 'a HEIC image', body: { kind: 'sample', contentType: 'image/heic', size: 1000 } },
    { case: 'an image over 10 MB', body: { kind: 'sample', contentType: 'image/jpeg', size: MAX_STYLE_IMAGE_BYTES + 1 } },
    { case: 'an unknown kind', body: { kind: 'cover', contentType: 'image/jpeg', size: 1000 } },
  ])('answers 400 VALIDATION_FAILED for $case', async ({ body }) => {
    // Act
    const response = await invoke(handler, start(body));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(studios.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer', async () => {
    // Act
    const response = await invoke(handler, start({ kind: 'sample', contentType: 'image/jpeg', size: 1000 }, 'corporate-grey', customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
  });
});

describe('Function: CompleteStyleImage', () => {
  const s3Mock = mockClient(S3Client);
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof completeStyleImageHandler>;
  let png: Buffer;

  const complete = (imageId = IMAGE_ID, claims: Claims | null = adminClaims, styleId = 'corporate-grey') =>
    makeEvent({ routeKey: 'POST /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}/complete', pathParameters: { studioId: STUDIO_ID, styleId, imageId }, claims });
  const uploaded = (bytes: Buffer, kind = 'reference', contentType = 'image/png') =>
    s3Mock.on(GetObjectCommand).resolves({ ContentType: contentType, Metadata: { kind }, Body: { transformToByteArray: async () => new Uint8Array(bytes) } } as never);

  beforeAll(async () => {
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } }).png().toBuffer();
  });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(DeleteObjectCommand).resolves({});
    uploaded(png);
    studios = seeded();
    handler = completeStyleImageHandler({ studios, s3: signingS3(), bucket: BUCKET });
  });

  it('adds the uploaded image to its style with the kind it was uploaded as, and answers the studio', async () => {
    // Act
    const response = await invoke<StudioView>(handler, complete());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(studios.peek(STUDIO_ID)!.styles[0]!.images).toEqual([image('sample-0'), { imageId: IMAGE_ID, kind: 'reference', key: KEY }]);
    const added = response.body.styles[0]!.images.find((i) => i.imageId === IMAGE_ID)!;
    expect(added.kind).toBe('reference');
    expect(new URL(added.url).pathname).toBe(`/${KEY}`);
    expect(s3Mock).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(s3Mock).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it('treats an image without a known kind as a sample', async () => {
    // Prepare
    uploaded(png, 'cover');

    // Act
    await invoke(handler, complete());

    // Assess
    expect(studios.peek(STUDIO_ID)!.styles[0]!.images.at(-1)).toEqual({ imageId: IMAGE_ID, kind: 'sample', key: KEY });
  });

  it('adds an image completed twice once', async () => {
    // Act
    await invoke(handler, complete());
    await invoke(handler, complete());

    // Assess
    expect(studios.peek(STUDIO_ID)!.styles[0]!.images).toHaveLength(2);
  });

  it.each([
    { case: 'a file that is no image', bytes: () => Buffer.from('<svg onload="alert(1)"></svg>'), contentType: 'image/png' },
    { case: 'a HEIC image', bytes: () => readHeicFixture(), contentType: 'image/heic' },
  ])('answers 409 IMAGE_NOT_UPLOADED for $case, deleting it and adding nothing', async ({ bytes, contentType }) => {
    // Prepare
    uploaded(bytes(), 'sample', contentType);

    // Act
    const response = await invoke(handler, complete());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'IMAGE_NOT_UPLOADED', message: expect.stringMatching(/Upload a JPEG, PNG or WebP image\.$/) });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
    expect(studios.peek(STUDIO_ID)!.styles[0]!.images).toEqual([image('sample-0')]);
  });

  it('answers 409 IMAGE_NOT_UPLOADED when nothing was uploaded', async () => {
    // Prepare
    s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    // Act
    const response = await invoke(handler, complete());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'IMAGE_NOT_UPLOADED', message: expect.stringContaining('has not arrived') });
    expect(studios.methodsCalled()).toEqual([]);
  });

  it(`answers 409 TOO_MANY_IMAGES when the style filled up meanwhile, deleting the file nothing will show`, async () => {
    // Prepare
    studios = seeded(many('reference', MAX_STYLE_IMAGES));
    handler = completeStyleImageHandler({ studios, s3: signingS3(), bucket: BUCKET });

    // Act
    const response = await invoke(handler, complete());

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toMatchObject({ code: 'TOO_MANY_IMAGES' });
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
  });

  it('answers 404 STYLE_NOT_FOUND for a style removed meanwhile', async () => {
    // Act
    const response = await invoke(handler, complete(IMAGE_ID, adminClaims, 'no-such-style'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'STYLE_NOT_FOUND' });
  });

  it('answers 400 VALIDATION_FAILED for an image ID that is not a UUID, reading nothing', async () => {
    // Act
    const response = await invoke(handler, complete('../../other-studio/x'));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('answers 403 FORBIDDEN to a customer, reading nothing', async () => {
    // Act
    const response = await invoke(handler, complete(IMAGE_ID, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });
});

describe('Function: DeleteStyleImage', () => {
  const s3Mock = mockClient(S3Client);
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof deleteStyleImageHandler>;
  const stored = { imageId: IMAGE_ID, kind: 'sample' as const, key: KEY };

  const remove = (imageId = IMAGE_ID, claims: Claims | null = adminClaims, styleId = 'corporate-grey') =>
    makeEvent({ routeKey: 'DELETE /v1/admin/studios/{studioId}/styles/{styleId}/images/{imageId}', pathParameters: { studioId: STUDIO_ID, styleId, imageId }, claims });

  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(DeleteObjectCommand).resolves({});
    studios = seeded([stored, image('sample-1')]);
    handler = deleteStyleImageHandler({ studios, s3: signingS3(), bucket: BUCKET });
  });

  it('removes the image from its style, deletes its file and answers the studio', async () => {
    // Act
    const response = await invoke<StudioView>(handler, remove());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.styles[0]!.images.map((i) => i.imageId)).toEqual(['sample-1']);
    expect(studios.peek(STUDIO_ID)!.studio.coverKey).toBe(image('sample-1').key);
    expect(s3Mock).toHaveReceivedCommandTimes(DeleteObjectCommand, 1);
    expect(s3Mock).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: KEY });
  });

  it('answers 404 IMAGE_NOT_FOUND for an image the style does not hold, deleting no file', async () => {
    // Act
    const response = await invoke(handler, remove('00000000-0000-4000-8000-000000000000'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'IMAGE_NOT_FOUND' });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('answers 404 STYLE_NOT_FOUND for a style the studio does not have', async () => {
    // Act
    const response = await invoke(handler, remove(IMAGE_ID, adminClaims, 'no-such-style'));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ code: 'STYLE_NOT_FOUND' });
  });

  it('answers 403 FORBIDDEN to a customer, changing nothing', async () => {
    // Act
    const response = await invoke(handler, remove(IMAGE_ID, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(studios.calls).toEqual([]);
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });
});
