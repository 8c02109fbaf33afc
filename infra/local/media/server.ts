import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { accessDenied, type S3Error, s3Error, s3ErrorAnswer } from '../s3/errors';
import { type CloudFrontVerdict, type TrustedPublicKey, verifyCloudFrontRequest } from './verify';

export { type CloudFrontVerdict, type TrustedPublicKey, verifyCloudFrontRequest } from './verify';

export interface MediaServerOptions {
  /** 0 (the default) picks a free port; the server listens on 127.0.0.1 only. */
  readonly port?: number;
  /** s3rver's (path-style) endpoint, such as `http://127.0.0.1:4569`. Ignored when `s3` is given. */
  readonly s3Endpoint?: string;
  /** A client for the origin bucket instead of one built from `s3Endpoint`. */
  readonly s3?: S3Client;
  /** The origin bucket (the outputs bucket on AWS). */
  readonly bucket: string;
  /** The trusted key group: PEM public keys by CloudFront public key ID (`Key-Pair-Id`). */
  readonly publicKeys: Readonly<Record<string, TrustedPublicKey>>;
  /**
   * The distribution's public URL, which signed URLs name in their policy (the
   * `MediaLinks` base URL). It may carry a path prefix the server is mounted under.
   * @default - `http://127.0.0.1:<port>`
   */
  readonly publicUrl?: string;
  /**
   * Whether the origin grants CloudFront `s3:ListBucket`. CloudFront with origin
   * access control forwards S3's answer for a missing object, and S3 answers a
   * reader without ListBucket `403 AccessDenied` ("Access Denied") rather than
   * `404 NoSuchKey`, so no one can probe which keys exist. CDK's
   * `S3BucketOrigin.withOriginAccessControl` grants `s3:GetObject` only
   * (`AccessLevel.READ`), so that is the default here too.
   * @default false
   */
  readonly listBucket?: boolean;
  /**
   * `Access-Control-Allow-Origin` on served objects, as a response headers policy
   * with CORS would add. The media distribution has none (images load through
   * `<img>` and downloads through links, which need no CORS).
   * @default - no CORS headers
   */
  readonly corsOrigin?: string;
  /** One line per request. @default - silent */
  readonly log?: (line: string) => void;
  /** The clock signed URLs are checked against. @default - the system clock */
  readonly now?: () => Date;
  /** @default us-east-1 */
  readonly region?: string;
  /** @default s3rver's own key pair (`S3RVER` / `S3RVER`) */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface MediaServer {
  /** Where the server listens (`http://127.0.0.1:<port>`). */
  readonly url: string;
  /** The URL signed links must name (`publicUrl`, or `url`). */
  readonly publicUrl: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Response headers of the object that CloudFront passes on from S3. */
const PASSED_HEADERS = [
  ['ContentType', 'content-type'],
  ['ContentLength', 'content-length'],
  ['ContentRange', 'content-range'],
  ['ETag', 'etag'],
  ['CacheControl', 'cache-control'],
  ['ContentDisposition', 'content-disposition'],
  ['ContentEncoding', 'content-encoding'],
  ['AcceptRanges', 'accept-ranges'],
] as const;

/** The HTTP answer of a refused signed URL: CloudFront's own `<Error>` document (no RequestId, unlike S3's). */
function cloudFrontError(res: ServerResponse, verdict: Extract<CloudFrontVerdict, { ok: false }>, head: boolean): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${verdict.code}</Code><Message>${verdict.message}</Message></Error>`;
  res.writeHead(403, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(body),
    'x-cache': 'Error from cloudfront',
    'x-amz-cf-pop': 'LOCAL',
    'x-amz-cf-id': randomUUID(),
  });
  res.end(head ? undefined : body);
}

function s3Answer(res: ServerResponse, error: S3Error, head: boolean): void {
  const answer = s3ErrorAnswer(error, randomUUID());
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body), 'x-cache': 'Error from cloudfront' });
  res.end(head ? undefined : answer.body);
}

/** S3's error for a failed origin request, as CloudFront forwards it. */
function originError(error: unknown, key: string, listBucket: boolean): S3Error | 'not-modified' {
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const name = error instanceof S3ServiceException ? error.name : '';
  if (status === 304) return 'not-modified';
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return listBucket ? s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key }) : accessDenied();
  }
  if (name === 'InvalidRange' || status === 416) return s3Error(416, 'InvalidRange', 'The requested range is not satisfiable');
  if (name === 'PreconditionFailed' || status === 412) return s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  // CloudFront answers 502 when the origin fails in a way it cannot pass on.
  return s3Error(502, 'BadGateway', `The origin failed: ${(error as Error).message}`);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The local stand-in of the media CloudFront distribution: `GET` and `HEAD`
 * of `/<key>` served from the origin bucket on s3rver, but only for requests
 * that carry a valid CloudFront signature (canned or custom policy, checked by
 * {@link verifyCloudFrontRequest} against `publicKeys` and `publicUrl`);
 * anything else is answered as CloudFront answers it (403 with its XML error).
 * Objects stream through with their content type, length, ETag and
 * cache-control; `Range` and `If-None-Match` are passed to the origin.
 */
export async function serveMedia(options: MediaServerOptions): Promise<MediaServer> {
  if (!options.s3 && !options.s3Endpoint) throw new Error('serveMedia needs s3Endpoint (or an s3 client) for the origin bucket');
  const s3 =
    options.s3 ??
    new S3Client({
      region: options.region ?? 'us-east-1',
      endpoint: options.s3Endpoint,
      forcePathStyle: true,
      credentials: options.credentials ?? { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  const listBucket = options.listBucket ?? false;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  // Known once the server listens (its port may be picked then); no request arrives before.
  let publicUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const head = method === 'HEAD';
    const target = req.url ?? '/';
    const path = target.split('?', 1)[0];
    if (method !== 'GET' && !head) {
      // A behaviour that allows GET and HEAD only answers other methods with 403 before looking at the signature.
      res.writeHead(403, { 'content-type': 'text/plain', 'x-cache': 'Error from cloudfront' });
      res.end('This distribution is not configured to allow the HTTP request method that was used for this request. The distribution supports only cachable requests.');
      log(`media ${method} ${path} 403 method not allowed`);
      return;
    }
    const verdict = verifyCloudFrontRequest(target, now(), options.publicKeys, publicUrl, { clientIp: req.socket.remoteAddress });
    if (!verdict.ok) {
      cloudFrontError(res, verdict, head);
      log(`media ${method} ${path} 403 ${verdict.code} (${verdict.reason})`);
      return;
    }
    const input = {
      Bucket: options.bucket,
      Key: verdict.key,
      Range: header(req, 'range'),
      IfNoneMatch: header(req, 'if-none-match'),
    };
    let output;
    try {
      output = head ? await s3.send(new HeadObjectCommand(input)) : await s3.send(new GetObjectCommand(input));
    } catch (error) {
      const answer = originError(error, verdict.key, listBucket);
      if (answer === 'not-modified') {
        res.writeHead(304);
        res.end();
        log(`media ${method} ${path} 304`);
        return;
      }
      s3Answer(res, answer, head);
      log(`media ${method} ${path} ${answer.status} ${answer.code}`);
      return;
    }
    const headers: Record<string, string | number> = { 'x-cache': 'Miss from cloudfront' };
    for (const [field, name] of PASSED_HEADERS) {
      const value = output[field];
      if (value !== undefined && value !== null) headers[name] = value;
    }
    if (output.LastModified) headers['last-modified'] = output.LastModified.toUTCString();
    if (options.corsOrigin) headers['access-control-allow-origin'] = options.corsOrigin;
    const status = output.ContentRange ? 206 : 200;
    res.writeHead(status, headers);
    const body = 'Body' in output ? output.Body : undefined;
    if (head || !body) {
      res.end();
    } else {
      await pipeline(body as Readable, res);
    }
    log(`media ${method} ${path} ${status}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The viewer went away mid-stream, or the origin broke off: nothing more to send.
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('Bad gateway');
      } else {
        res.destroy();
      }
      log(`media ${req.method} ${(req.url ?? '').split('?', 1)[0]} failed: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  return {
    url,
    publicUrl,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
