import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { CorsRule } from 'aws-cdk-lib/aws-s3';
import S3rver from 's3rver';
import type { FunctionSpec } from '../../infra/catalogue';
import { localName } from '../../infra/local/binders';
import { ACCOUNT, applyBucketCors, browserUploadCors, type FunctionRuntime, LOOPBACK, PREFIX, REGION, registryBuckets, startFunctionRuntime } from '../../infra/local/cloud';
import { deliverObjectEvents, type ObjectEventDelivery, type ObjectCreatedEvent, PostObjectUploads } from '../../infra/local/s3/object-events';
import { objectCreatedEventSchema } from '../../functions/lib/object-events';
import { eventually } from '../support/local-cloud';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');
const WEB = 'http://127.0.0.1:3000';
const UPLOADS = localName('UploadsBucket', PREFIX);
const OUTPUTS = localName('OutputsBucket', PREFIX);
/** Never started: the test calls S3 as these functions would, with their credentials. */
const fn = (id: string, grants: FunctionSpec['grants']): FunctionSpec => ({
  id,
  entry: 'functions/orders/create-order.handler.ts',
  description: id,
  capability: 'api',
  memoryMb: 256,
  timeoutSeconds: 10,
  grants,
});
const FUNCTIONS = [fn('Uploader', { UploadsBucket: 'readWrite' }), fn('Outsider', { OutputsBucket: 'readWrite' })];

/**
 * The local S3 as a browser meets it: s3rver behind the functions' S3 proxy (the S3 front), the
 * uploads bucket's CORS rule, and Object Created events, started as the local cloud starts them but
 * without the other services. The functions' presigned POSTs and GETs are made with the SDK and their
 * own credentials, and posted and fetched the way a page does.
 */
