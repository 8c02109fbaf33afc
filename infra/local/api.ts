import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_THROTTLE, ROUTES, routeKey, type RouteSpec } from '../catalogue';

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
 * for the authorizer (401) and the route table (404). The two size refusals are as
 * observed on API Gateway (koki-develop/lgtm-generator#10): over 10 MB a plain-text
 * 413, over Lambda's 6 MB a JSON 413 "Request Too Long".
 */
export const REFUSALS = {
  badRequest: { status: 400, body: { message: 'Bad Request' } },
  unauthorized: { status: 401, body: { message: 'Unauthorized' } },
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
  readonly issuer: string;
  /** The authorizer's audience list (one app client ID, or several). */
  readonly audience: string | readonly string[];
  readonly jwksUri: string;
  /** Origins allowed by the CORS configuration, as the HTTP API's corsPreflight. */
  readonly allowedOrigins: readonly string[];
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
  /**
   * The stage's throttling for routes without their own (`throttle` in the contract).
   * @default API_THROTTLE.default, as the CDK stage of a non-prod stage
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
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

type Claims = Record<string, unknown>;

/**
 * The claim checks of the HTTP API JWT authorizer beyond signature, `kid` and `iss`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html,
 * "Validate claims"): `aud` or `client_id` must match one of the configured audiences
 * (`client_id` is checked only when the token has no `aud`; with both, `aud` decides), `exp`
 * must be after the current time, `nbf` and `iat` before it. So a Cognito ID token
 * (`aud` = the app client) and a Cognito access token (no `aud`, `client_id` = the app client)
 * are both accepted. Throws with the reason when the token is refused.
 */
export function assertAuthorizerClaims(payload: Claims, audience: readonly string[], nowSeconds = Date.now() / 1000): void {
  if (typeof payload.exp !== 'number') throw new Error('the token has no exp');
  if (payload.exp <= nowSeconds) throw new Error('the token has expired');
  if (payload.nbf !== undefined && !(typeof payload.nbf === 'number' && payload.nbf <= nowSeconds)) throw new Error('the token is not valid yet (nbf)');
  if (payload.iat !== undefined && !(typeof payload.iat === 'number' && payload.iat <= nowSeconds)) throw new Error('the token was issued in the future (iat)');
  if (payload.aud !== undefined) {
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => typeof a === 'string' && audience.includes(a))) throw new Error('the token is for another audience (aud)');
    return;
  }
  if (typeof payload.client_id !== 'string' || !audience.includes(payload.client_id)) throw new Error('the token is for another client (client_id)');
}

/**
 * The local stand-in for API Gateway (HTTP API): same routes as CDK deploys,
 * the JWT checked against cognito-local's keys by the authorizer's rules, the same
 * event shape (payload format 2.0) handed to the same handlers, and the same refusals.
 */
export class LocalApi {
  private readonly routes = compileRoutes(ROUTES);
  private readonly verifier;
  /** What the JWT authorizer checks, for the parity test. */
  readonly authorizer: JwtAuthorizerConfig;
  /** Route key → its throttling bucket (the route's own limits, or the stage's). */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly options: LocalApiOptions) {
    const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
    this.authorizer = { issuer: options.issuer, audience };
    this.verifier = JwtRsaVerifier.create({
      issuer: options.issuer,
      // aws-jwt-verify checks `aud` only; the authorizer also accepts `client_id` (access tokens).
      audience: null,
      jwksUri: options.jwksUri,
      customJwtCheck: ({ payload }: { payload: JwtPayload }) => assertAuthorizerClaims(payload as Claims, audience),
    });
  }

  /** The route keys this front serves (`GET /orders/{orderId}`), for the parity test. */
  routeKeys(): string[] {
    return this.routes.map(({ route }) => routeKey(route));
  }

  /** cognito-local serves its JWKS over plain http, which the verifier will not fetch itself. */
  async loadKeys(): Promise<void> {
    const res = await fetch(this.options.jwksUri);
    if (!res.ok) throw new Error(`Could not read the JWKS at ${this.options.jwksUri}: HTTP ${res.status}`);
    this.verifier.cacheJwks((await res.json()) as never);
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

    // Routes with auth `none` have no authorizer, as on API Gateway; every other route needs a valid JWT.
    const claims = match.route.auth === 'none' ? undefined : await this.claims(req.headers.authorization);
    if (match.route.auth !== 'none' && !claims) return send(res, REFUSALS.unauthorized, cors);

    const started = Date.now();
    const event = buildEvent(req, { path, rawQueryString }, match.route, match.pathParameters, body, claims);
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

  private async claims(authorization: string | undefined): Promise<Claims | undefined> {
    if (!authorization) return undefined;
    // The identity source may hold the token alone or prefixed with "Bearer".
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    try {
      return (await this.verifier.verify(token)) as Claims;
    } catch (error) {
      this.options.log?.(`api: token refused: ${(error as Error).message}`);
      return undefined;
    }
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

/** API Gateway flattens JWT claims to strings; arrays become "[a b]". */
function flattenClaims(claims: Claims): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    flat[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return flat;
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
  claims: Claims | undefined,
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
      authorizer: (claims ? { principalId: '', integrationLatency: 0, jwt: { claims: flattenClaims(claims), scopes: [] } } : undefined) as never,
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

/** HTTP API payload 2.0: a result without statusCode is a 200 JSON body. */
function normalise(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result) return result as APIGatewayProxyStructuredResultV2;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) };
}

function send(res: ServerResponse, refusal: { readonly status: number; readonly body: unknown }, headers: Record<string, string>): void {
  res.writeHead(refusal.status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(refusal.body));
}
