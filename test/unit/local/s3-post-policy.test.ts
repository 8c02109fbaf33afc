import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { accessDenied } from '../../../infra/local/s3/errors';
import { checkPostPolicy, type PostForm, type PostPolicyContext } from '../../../infra/local/s3/post-policy';
import { signature, signingKey } from '../../../infra/local/s3/sigv4';

const REGION = 'us-east-1';
const BUCKET = 'headshot-studio-uploads';
const KEY_ID = 'LOCALUPLOADER';
const SECRET = 'local-function-secret';
const NOW = new Date();

/** Real presigned POSTs, made by the SDK the functions use, with static credentials. */
function presign(options: Partial<PresignedPostOptions> = {}, secret = SECRET) {
  const client = new S3Client({ region: REGION, endpoint: 'http://127.0.0.1:4569', forcePathStyle: true, credentials: { accessKeyId: KEY_ID, secretAccessKey: secret } });
  return createPresignedPost(client, {
    Bucket: BUCKET,
    Key: 'originals/order-1/selfie.jpg',
    Fields: { 'Content-Type': 'image/jpeg' },
    Conditions: [
      ['starts-with', '$Content-Type', 'image/'],
      ['content-length-range', 10, 1000],
    ],
    Expires: 300,
    ...options,
  });
}

/** The form a browser posts: the returned fields in order, then the file. */
function form(fields: Record<string, string>, size = 100, filename = 'me.jpg'): PostForm {
  return { fields: Object.entries(fields), file: { size, filename } };
}

const context = (overrides: Partial<PostPolicyContext> = {}): PostPolicyContext => ({
  bucket: BUCKET,
  region: REGION,
  now: NOW,
  secretOf: (key) => (key === KEY_ID ? SECRET : undefined),
  ...overrides,
});

const errorOf = (result: ReturnType<typeof checkPostPolicy>) => (result.ok ? undefined : result.error);

