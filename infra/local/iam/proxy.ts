import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStatement } from '../binders';
import { frontCorsHeaders, routeS3Request, type S3FrontOptions } from '../s3/front';
import { accessDeniedAnswer, assumedRoleArn, firstDenied, type IamService, type ProxyAnswer, type RequiredAccess, unrecognizedKeyAnswer } from './policy';
import { accessKeyOf, type RequestContext, requiredAccess, type ServiceRequest, withAccessKey } from './requests';

/** Who signs with an access key: a function and its policy. */
export interface Principal {
  readonly functionId: string;
  readonly statements: readonly LocalStatement[];
  /**
   * The secret of its access key. Presigned URLs and POST policies are verified with it, as S3 verifies
   * them; a principal without one cannot sign them. (SDK calls signed in the Authorization header are
   * mapped to their action and authorized without checking the signature.)
   */
  readonly secretAccessKey?: string;
}

export interface AuthorizingProxyOptions extends RequestContext {
  readonly service: IamService;
  /** The service behind the proxy, e.g. `http://127.0.0.1:8000`. */
  readonly target: string;
  /** The function an access key belongs to. */
  readonly principal: (accessKey: string) => Principal | undefined;
  /** Keys passed through without a policy check (the cloud's own set-up credential). */
  readonly trustedKeys?: readonly string[];
  /** Signs forwarded function requests with this key instead (s3rver knows only its own key pair). */
  readonly forwardAs?: string;
  /** Told of every refused call. */
  readonly onDenied?: (functionId: string, access: RequiredAccess) => void;
  /** Listening port; a free one when omitted. */
  readonly port?: number;
  /** For the S3 proxy: what the browser-facing S3 needs (CORS rules, the clock, form-upload announcements). */
  readonly s3?: S3FrontOptions;
}

export interface AuthorizingProxy {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A proxy in front of one local service that authorizes each call against the
 * calling function's IAM statements, as AWS does, and forwards it unchanged
 * (but for the access key, when `forwardAs` is set) or refuses it with the
 * service's own AccessDenied answer.
 */
export async function startAuthorizingProxy(options: AuthorizingProxyOptions): Promise<AuthorizingProxy> {
  const target = new URL(options.target);
  const trusted = new Set(options.trustedKeys ?? []);
  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const incoming = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
    // S3 is also the browser's: form uploads, presigned URLs and CORS preflights (infra/local/s3/front.ts).
    if (options.service === 's3') {
      const route = await routeS3Request(incoming, options.s3 ?? {}, {
        region: options.region,
        principal: options.principal,
        trusted,
        forwardAs: options.forwardAs,
        onDenied: options.onDenied,
      });
      if (route.kind === 'answer') return answer(res, route.answer);
      if (route.kind === 'forward') return forward(target, req, res, route.url, route.headers, route.body, route.settled);
    }
    const extraHeaders = options.service === 's3' ? frontCorsHeaders(incoming, options.s3) : {};
    const key = accessKeyOf(incoming);
    // Anonymous calls (CORS preflights) and the cloud's own key reach the service as they are.
    if (!key || trusted.has(key)) return forward(target, req, res, incoming.url, req.headers, body);
    const requestId = randomUUID();
    const principal = options.principal(key);
    if (!principal) return answer(res, unrecognizedKeyAnswer(options.service, key, requestId), extraHeaders);
    const denied = firstDenied(principal.statements, requiredAccess(options.service, incoming, options));
    if (denied) {
      options.onDenied?.(principal.functionId, denied);
      return answer(res, accessDeniedAnswer(options.service, assumedRoleArn(options.accountId, principal.functionId), denied, requestId), extraHeaders);
    }
    const signed = options.forwardAs ? withAccessKey(incoming, key, options.forwardAs) : { url: incoming.url, headers: req.headers };
    forward(target, req, res, signed.url, signed.headers, body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`The local proxy failed: ${error.message}`);
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse, url: string, headers: ServiceRequest['headers'], body: Buffer, settled?: () => void): void {
  const sent: Record<string, string | string[]> = { 'content-length': String(body.length) };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && name !== 'content-length') sent[name] = value;
  // The body is already read in full: send it with its length, without asking the service to continue.
  delete sent['transfer-encoding'];
  delete sent.expect;
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path: url, headers: sent },
    (reply) => {
      settled?.();
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    settled?.();
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`The local service behind this proxy did not answer: ${error.message}`);
  });
  upstream.end(body);
}

function answer(res: ServerResponse, reply: ProxyAnswer, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(reply.status, { ...extraHeaders, ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
