import { createHmac } from 'node:crypto';
import { DOWNLOAD_LINK_SECONDS, presignUpload, signedDownload, UPLOAD_WINDOW_SECONDS } from '#lib/uploads';
import { policyOf, signingS3, TEST_CREDENTIALS } from '../../helpers/s3';

/** A fixed clock: 2030-01-02T03:04:05Z. */
const NOW = new Date('2030-01-02T03:04:05.000Z');
const SPEC = { bucket: 'test-uploads', key: 'originals/customer-1/order-1/photo-1', contentType: 'image/jpeg', maxBytes: 25 * 1024 * 1024 } as const;

/** SigV4's signing key for S3 in eu-west-1 on the fixed date. */
function signingKey(date: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${TEST_CREDENTIALS.secretAccessKey}`, date), 'eu-west-1'), 's3'), 'aws4_request');
}

describe('Module: uploads', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  describe('Function: presignUpload', () => {
    it('posts to the bucket', async () => {
      // Act
      const post = await presignUpload(signingS3(), SPEC);

      // Assess
      expect(post.url).toBe('https://test-uploads.s3.eu-west-1.amazonaws.com/');
    });

    it('limits the policy to exactly this bucket, key, type and size, signed with SigV4 for today', async () => {
      // Act
      const policy = policyOf(await presignUpload(signingS3(), SPEC));

      // Assess: every condition, and no other (createPresignedPost also pins each field it sends, in its own order).
      const expected = [
        { bucket: 'test-uploads' },
        { key: SPEC.key },
        ['content-length-range', 1, SPEC.maxBytes],
        ['eq', '$Content-Type', 'image/jpeg'],
        { 'Content-Type': 'image/jpeg' },
        { 'X-Amz-Date': '20300102T030405Z' },
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': `${TEST_CREDENTIALS.accessKeyId}/20300102/eu-west-1/s3/aws4_request` },
      ];
      expect(policy.conditions).toEqual(expect.arrayContaining(expected));
      expect(policy.conditions).toHaveLength(expected.length);
    });

    it(`expires the policy ${UPLOAD_WINDOW_SECONDS / 60} minutes after it was made`, async () => {
      // Act
      const policy = policyOf(await presignUpload(signingS3(), SPEC));

      // Assess
      expect(UPLOAD_WINDOW_SECONDS).toBe(15 * 60);
      expect(new Date(policy.expiration).getTime() - NOW.getTime()).toBe(15 * 60 * 1000);
      expect(policy.expiration).toBe('2030-01-02T03:19:05Z');
    });

    it('requires each metadata value it is given, exactly, and sends it as a field', async () => {
      // Act
      const post = await presignUpload(signingS3(), { ...SPEC, metadata: { kind: 'reference' } });

      // Assess
      const { conditions } = policyOf(post);
      expect(conditions).toContainEqual(['eq', '$x-amz-meta-kind', 'reference']);
      expect(conditions).toContainEqual({ 'x-amz-meta-kind': 'reference' });
      expect(conditions).toHaveLength(10);
      expect(post.fields['x-amz-meta-kind']).toBe('reference');
    });

    it('adds no metadata condition when it is given none', async () => {
      // Act
      const post = await presignUpload(signingS3(), SPEC);

      // Assess
      expect(JSON.stringify(policyOf(post).conditions)).not.toContain('x-amz-meta');
      expect(Object.keys(post.fields).filter((field) => field.startsWith('x-amz-meta'))).toEqual([]);
    });

    it('hands the browser the fields the policy requires: key, type, algorithm, credential, date, policy and signature', async () => {
      // Act
      const post = await presignUpload(signingS3(), SPEC);

      // Assess
      expect(post.fields).toEqual({
        bucket: 'test-uploads',
        key: SPEC.key,
        'Content-Type': 'image/jpeg',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `${TEST_CREDENTIALS.accessKeyId}/20300102/eu-west-1/s3/aws4_request`,
        'X-Amz-Date': '20300102T030405Z',
        Policy: expect.any(String),
        'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it('signs the policy document with the SigV4 key of the day, so S3 refuses any change to it', async () => {
      // Act
      const post = await presignUpload(signingS3(), SPEC);

      // Assess
      const expected = createHmac('sha256', signingKey('20300102')).update(post.fields.Policy!).digest('hex');
      expect(post.fields['X-Amz-Signature']).toBe(expected);
    });

    it.each(['image/png', 'image/heic'])('requires the declared type %s, not any image type', async (contentType) => {
      // Act
      const post = await presignUpload(signingS3(), { ...SPEC, contentType });

      // Assess
      expect(policyOf(post).conditions).toContainEqual(['eq', '$Content-Type', contentType]);
      expect(JSON.stringify(policyOf(post).conditions)).not.toContain('starts-with');
      expect(post.fields['Content-Type']).toBe(contentType);
    });
  });

  describe('Function: signedDownload', () => {
    it(`signs a GET of the one object, valid for ${DOWNLOAD_LINK_SECONDS / 60} minutes`, async () => {
      // Act
      const url = new URL(await signedDownload(signingS3(), 'test-uploads', 'photos/c/o/p.jpg'));

      // Assess
      expect(url.origin + url.pathname).toBe('https://test-uploads.s3.eu-west-1.amazonaws.com/photos/c/o/p.jpg');
      expect(Object.fromEntries(url.searchParams)).toMatchObject({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Date': '20300102T030405Z',
        'X-Amz-Expires': '3600',
        'X-Amz-SignedHeaders': 'host',
      });
    });
  });
});
