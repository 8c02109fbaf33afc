import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkPresignedUrl, isPresigned, type PresignedUrlContext } from '../../../infra/local/s3/presigned-url';

const REGION = 'us-east-1';
const ENDPOINT = 'http://127.0.0.1:4569';
const KEY_ID = 'LOCALGETORDER';
const SECRET = 'local-function-secret';

const client = (secret = SECRET, region = REGION) =>
  new S3Client({ region, endpoint: ENDPOINT, forcePathStyle: true, credentials: { accessKeyId: KEY_ID, secretAccessKey: secret } });

/** The request a browser makes for a presigned URL: its path and query as given, Host from the URL. */
function browserRequest(url: string, method = 'GET') {
  const parsed = new URL(url);
  return { method, url: `${parsed.pathname}${parsed.search}`, headers: { host: parsed.host, 'user-agent': 'Mozilla/5.0', accept: 'image/avif,image/webp,*/*' } };
}

const context = (overrides: Partial<PresignedUrlContext> = {}): PresignedUrlContext => ({
  region: REGION,
  now: new Date(),
  secretOf: (key) => (key === KEY_ID ? SECRET : undefined),
  ...overrides,
});

describe('a presigned URL (query-string SigV4), checked as S3 checks it', () => {
  it('accepts the URL getSignedUrl makes, for keys that need encoding too', async () => {
    for (const Key of ['outputs/order-1/a.webp', 'originals/order 1/selfie (1)+ü.jpg', "weird/!*'~;,=&?.jpg"]) {
      const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: 'headshot-studio-outputs', Key, ResponseContentDisposition: 'attachment; filename="a b.webp"' }), { expiresIn: 900 });
      expect({ Key, error: checkPresignedUrl(browserRequest(url), context()) }).toEqual({ Key, error: undefined });
    }
    const put = await getSignedUrl(client(), new PutObjectCommand({ Bucket: 'headshot-studio-uploads', Key: 'x.jpg', ContentType: 'image/jpeg' }), { expiresIn: 60 });
    expect(checkPresignedUrl({ ...browserRequest(put, 'PUT'), headers: { ...browserRequest(put).headers, 'content-type': 'image/jpeg' } }, context())).toBeUndefined();
  });

  it('tells presigned requests from header-signed and anonymous ones', async () => {
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(isPresigned(browserRequest(url))).toBe(true);
    expect(isPresigned({ url: '/b/k', headers: {} })).toBe(false);
    expect(isPresigned({ url: '/b/k?X-Amz-Credential=x', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' } })).toBe(false);
  });

  it('refuses an expired URL: 403 AccessDenied "Request has expired", with its expiry and the server time', async () => {
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: 'b', Key: 'k' }), { expiresIn: 60 });
    const later = new Date(Date.now() + 61_000);
    const error = checkPresignedUrl(browserRequest(url), context({ now: later }));
    expect(error).toMatchObject({ status: 403, code: 'AccessDenied', message: 'Request has expired', details: { 'X-Amz-Expires': '60', ServerTime: later.toISOString().replace(/\.\d{3}Z$/, 'Z') } });
    expect(checkPresignedUrl(browserRequest(url), context({ now: new Date(Date.now() + 50_000) }))).toBeUndefined();
  });

  it('refuses a URL changed after signing: another key, another bucket, an added or changed parameter, another method', async () => {
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: 'headshot-studio-outputs', Key: 'outputs/order-1/a.webp' }), { expiresIn: 900 });
    const tampered = [
      url.replace('order-1', 'order-2'),
      url.replace('headshot-studio-outputs', 'headshot-studio-uploads'),
      `${url}&response-content-type=text%2Fhtml`,
      url.replace('X-Amz-Expires=900', 'X-Amz-Expires=901'),
    ];
    for (const changed of tampered) expect({ changed, code: checkPresignedUrl(browserRequest(changed), context())?.code }).toEqual({ changed, code: 'SignatureDoesNotMatch' });
    expect(checkPresignedUrl(browserRequest(url, 'DELETE'), context())?.code).toBe('SignatureDoesNotMatch');
    expect(checkPresignedUrl({ ...browserRequest(url), headers: { host: '127.0.0.1:9999' } }, context())?.code).toBe('SignatureDoesNotMatch');
    const error = checkPresignedUrl(browserRequest(tampered[0]), context());
    expect(error).toMatchObject({ status: 403, message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' });
    expect(error?.details).toMatchObject({ AWSAccessKeyId: KEY_ID, SignatureProvided: new URL(url).searchParams.get('X-Amz-Signature') });
  });

  it('refuses a URL signed with another secret (SignatureDoesNotMatch) or by an unknown key (InvalidAccessKeyId)', async () => {
    const forged = await getSignedUrl(client('guessed'), new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(checkPresignedUrl(browserRequest(forged), context())?.code).toBe('SignatureDoesNotMatch');
    expect(checkPresignedUrl(browserRequest(forged), context({ secretOf: () => undefined }))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId', details: { AWSAccessKeyId: KEY_ID } });
  });

  it('refuses malformed parameters with 400 AuthorizationQueryParametersError', async () => {
    const url = await getSignedUrl(client(), new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    const cases = [
      url.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801'),
      url.replace(/&X-Amz-Date=[^&]+/, ''),
      url.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1'),
      url.replace(/X-Amz-Date=\d{8}T/, 'X-Amz-Date=2026-01-01T'),
    ];
    for (const changed of cases) expect(checkPresignedUrl(browserRequest(changed), context())).toMatchObject({ status: 400, code: 'AuthorizationQueryParametersError' });
    const elsewhere = await getSignedUrl(client(SECRET, 'eu-west-1'), new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(checkPresignedUrl(browserRequest(elsewhere), context())).toMatchObject({
      status: 400,
      message: "Error parsing the X-Amz-Credential parameter; the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    });
  });
});