describe('a presigned POST (browser form upload), checked as S3 checks it', () => {
  it('accepts the form createPresignedPost returns, and names the key, the signer and the stored fields', async () => {
    const { fields } = await presign();
    const result = checkPostPolicy(form(fields), context());
    expect(result).toMatchObject({ ok: true, accessKey: KEY_ID, key: 'originals/order-1/selfie.jpg' });
    expect(result.ok && result.fields.get('content-type')).toBe('image/jpeg');
  });

  it('refuses an expired policy: 403 AccessDenied "Policy expired."', async () => {
    const { fields } = await presign({ Expires: 60 });
    expect(errorOf(checkPostPolicy(form(fields), context({ now: new Date(Date.now() + 61_000) })))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
  });

  it('refuses a policy changed after signing: 403 SignatureDoesNotMatch, the policy as the string to sign', async () => {
    const { fields } = await presign();
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString()) as { conditions: unknown[] };
    policy.conditions = policy.conditions.map((c) => (JSON.stringify(c) === '["content-length-range",10,1000]' ? ['content-length-range', 10, 10_000_000] : c));
    const tampered = Buffer.from(JSON.stringify(policy)).toString('base64');
    expect(errorOf(checkPostPolicy(form({ ...fields, Policy: tampered }, 5000), context()))).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
      details: { AWSAccessKeyId: KEY_ID, StringToSign: tampered, SignatureProvided: fields['X-Amz-Signature'] },
    });
  });

  it('refuses a changed key field: 403 AccessDenied, the failed condition named', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form({ ...fields, key: 'originals/someone-else/selfie.jpg' }), context()))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$key", "originals/order-1/selfie.jpg"]',
    });
  });

  it('refuses a field no condition names: 403 AccessDenied "Extra input fields", but ignores x-ignore-* fields', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form({ ...fields, 'x-amz-meta-owner': 'me', 'X-Amz-Meta-Tag': 't' }), context()))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Extra input fields: x-amz-meta-owner, x-amz-meta-tag',
    });
    expect(checkPostPolicy(form({ ...fields, 'x-ignore-filename': 'me.jpg' }), context()).ok).toBe(true);
  });

  it('refuses a Content-Type outside the policy: the exact match and the starts-with condition both hold it', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form({ ...fields, 'Content-Type': 'text/html' }), context()))?.message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
    );
    const { fields: anyImage } = await presign({ Fields: {}, Conditions: [['starts-with', '$Content-Type', 'image/']] });
    expect(checkPostPolicy(form({ ...anyImage, 'Content-Type': 'image/png' }), context()).ok).toBe(true);
    expect(checkPostPolicy(form({ ...anyImage, 'Content-Type': 'image/png, text/html' }), context()).ok).toBe(false);
    // A starts-with condition needs its field: without one, it fails (and so does a field it does not cover).
    expect(errorOf(checkPostPolicy(form(anyImage), context()))?.message).toBe('Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]');
  });

  it('holds the real file length to content-length-range: 400 EntityTooLarge and EntityTooSmall with the sizes', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form(fields, 1001), context()))).toEqual({
      status: 400,
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      details: { ProposedSize: 1001, MaxSizeAllowed: 1000 },
    });
    expect(errorOf(checkPostPolicy(form(fields, 9), context()))).toEqual({
      status: 400,
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed size',
      details: { ProposedSize: 9, MinSizeAllowed: 10 },
    });
    expect(checkPostPolicy(form(fields, 1000), context()).ok).toBe(true);
    expect(checkPostPolicy(form(fields, 10), context()).ok).toBe(true);
  });

  it('refuses a wrong signature, and a policy signed with another secret: 403 SignatureDoesNotMatch', async () => {
    const { fields } = await presign();
    const flipped = fields['X-Amz-Signature'].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(errorOf(checkPostPolicy(form({ ...fields, 'X-Amz-Signature': flipped }), context()))?.code).toBe('SignatureDoesNotMatch');
    const { fields: forged } = await presign({}, 'not-the-secret');
    expect(errorOf(checkPostPolicy(form(forged), context()))?.code).toBe('SignatureDoesNotMatch');
  });

  it('refuses an access key the cloud does not know: 403 InvalidAccessKeyId', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form(fields), context({ secretOf: () => undefined })))).toEqual({
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
      details: { AWSAccessKeyId: KEY_ID },
    });
  });

  it('checks the bucket posted to against the bucket condition', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy(form(fields), context({ bucket: 'headshot-studio-outputs' })))?.message).toBe(
      `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${BUCKET}"]`,
    );
  });

  it("refuses the upload when the signer's IAM statements do not allow s3:PutObject on the key", async () => {
    const { fields } = await presign();
    const seen: string[] = [];
    const result = checkPostPolicy(form(fields), context({ authorize: (key, objectKey) => (seen.push(`${key} ${objectKey}`), accessDenied()) }));
    expect(errorOf(result)).toEqual({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    expect(seen).toEqual([`${KEY_ID} originals/order-1/selfie.jpg`]);
  });

  it('expands ${filename} (without its path) before matching, and stores the expanded key', async () => {
    const { fields } = await presign({ Key: 'originals/order-1/${filename}' });
    const result = checkPostPolicy(form(fields, 100, 'C:\\Users\\me\\selfie 1.jpg'), context());
    expect(result).toMatchObject({ ok: true, key: 'originals/order-1/selfie 1.jpg' });
  });

  it('reads field names without regard to case', async () => {
    const { fields } = await presign();
    const lower = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name.toLowerCase(), value]));
    expect(checkPostPolicy(form(lower), context()).ok).toBe(true);
  });

  it('refuses a form without a file, without a key, or without a signature, as S3 does', async () => {
    const { fields } = await presign();
    expect(errorOf(checkPostPolicy({ fields: Object.entries(fields) }, context()))).toMatchObject({ status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' });
    const { key: _key, ...keyless } = fields;
    expect(errorOf(checkPostPolicy(form(keyless), context()))).toMatchObject({ status: 400, code: 'InvalidArgument', details: { ArgumentName: 'key' } });
    expect(errorOf(checkPostPolicy(form({ key: 'originals/x.jpg', 'Content-Type': 'image/jpeg' }), context()))).toEqual({ status: 403, code: 'AccessDenied', message: 'Access Denied' });
    const { 'X-Amz-Signature': _signature, ...unsigned } = fields;
    expect(errorOf(checkPostPolicy(form(unsigned), context()))).toMatchObject({ status: 400, code: 'InvalidArgument', details: { ArgumentName: 'X-Amz-Signature' } });
  });

  it('refuses a signed policy that is not a policy document: 400 InvalidPolicyDocument', async () => {
    const { fields } = await presign();
    const date = fields['X-Amz-Credential'].split('/')[1];
    const sign = (policy: string) => signature(signingKey(SECRET, date, REGION, 's3'), policy);
    for (const [document, message] of [
      ['not json', 'Invalid Policy: Invalid JSON.'],
      [JSON.stringify({ conditions: [] }), 'Invalid Policy: Policy missing expiration.'],
      [JSON.stringify({ expiration: 'tomorrow', conditions: [] }), "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"],
    ]) {
      const policy = Buffer.from(document).toString('base64');
      expect(errorOf(checkPostPolicy(form({ ...fields, Policy: policy, 'X-Amz-Signature': sign(policy) }), context()))).toEqual({ status: 400, code: 'InvalidPolicyDocument', message });
    }
  });
});
