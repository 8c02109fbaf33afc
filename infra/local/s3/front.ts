import { randomUUID } from 'node:crypto';
import type { CorsRule } from 'aws-cdk-lib/aws-s3';
import { firstDenied, type ProxyAnswer, type RequiredAccess } from '../iam/policy';
import type { Principal } from '../iam/proxy';
import { accessKeyOf, type ServiceRequest } from '../iam/requests';
import { corsResponseHeaders } from './cors';
import { accessDenied, type S3Error, s3Error, s3ErrorAnswer } from './errors';
import type { PostObjectUploads } from './object-events';
import { checkPostPolicy } from './post-policy';
import { checkPresignedUrl, isPresigned } from './presigned-url';

/**
 * The browser's side of the local S3: what the authorizing proxy in front of
 * s3rver does besides mapping a signed SDK call to its IAM action. It is the
 * URL the functions sign with (their `AWS_ENDPOINT_URL_S3`), so the presigned
 * POSTs and GETs they hand to the browser point here, and it holds them to what
 * S3 holds them to (s3rver checks neither signatures nor POST policies):
 *
 * - a form upload (POST to `/<bucket>`) is checked against its signed policy and
 *   the signer's IAM statements (`post-policy.ts`), then stored by s3rver's own
 *   POST Object with the fields S3 keeps (key, Content-Type and the other content
 *   headers, `x-amz-meta-*`, `success_action_*`), so s3rver answers it as S3 does
 *   (204, or `success_action_status`' 200/201, with ETag and Location) and emits
 *   its creation event; nothing reaches s3rver for a refused one;
 * - a presigned URL's signature and lifetime are checked (`presigned-url.ts`)
 *   before the signer is authorized for the action like any call;
 * - a CORS preflight reaches s3rver, which answers it from the bucket's CORS
 *   configuration; the front's own refusals carry the bucket's CORS headers;
 * - anything else unsigned is refused (403 AccessDenied): the buckets are private.
 */

export interface S3FrontOptions {
  /** Each bucket's CORS rules, by local bucket name (the same rules s3rver holds). */
  readonly cors?: ReadonlyMap<string, readonly CorsRule[]>;
  /** Told of each form upload before it is forwarded, so its creation event says "POST Object". */
  readonly postObjects?: PostObjectUploads;
  /** The clock presigned URLs and policies are checked against. */
  readonly now?: () => Date;
}

/** What the proxy knows that the front needs. */
export interface S3FrontContext {
  readonly region: string;
  readonly principal: (accessKey: string) => Principal | undefined;
  readonly trusted: ReadonlySet<string>;
  /** The key forwarded requests are signed with (s3rver's own). */
  readonly forwardAs?: string;
  readonly onDenied?: (functionId: string, access: RequiredAccess) => void;
}

/** A request as the proxy read it, headers as Node gives them (lower-case names). */
export type FrontRequest = ServiceRequest & { readonly body: Buffer };

export type S3Route =
  /** Answer this, without reaching s3rver. */
  | { readonly kind: 'answer'; readonly answer: ProxyAnswer }
  /** Send this to s3rver and relay its answer; `settled` is called once s3rver has answered. */
  | { readonly kind: 'forward'; readonly url: string; readonly headers: ServiceRequest['headers']; readonly body: Buffer; readonly settled?: () => void }
  /** A signed call: map it to its IAM action, authorize the signer and forward it re-signed. */
  | { readonly kind: 'authorize' };

/** The CORS headers of the bucket a request names, for an answer given to it without s3rver. */
export function frontCorsHeaders(request: Pick<ServiceRequest, 'method' | 'url' | 'headers'>, options: S3FrontOptions | undefined): Record<string, string> {
  if (!options?.cors) return {};
  return corsResponseHeaders(options.cors.get(bucketOf(request.url)), header(request.headers, 'origin'), request.method);
}

export async function routeS3Request(request: FrontRequest, options: S3FrontOptions, ctx: S3FrontContext): Promise<S3Route> {
  const method = request.method.toUpperCase();
  const refuse = (error: S3Error): S3Route => ({ kind: 'answer', answer: s3ErrorAnswer(error, randomUUID(), frontCorsHeaders(request, options)) });
  // A preflight carries no credentials: s3rver answers it from the bucket's CORS configuration.
  if (method === 'OPTIONS') return { kind: 'forward', url: request.url, headers: request.headers, body: request.body };
  if (isFormUpload(request)) return postObject(request, options, ctx, refuse);
  if (isPresigned(request)) {
    const key = accessKeyOf(request);
    if (key && ctx.trusted.has(key)) return { kind: 'authorize' };
    const error = checkPresignedUrl(request, { region: ctx.region, now: options.now?.() ?? new Date(), secretOf: (k) => ctx.principal(k)?.secretAccessKey });
    return error ? refuse(error) : { kind: 'authorize' };
  }
  if (!accessKeyOf(request)) return refuse(accessDenied());
  return { kind: 'authorize' };
}