describe('the local S3 for browsers: presigned POST and GET, CORS, Object Created events', () => {
  let dataDir: string;
  let s3rver: S3rver;
  let internal: S3Client;
  let runtime: FunctionRuntime;
  let events: ObjectEventDelivery;
  let cors: Map<string, CorsRule[]>;
  /** Shifts the front's clock, to reach an expiry without waiting for it. */
  let skewMs = 0;
  const delivered: { functionId: string; event: ObjectCreatedEvent }[] = [];
  const denials: string[] = [];

  /** An S3 client exactly as the function's sandbox makes it: its endpoint variable and credentials. */
  const clientOf = (functionId: string) => {
    const env = runtime.functions.environment(functionId);
    return new S3Client({
      region: REGION,
      endpoint: env.AWS_ENDPOINT_URL_S3,
      forcePathStyle: true,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    });
  };
  const presign = (functionId: string, options: Partial<PresignedPostOptions> = {}) =>
    createPresignedPost(clientOf(functionId), {
      Bucket: UPLOADS,
      Key: 'originals/order-1/selfie.jpg',
      Fields: { 'Content-Type': 'image/jpeg' },
      Conditions: [
        ['starts-with', '$Content-Type', 'image/'],
        ['content-length-range', 16, 1024],
      ],
      Expires: 300,
      ...options,
    });
  /** A page's upload: the returned fields in order, then the file, posted from the web app's origin. */
  const post = (url: string, fields: Record<string, string>, bytes: Buffer, filename = 'selfie.jpg') => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), filename);
    return fetch(url, { method: 'POST', body: form, headers: { origin: WEB } });
  };
  const stored = async (prefix: string) =>
    ((await internal.send(new ListObjectsV2Command({ Bucket: UPLOADS, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);
  const errorCode = async (res: Response) => /<Code>([^<]+)<\/Code>/.exec(await res.text())?.[1];
  const photo = Buffer.from(Array.from({ length: 200 }, (_, i) => i));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'headshot-s3-browser-'));
    s3rver = new S3rver({ port: 0, address: LOOPBACK, directory: dataDir, silent: true });
    const { port } = await s3rver.run();
    const s3rverUrl = `http://${LOOPBACK}:${port}`;
    internal = new S3Client({ region: REGION, endpoint: s3rverUrl, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    for (const bucket of registryBuckets()) await internal.send(new CreateBucketCommand({ Bucket: bucket }));
    cors = await browserUploadCors([WEB, 'http://localhost:3000']);
    await applyBucketCors(internal, cors);
    const postObjects = new PostObjectUploads();
    runtime = await startFunctionRuntime({
      root: ROOT,
      // Only S3 is called here.
      services: { dynamodb: 'http://127.0.0.1:9', s3: s3rverUrl, stepfunctions: 'http://127.0.0.1:9', cognito: 'http://127.0.0.1:9', ses: 'http://127.0.0.1:9' },
      context: { region: REGION, accountId: ACCOUNT, prefix: PREFIX },
      functions: FUNCTIONS,
      onDenied: (functionId, access) => denials.push(`${functionId} ${access.action} ${access.resource}`),
      s3Front: { cors, postObjects, now: () => new Date(Date.now() + skewMs) },
    });
    events = deliverObjectEvents({
      source: s3rver,
      specs: [{ bucket: 'UploadsBucket', prefix: 'originals/', functionId: 'Uploader' }],
      context: { region: REGION, accountId: ACCOUNT, prefix: PREFIX },
      invoke: async (functionId, payload) => {
        delivered.push({ functionId, event: payload as ObjectCreatedEvent });
      },
      postObjects,
      retryDelaysMs: [10, 10],
    });
  });

  afterEach(() => {
    skewMs = 0;
  });

  afterAll(async () => {
    events?.stop();
    await runtime?.stop();
    await s3rver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the functions sign with the S3 front: presigned URLs name the URL the browser reaches', async () => {
    const { url } = await presign('Uploader');
    expect(url).toBe(`${runtime.proxies.s3}/${UPLOADS}`);
    expect(runtime.functions.environment('Uploader').AWS_ENDPOINT_URL_S3).toBe(runtime.proxies.s3);
  });

  it('stores a form upload signed for a function with the grant, with its Content-Type, answers 204 with ETag and Location, and fires an event', async () => {
    const { url, fields } = await presign('Uploader');
    const res = await post(url, fields, photo);
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(res.headers.get('location')).toBe(`${url}/originals/order-1/selfie.jpg`);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB);
    expect(res.headers.get('access-control-expose-headers')).toBe('ETag');

    const object = await clientOf('Uploader').send(new GetObjectCommand({ Bucket: UPLOADS, Key: 'originals/order-1/selfie.jpg' }));
    expect(object.ContentType).toBe('image/jpeg');
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(photo);

    const { event } = await eventually(async () => delivered.find((d) => d.event.detail.object.key === 'originals/order-1/selfie.jpg'), 5000, 'the Object Created event');
    const parsed = objectCreatedEventSchema.parse(event);
    expect(parsed.detail).toMatchObject({ bucket: { name: UPLOADS }, object: { size: photo.length, etag: res.headers.get('etag')!.replace(/"/g, '') }, reason: 'POST Object' });
    expect(event.resources).toEqual([`arn:aws:s3:::${UPLOADS}`]);
  });

  it('answers success_action_status 201 with the PostResponse document, and 200 with an empty body', async () => {
    const created = await presign('Uploader', { Key: 'originals/order-1/201.jpg', Fields: { 'Content-Type': 'image/jpeg', success_action_status: '201' } });
    const res = await post(created.url, created.fields, photo);
    expect(res.status).toBe(201);
    const xml = await res.text();
    expect(xml).toContain('<Key>originals/order-1/201.jpg</Key>');
    expect(xml).toContain(`<Bucket>${UPLOADS}</Bucket>`);
    const ok = await presign('Uploader', { Key: 'originals/order-1/200.jpg', Fields: { 'Content-Type': 'image/jpeg', success_action_status: '200' } });
    const res200 = await post(ok.url, ok.fields, photo);
    expect(res200.status).toBe(200);
    expect(await res200.text()).toBe('');
  });

  it("refuses, with AccessDenied, a form signed for a function without the uploads bucket's grant, and stores nothing", async () => {
    const { url, fields } = await presign('Outsider', { Key: 'originals/outsider/selfie.jpg' });
    const res = await post(url, fields, photo);
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB);
    expect(await errorCode(res)).toBe('AccessDenied');
    expect(await stored('originals/outsider/')).toEqual([]);
    expect(denials).toContain(`Outsider s3:PutObject arn:aws:s3:::${UPLOADS}/originals/outsider/selfie.jpg`);
  });

  it('refuses every break of the policy with S3’s answer, and stores nothing', async () => {
    const key = (name: string) => `originals/broken/${name}.jpg`;
    const cases: { name: string; status: number; code: string; message?: string; send: () => Promise<Response> }[] = [
      {
        name: 'expired',
        status: 403,
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Policy expired.',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('expired'), Expires: 60 });
          skewMs = 61_000;
          return post(url, fields, photo);
        },
      },
      {
        name: 'tampered policy',
        status: 403,
        code: 'SignatureDoesNotMatch',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('tampered-policy') });
          const policy = Buffer.from(fields.Policy, 'base64').toString().replace('"content-length-range",16,1024', '"content-length-range",16,99999999');
          return post(url, { ...fields, Policy: Buffer.from(policy).toString('base64') }, photo);
        },
      },
      {
        name: 'tampered key',
        status: 403,
        code: 'AccessDenied',
        message: `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "${key('tampered-key')}"]`,
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('tampered-key') });
          return post(url, { ...fields, key: key('tampered-key-other') }, photo);
        },
      },
      {
        name: 'extra field',
        status: 403,
        code: 'AccessDenied',
        message: 'Invalid according to Policy: Extra input fields: x-amz-meta-owner',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('extra') });
          return post(url, { ...fields, 'x-amz-meta-owner': 'someone' }, photo);
        },
      },
      {
        name: 'wrong content type',
        status: 403,
        code: 'AccessDenied',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('type') });
          return post(url, { ...fields, 'Content-Type': 'text/html' }, photo);
        },
      },
      {
        name: 'too large',
        status: 400,
        code: 'EntityTooLarge',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('large') });
          return post(url, fields, Buffer.alloc(1025));
        },
      },
      {
        name: 'too small',
        status: 400,
        code: 'EntityTooSmall',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('small') });
          return post(url, fields, Buffer.alloc(15));
        },
      },
      {
        name: 'bad signature',
        status: 403,
        code: 'SignatureDoesNotMatch',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('signature') });
          return post(url, { ...fields, 'X-Amz-Signature': '0'.repeat(64) }, photo);
        },
      },
      {
        name: 'unknown access key',
        status: 403,
        code: 'InvalidAccessKeyId',
        send: async () => {
          const { url, fields } = await presign('Uploader', { Key: key('unknown') });
          return post(url, { ...fields, 'X-Amz-Credential': fields['X-Amz-Credential'].replace(/^[^/]+/, 'AKIAUNKNOWN') }, photo);
        },
      },
      {
        name: 'unsigned',
        status: 403,
        code: 'AccessDenied',
        send: () => post(`${runtime.proxies.s3}/${UPLOADS}`, { key: key('unsigned'), 'Content-Type': 'image/jpeg' }, photo),
      },
    ];
    for (const c of cases) {
      const res = await c.send();
      skewMs = 0;
      const body = await res.text();
      expect({ case: c.name, status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1], cors: res.headers.get('access-control-allow-origin') }).toEqual({
        case: c.name,
        status: c.status,
        code: c.code,
        cors: WEB,
      });
      if (c.message) expect({ case: c.name, message: /<Message>([^<]*)<\/Message>/.exec(body)?.[1].replace(/&quot;/g, '"') }).toEqual({ case: c.name, message: c.message });
    }
    expect(await stored('originals/broken/')).toEqual([]);
    expect(delivered.filter((d) => d.event.detail.object.key.startsWith('originals/broken/'))).toEqual([]);
  });

  it('serves a presigned GET to the browser, and refuses it once expired, when changed, or when the signer lacks the grant', async () => {
    await clientOf('Uploader').send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'originals/order-2/a.jpg', Body: photo, ContentType: 'image/jpeg' }));
    const url = await getSignedUrl(clientOf('Uploader'), new GetObjectCommand({ Bucket: UPLOADS, Key: 'originals/order-2/a.jpg' }), { expiresIn: 60 });
    expect(url.startsWith(`${runtime.proxies.s3}/${UPLOADS}/originals/order-2/a.jpg?`)).toBe(true);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(photo);

    skewMs = 61_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    const body = await expired.text();
    expect(body).toContain('<Code>AccessDenied</Code>');
    expect(body).toContain('<Message>Request has expired</Message>');
    skewMs = 0;

    const changed = await fetch(url.replace('order-2/a.jpg', 'order-1/selfie.jpg'));
    expect(changed.status).toBe(403);
    expect(await errorCode(changed)).toBe('SignatureDoesNotMatch');

    const outsider = await getSignedUrl(clientOf('Outsider'), new GetObjectCommand({ Bucket: UPLOADS, Key: 'originals/order-2/a.jpg' }));
    const refused = await fetch(outsider);
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('AccessDenied');
    expect(denials).toContain(`Outsider s3:GetObject arn:aws:s3:::${UPLOADS}/originals/order-2/a.jpg`);
  });

  it('refuses anonymous requests: the buckets are private', async () => {
    const res = await fetch(`${runtime.proxies.s3}/${UPLOADS}/originals/order-2/a.jpg`);
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('AccessDenied');
  });

  it("answers a CORS preflight from the web app's origins for the uploads bucket, and from nowhere else", async () => {
    const preflight = (bucket: string, origin: string) =>
      fetch(`${runtime.proxies.s3}/${bucket}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    for (const origin of [WEB, 'http://localhost:3000']) {
      const res = await preflight(UPLOADS, origin);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toMatch(new RegExp(`^(\\*|${origin.replace(/[.]/g, '\\.')})$`));
      expect(res.headers.get('access-control-allow-methods')).toBe('POST');
      expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
    }
    expect((await preflight(UPLOADS, 'http://evil.example')).status).toBe(403);
    expect((await preflight(OUTPUTS, WEB)).status).toBe(403);
    // The rule is the CDK's own (uploadCorsRule): POST from the given origins, ETag readable.
    expect(cors.get(UPLOADS)).toEqual([expect.objectContaining({ allowedMethods: ['POST'], allowedOrigins: [WEB, 'http://localhost:3000'], exposedHeaders: ['ETag'] })]);
  });

  it('fires an Object Created event for every route that creates an object, with S3’s reason', async () => {
    const s3 = clientOf('Uploader');
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'originals/routes/put.jpg', Body: photo }));
    await s3.send(new CopyObjectCommand({ Bucket: UPLOADS, Key: 'originals/routes/copy.jpg', CopySource: `${UPLOADS}/originals/routes/put.jpg` }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: UPLOADS, Key: 'originals/routes/multipart.jpg' }));
    const { ETag } = await s3.send(new UploadPartCommand({ Bucket: UPLOADS, Key: 'originals/routes/multipart.jpg', UploadId, PartNumber: 1, Body: photo }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: UPLOADS, Key: 'originals/routes/multipart.jpg', UploadId, MultipartUpload: { Parts: [{ ETag, PartNumber: 1 }] } }));
    const { url, fields } = await presign('Uploader', { Key: 'originals/routes/post.jpg' });
    expect((await post(url, fields, photo)).status).toBe(204);
    // Outside the subscribed prefix: no event.
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS, Key: 'manifests/order-1.json', Body: '{}' }));

    const reasons = await eventually(async () => {
      const routes = delivered.filter((d) => d.event.detail.object.key.startsWith('originals/routes/'));
      return routes.length >= 4 ? Object.fromEntries(routes.map((d) => [d.event.detail.object.key, d.event.detail.reason])) : undefined;
    }, 5000, 'four events');
    expect(reasons).toEqual({
      'originals/routes/put.jpg': 'PutObject',
      'originals/routes/copy.jpg': 'CopyObject',
      'originals/routes/multipart.jpg': 'CompleteMultipartUpload',
      'originals/routes/post.jpg': 'POST Object',
    });
    expect(delivered.some((d) => d.event.detail.object.key.startsWith('manifests/'))).toBe(false);
  });

  it("passes the cloud's own key through, as tools use it, form uploads included", async () => {
    const tools = new S3Client({ region: REGION, endpoint: runtime.proxies.s3, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const { Contents = [] } = await tools.send(new ListObjectsV2Command({ Bucket: UPLOADS, Prefix: 'originals/order-1/' }));
    expect(Contents.map((o) => o.Key)).toContain('originals/order-1/selfie.jpg');
    const { url, fields } = await createPresignedPost(tools, { Bucket: UPLOADS, Key: 'originals/tools/seed.jpg', Fields: { 'Content-Type': 'image/jpeg' } });
    expect((await post(url, fields, photo)).status).toBe(204);
    const event = await eventually(async () => delivered.find((d) => d.event.detail.object.key === 'originals/tools/seed.jpg'), 5000, 'the event of the tools upload');
    expect(event.event.detail.reason).toBe('POST Object');
  });
});
