import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ROUTES, routeKey, type RouteSpec } from '../catalogue';

/** API Gateway HTTP APIs accept request bodies up to 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface LocalApiOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** Origins allowed by the CORS configuration, as the HTTP API's corsPreflight. */
  readonly allowedOrigins: readonly string[];
  readonly invoke: (functionId: string, event: unknown) => Promise<unknown>;
  readonly log?: (line: string) => void;
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
        if (!m) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        params.push(m[1]);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    return { route, params, pattern: new RegExp(`^${source}$`) };
  });
}

/**
 * The local stand-in for API Gateway (HTTP API): same routes as CDK deploys,
 * the JWT checked against cognito-local's keys, the same event shape (payload
 * format 2.0) handed to the same handlers, and the same error bodies.
 */
export class LocalApi {
  private readonly routes = compileRoutes(ROUTES);
  private readonly verifier;

  constructor(private readonly options: LocalApiOptions) {
    this.verifier = JwtRsaVerifier.create({ issuer: options.issuer, audience: options.audience, jwksUri: options.jwksUri });
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
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' }, this.cors(req));
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = (req.method ?? 'GET').toUpperCase();
    const cors = this.cors(req);

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

    const match = this.match(method, url.pathname);
    if (!match) return send(res, 404, { message: 'Not Found' }, cors);

    const body = await readBody(req);
    if (body === undefined) return send(res, 413, { message: 'Request Entity Too Large' }, cors);

    // Routes with auth `none` have no authorizer, as on API Gateway; every other route needs a valid JWT.
    const claims = match.route.auth === 'none' ? undefined : await this.claims(req.headers.authorization);
    if (match.route.auth !== 'none' && !claims) return send(res, 401, { message: 'Unauthorized' }, cors);

    const started = Date.now();
    const event = buildEvent(req, url, match.route, match.pathParameters, body, claims);
    let result: APIGatewayProxyStructuredResultV2;
    try {
      result = normalise(await this.options.invoke(match.route.functionId, event));
    } catch (error) {
      this.options.log?.(`api: ${match.route.functionId} failed: ${(error as Error).message}`);
      return send(res, 500, { message: 'Internal Server Error' }, cors);
    }
    this.options.log?.(`api: ${event.routeKey} → ${result.statusCode} (${Date.now() - started} ms)`);
    const headers: Record<string, string | string[]> = { ...cors };
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (result.cookies?.length) headers['set-cookie'] = result.cookies;
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
  }

  private match(method: string, path: string) {
    for (const { route, pattern, params } of this.routes) {
      if (route.method !== method) continue;
      const m = path.match(pattern);
      if (!m) continue;
      const pathParameters: Record<string, string> = {};
      params.forEach((name, i) => (pathParameters[name] = decodeURIComponent(m[i + 1])));
      return { route, pathParameters };
    }
    return undefined;
  }

  private async claims(authorization: string | undefined): Promise<Record<string, string | number | boolean | string[]> | undefined> {
    if (!authorization) return undefined;
    const token = authorization.replace(/^Bearer\s+/i, '').trim();
    try {
      return (await this.verifier.verify(token)) as never;
    } catch {
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
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function isTextual(contentType: string | undefined): boolean {
  return !contentType || /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i.test(contentType);
}

/** API Gateway flattens JWT claims to strings; arrays become "[a b]". */
function flattenClaims(claims: Record<string, unknown>): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(claims)) {
    flat[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return flat;
}

export function buildEvent(
  req: IncomingMessage,
  url: URL,
  route: RouteSpec,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: Record<string, unknown> | undefined,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  // API Gateway tells the integration how the client connected.
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const textual = isTextual(headers['content-type']);
  const now = new Date();
  const key = routeKey(route);
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: headers.cookie ? headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
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
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
  };
}

/** HTTP API payload 2.0: a result without statusCode is a 200 JSON body. */
function normalise(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (result && typeof result === 'object' && 'statusCode' in result) return result as APIGatewayProxyStructuredResultV2;
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