/** A POST to a bucket itself, without a subresource or SDK signature: POST Object, a browser form upload. */
function isFormUpload(request: FrontRequest): boolean {
  if (request.method.toUpperCase() !== 'POST' || header(request.headers, 'authorization')) return false;
  const url = new URL(request.url, 'http://local');
  const [bucket, ...rest] = url.pathname.slice(1).split('/');
  return !!bucket && !rest.join('') && ![...url.searchParams.keys()].length;
}

/** The fields s3rver keeps from a form (S3's stored headers and metadata) and the ones that steer its answer. */
const STORED = new Set([
  'cache-control',
  'content-type',
  'content-disposition',
  'content-encoding',
  'content-language',
  'expires',
  'x-amz-storage-class',
  'x-amz-website-redirect-location',
  'success_action_status',
  'success_action_redirect',
  'redirect',
]);

async function postObject(request: FrontRequest, options: S3FrontOptions, ctx: S3FrontContext, refuse: (error: S3Error) => S3Route): Promise<S3Route> {
  const bucket = bucketOf(request.url);
  const contentType = header(request.headers, 'content-type') ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return refuse(s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' }));
  }
  // The platform's WHATWG multipart parser (Node's fetch), the one `Request.formData()` uses.
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return refuse(s3Error(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.'));
  }
  const fields: [string, string][] = [];
  let file: FormDataEntryValue | undefined;
  for (const [name, value] of form.entries()) {
    // The file is the last field S3 reads; what follows it is ignored.
    if (name.toLowerCase() === 'file') {
      file = value;
      break;
    }
    fields.push([name, typeof value === 'string' ? value : await value.text()]);
  }
  const signer = fields.find(([name]) => name.toLowerCase() === 'x-amz-credential')?.[1].split('/')[0];
  // The cloud's own key reaches s3rver as it is (announced all the same, so its event says "POST Object").
  if (signer && ctx.trusted.has(signer)) {
    const key = fields.find(([name]) => name.toLowerCase() === 'key')?.[1];
    const settled = key !== undefined ? options.postObjects?.announce(bucket, key) : undefined;
    return { kind: 'forward', url: request.url, headers: request.headers, body: request.body, settled };
  }

  const bytes = file === undefined ? undefined : typeof file === 'string' ? Buffer.from(file, 'utf8') : Buffer.from(await file.arrayBuffer());
  const filename = file !== undefined && typeof file !== 'string' ? file.name : undefined;
  const now = options.now?.() ?? new Date();
  const result = checkPostPolicy(
    { fields, file: bytes && { size: bytes.length, filename } },
    {
      bucket,
      region: ctx.region,
      now,
      secretOf: (key) => ctx.principal(key)?.secretAccessKey,
      // The signer's identity policy must allow putting this object, as for a PutObject of its own.
      authorize: (key, objectKey) => {
        const principal = ctx.principal(key);
        if (!principal) return accessDenied();
        const denied = firstDenied(principal.statements, [{ action: 's3:PutObject', resource: `arn:aws:s3:::${bucket}/${objectKey}` }]);
        if (!denied) return undefined;
        ctx.onDenied?.(principal.functionId, denied);
        return accessDenied();
      },
    },
  );
  if (!result.ok) return refuse(result.error);

  // What s3rver stores: the key, the content headers and metadata S3 keeps, and the answer asked for.
  const upload = new FormData();
  upload.append('key', result.key);
  for (const [name, value] of result.fields) if (STORED.has(name) || name.startsWith('x-amz-meta-')) upload.append(name, value);
  // Named as the trusted key, as every forwarded call is (a front downstream passes it; s3rver ignores it).
  if (ctx.forwardAs) upload.append('x-amz-credential', `${ctx.forwardAs}/${now.toISOString().slice(0, 10).replace(/-/g, '')}/${ctx.region}/s3/aws4_request`);
  upload.append('file', new Blob([bytes!]), filename || 'file');
  const encoded = new Request('http://local/', { method: 'POST', body: upload });
  const origin = header(request.headers, 'origin');
  const settled = options.postObjects?.announce(bucket, result.key);
  return {
    kind: 'forward',
    url: request.url,
    // The browser's Host, so s3rver's Location names this front; its Origin, so s3rver adds the bucket's CORS headers.
    headers: { host: header(request.headers, 'host'), ...(origin ? { origin } : {}), 'content-type': encoded.headers.get('content-type') ?? undefined },
    body: Buffer.from(await encoded.arrayBuffer()),
    settled,
  };
}

function bucketOf(url: string): string {
  const path = new URL(url, 'http://local').pathname;
  const bucket = path.slice(1).split('/')[0] ?? '';
  try {
    return decodeURIComponent(bucket);
  } catch {
    return bucket;
  }
}

function header(headers: ServiceRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
