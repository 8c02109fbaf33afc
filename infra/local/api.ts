import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_THROTTLE, AUTHORIZER, AUTHORIZER_CACHE_TTL_SECONDS, ROUTES, routeKey, type RouteSpec } from '../catalogue';

// The claim rules moved into the authorizer function with the JWT checks; re-exported for the tools that read them here.
export { assertAuthorizerClaims } from '../../functions/apikeys/token-verifier';

/**
 * HTTP API quota "Payload size: 10 MB", not adjustable
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
 */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * Lambda's synchronous invoke payload limit: 6 MB, measured on the whole event
 * (Lambda answers "Request must be smaller than 6291456 bytes for the InvokeFunction operation").
 */
export const MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * API Gateway's own refusals. Bodies as API Gateway sends them: `{"message":…}`
 * for the authorizer (401 without the identity source, 403 when it denies, 500
 * when it fails) and the route table (404). The two size refusals are as
 * observed on API Gateway (koki-develop/lgtm-generator#10): over 10 MB a plain-text
 * 413, over Lambda's 6 MB a JSON 413 "Request Too Long".
 */
export const REFUSALS = {
  badRequest: { status: 400, body: { message: 'Bad Request' } },
  unauthorized: { status: 401, body: { message: 'Unauthorized' } },
  forbidden: { status: 403, body: { message: 'Forbidden' } },
  notFound: { status: 404, body: { message: 'Not Found' } },
  tooManyRequests: { status: 429, body: { message: 'Too Many Requests' } },
  tooLongForLambda: { status: 413, body: { message: 'Request Too Long' } },
  internalError: { status: 500, body: { message: 'Internal Server Error' } },
} as const;
export const OVER_PAYLOAD_QUOTA_TEXT = `HTTP content length exceeded ${MAX_BODY_BYTES} bytes.`;

export interface JwtAuthorizerConfig {
  /** Must equal the token's `iss` exactly. */
  readonly issuer: string;
  /** The token's `aud` (or, without `aud`, its `client_id`) must be one of these. */
  readonly audience: readonly string[];
}

/**
 * The rule both the CDK authorizer (infra/lib/constructs/api.ts) and the local front
 * follow for a Cognito user pool: the issuer is the Cognito endpoint followed by the
 * pool ID (`https://cognito-idp.<region>.amazonaws.com/<pool id>` on AWS, cognito-local's
 * `http://127.0.0.1:<port>/<pool id>` here), the audience the pool's app clients.
 */
export function cognitoAuthorizer(cognitoEndpoint: string, userPoolId: string, clientIds: readonly string[]): JwtAuthorizerConfig {
  return { issuer: `${cognitoEndpoint.replace(/\/+$/, '')}/${userPoolId}`, audience: [...clientIds] };
}

export interface LocalApiOptions {
  /** Origins allowed by the CORS configuration, as the HTTP API's corsPreflight. */
  readonly allowedOrigins: readonly string[];
  /** Invokes a function of the local runtime: the route's integration, or the authorizer. */
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
  /**
   * The Lambda authorizer of every signed-in route, as the CDK Api construct attaches it.
   * @default the catalogue's AUTHORIZER, results cached AUTHORIZER_CACHE_TTL_SECONDS (300 s)
   */
  readonly authorizer?: { readonly functionId?: string; readonly cacheTtlSeconds?: number };
  /**
   * The stage's throttling for routes without their own (`throttle` in the contract).
   * @default API_THROTTLE.default, as the CDK stage of a non-prod stage
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** The simple response of an HTTP API Lambda authorizer. */
interface AuthorizerAnswer {
  readonly isAuthorized: boolean;
  readonly context?: Record<string, unknown>;
}

/**
 * API Gateway's throttling: a token bucket per route that holds `burstLimit`
 * requests and refills at `rateLimit` per second; an empty bucket answers 429.
 */
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly rateLimit: number,
    private readonly burstLimit: number,
    private readonly now: () => number,
  ) {
    this.tokens = burstLimit;
    this.updated = now();
  }

  /** Takes one request's token, or answers false when the bucket is empty. */
  take(): boolean {
    const at = this.now();
    this.tokens = Math.min(this.burstLimit, this.tokens + ((at - this.updated) / 1000) * this.rateLimit);
    this.updated = at;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface CompiledRoute {
  readonly route: RouteSpec;
  readonly pattern: RegExp;
  readonly params: string[];
}

/** Compiles `/orders/{orderId}` into a matcher; `{proxy+}` matches the rest of the path. */
export function compileRoutes(routes: readonly RouteSpec[]): CompiledRoute[] {
  return routes.map((route) => {
    const params: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const m = segment.match(/^\{([A-Za-z0-9_]+)(\+)?\}$/);
        if (!m) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
        params.push(m[1]);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    return { route, params, pattern: new RegExp(`^${source}$`) };
  });
}

/**
 * The local stand-in for API Gateway (HTTP API): same routes as CDK deploys, the
 * same Lambda authorizer function called with the same payload-2.0 authorizer
 * event (its answers cached per identity source for the authorizer's TTL), the
 * same event shape (payload format 2.0) handed to the same handlers, and the
 * same refusals.
 */
export class LocalApi {
  private readonly routes = compileRoutes(ROUTES);
  /** The authorizer every signed-in route calls, and how long its answers are kept. */
  readonly authorizer: { readonly functionId: string; readonly cacheTtlSeconds: number };
  /** Route key → its throttling bucket (the route's own limits, or the stage's). */
  private readonly buckets = new Map<string, TokenBucket>();
  /** Identity source → the authorizer's answer and when it stops being used. */
  private readonly cache = new Map<string, { answer: AuthorizerAnswer; until: number }>();

  constructor(private readonly options: LocalApiOptions) {
    this.authorizer = {
      functionId: options.authorizer?.functionId ?? AUTHORIZER.id,
      cacheTtlSeconds: options.authorizer?.cacheTtlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS,
    };
  }

  /** The route keys this front serves (`GET /orders/{orderId}`), for the parity test. */
  routeKeys(): string[] {
    return this.routes.map(({ route }) => routeKey(route));
  }

  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((error: Error) => {
      this.options.log?.(`api: ${error.stack ?? error.message}`);
      if (!res.headersSent) send(res, REFUSALS.internalError, this.cors(req));
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = this.cors(req);
    // The request target as sent: never resolved against a base URL, so `//host/v1/…` stays a path.
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const encodedPath = q < 0 ? target : target.slice(0, q);
    const rawQueryString = q < 0 ? '' : target.slice(q + 1);

    let path: string;
    try {
      path = decodeURIComponent(encodedPath);
    } catch {
      // A malformed %-escape: a client error, answered before any route or function is involved.
      return send(res, REFUSALS.badRequest, cors);
    }

    if (method === 'OPTIONS' && req.headers['access-control-request-method']) {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
        'access-control-allow-headers': 'authorization,content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }

    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { ...cors, 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end(OVER_PAYLOAD_QUOTA_TEXT);
      return;
    }

    // Only a route key of the route table is served: a path under another method is not.
    const match = this.match(method, encodedPath);
    if (!match) return send(res, REFUSALS.notFound, cors);
    if (!this.bucketOf(match.route).take()) return send(res, REFUSALS.tooManyRequests, cors);

    // Routes with auth `none` have no authorizer, as on API Gateway. Every other route needs the identity
    // source ($request.header.Authorization): missing or empty, 401 without calling the authorizer; then the
    // authorizer decides (403 when it denies, 500 when it fails).
    let authorizer: { lambda: Record<string, unknown> } | undefined;
    if (match.route.auth !== 'none') {
      const identity = req.headers.authorization?.trim();
      if (!identity) return send(res, REFUSALS.unauthorized, cors);
      const answer = await this.authorize(identity, req, { path, rawQueryString }, match.route, match.pathParameters);
      if (!answer) return send(res, REFUSALS.internalError, cors);
      if (!answer.isAuthorized) return send(res, REFUSALS.forbidden, cors);
      authorizer = { lambda: answer.context ?? {} };
    }

    const started = Date.now();
    const event = buildEvent(req, { path, rawQueryString }, match.route, match.pathParameters, body, authorizer);
    // Lambda refuses an invoke payload over 6 MB; API Gateway answers 413 and the function never runs.
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_INVOKE_PAYLOAD_BYTES) return send(res, REFUSALS.tooLongForLambda, cors);

    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = normalise(await this.options.invoke(match.route.functionId, event));
    } catch (error) {
      this.options.log?.(`api: ${match.route.functionId} failed: ${(error as Error).message}`);
      return send(res, REFUSALS.internalError, cors);
    }
    this.options.log?.(`api: ${event.routeKey} → ${result.statusCode} (${Date.now() - started} ms)`);
    const headers: Record<string, string | string[]> = { ...cors };
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
  }

  /** Matches the still-encoded path segment by segment, then decodes each path parameter. */
  private bucketOf(route: RouteSpec): TokenBucket {
    const key = routeKey(route);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limits = route.contract.throttle ?? this.options.throttle ?? API_THROTTLE.default;
      bucket = new TokenBucket(limits.rateLimit, limits.burstLimit, this.options.now ?? Date.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private match(method: string, encodedPath: string) {
    for (const { route, pattern, params } of this.routes) {
      if (route.method !== method) continue;
      const m = encodedPath.match(pattern);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      params.forEach((name, i) => (pathParameters[name] = decodeURIComponent(m[i + 1])));
      return { route, pathParameters };
    }
    return undefined;
  }

  /**
   * The authorizer's answer for an identity source: from the cache while it is fresh (allow and deny
   * alike, as API Gateway caches both), otherwise from the function, called with the payload-2.0
   * authorizer event. Undefined when the function failed or answered something that is not a simple
   * response (API Gateway answers 500 then, and caches nothing).
   */
  private async authorize(
    identity: string,
    req: IncomingMessage,
    target: { readonly path: string; readonly rawQueryString: string },
    route: RouteSpec,
    pathParameters: Record<string, string>,
  ): Promise<AuthorizerAnswer | undefined> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(identity);
    if (cached && cached.until > now) return cached.answer;
    this.cache.delete(identity);
    const request = buildEvent(req, target, route, pathParameters, Buffer.alloc(0), undefined);
    const event = authorizerEvent(request, identity);
    let answer: unknown;
    try {
      answer = await this.options.invoke(this.authorizer.functionId, event);
    } catch (error) {
      this.options.log?.(`api: the authorizer failed: ${(error as Error).message}`);
      return undefined;
    }
    if (!isAuthorizerAnswer(answer)) {
      this.options.log?.('api: the authorizer answered something other than { isAuthorized, context }');
      return undefined;
    }
    if (this.authorizer.cacheTtlSeconds > 0) this.cache.set(identity, { answer, until: now + this.authorizer.cacheTtlSeconds * 1000 });
    if (!answer.isAuthorized) this.options.log?.(`api: ${request.routeKey} → 403 (the authorizer denied)`);
    return answer;
  }

  private cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !this.options.allowedOrigins.includes(origin)) return {};
    return { 'access-control-allow-origin': origin, vary: 'origin' };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Which request bodies payload format 2.0 passes as text. The documentation says only
 * that a binary body is base64-encoded; checked against API Gateway (ministackorg/ministack#766):
 * text for `text/*`, `application/json`, `application/xml` and `application/javascript`, base64
 * for everything else, including no Content-Type and `application/x-www-form-urlencoded`.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  const media = contentType?.split(';')[0].trim().toLowerCase();
  if (!media) return false;
  return media.startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(media);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestContext.time` as API Gateway writes it: `12/Mar/2020:19:03:58 +0000` (CLF, UTC). */
export function requestTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/**
 * The payload format 2.0 event
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
 * header names lower-case and duplicate headers joined with commas; every `cookie` header goes
 * to `cookies` (one entry per cookie) and not to `headers`; duplicate query parameters joined
 * with commas; `rawQueryString` as sent; `rawPath` decoded, as HTTP APIs deliver it.
 */
export function buildEvent(
  req: IncomingMessage,
  target: { readonly path: string; readonly rawQueryString: string },
  route: RouteSpec,
  pathParameters: Record<string, string>,
  body: Buffer,
  authorizer: { readonly lambda: Record<string, unknown> } | undefined,
  now = new Date(),
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1];
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // API Gateway tells the integration how the client connected.
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(target.rawQueryString)) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const text = isTextContentType(headers['content-type']);
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: target.path,
    rawQueryString: target.rawQueryString,
    cookies: cookies.length ? cookies : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: body.length ? (text ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !text,
    stageVariables: undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      // The type says the authorizer is always there; on a route without one (auth `none`) it is absent.
      // The Lambda authorizer's context, as `requestContext.authorizer.lambda` (the aws-lambda type names only `jwt`).
      authorizer: (authorizer ? { lambda: authorizer.lambda } : undefined) as never,
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0],
      http: {
        method: route.method,
        path: target.path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
  };
}

/**
 * The payload-2.0 event of a REQUEST authorizer
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html):
 * the request as the integration would see it, without its body, plus `type`, `routeArn` and
 * `identitySource` (the values of the identity source expressions, here the Authorization header).
 */
export function authorizerEvent(request: APIGatewayProxyEventV2WithJWTAuthorizer, identity: string): Record<string, unknown> {
  const { body: _body, isBase64Encoded: _encoded, requestContext, ...rest } = request;
  const { authorizer: _none, ...context } = requestContext;
  const [method, path] = request.routeKey.split(' ');
  return {
    ...rest,
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:${context.accountId}:${context.apiId}/${context.stage}/${method}${path}`,
    identitySource: [identity],
    requestContext: context,
  };
}

function isAuthorizerAnswer(value: unknown): value is AuthorizerAnswer {
  if (!value || typeof value !== 'object' || typeof (value as AuthorizerAnswer).isAuthorized !== 'boolean') return false;
  const context = (value as AuthorizerAnswer).context;
  return context === undefined || (typeof context === 'object' && context !== null && !Array.isArray(context));
}

/** HTTP API payload 2.0: a result without statusCode is a 200 JSON body. */
function normalise(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result) return result as APIGatewayProxyStructuredResultV2;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) };
}

function send(res: ServerResponse, refusal: { readonly status: number; readonly body: unknown }, headers: Record<string, string>): void {
  res.writeHead(refusal.status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(refusal.body));
}
