import * as z from '../validation';
import { ERRORS, type ErrorCode } from './errors';

/**
 * Who may call a route: `none` (public), `user` (any signed-in person), a
 * Cognito group, or `reviewers` (the admins or the artists: the review gate,
 * where the handler also checks an artist's assignment). API Gateway checks
 * the token; the handler chain checks the group.
 */
export type Auth = 'none' | 'user' | 'admins' | 'artists' | 'reviewers';
export type Group = 'admins' | 'artists';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Schema = z.ZodMiniType;

/**
 * One route of the public API: where it lives, who may call it, what it takes
 * and what it answers. The handler chain parses input with these schemas, the
 * web client is typed (and checks answers) with them, and the OpenAPI document
 * is generated from them.
 */
export interface RouteContract<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema = Schema,
> {
  /** Stable camelCase name, the OpenAPI operationId. */
  readonly operationId: string;
  readonly method: Method;
  /** API Gateway path syntax under `/v1`, e.g. `/v1/orders/{orderId}`. */
  readonly path: string;
  readonly auth: Auth;
  /** OpenAPI tag: the domain the route belongs to. */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** Path parameters, as an object schema. */
  readonly params?: P;
  /** Query parameters, as a strict object schema; routes without one refuse every parameter. */
  readonly query?: Q;
  /** JSON body. */
  readonly body?: B;
  /** Status of a successful answer. */
  readonly status: 200 | 201 | 202 | 204;
  readonly response: R;
  /** Errors specific to the route; {@link errorsOf} adds those every route of its shape can answer. */
  readonly errors: readonly ErrorCode[];
  /**
   * Tighter API Gateway throttling for this route, across all callers (routes
   * that create things). Over it, API Gateway answers 429.
   * @default - the stage's default limits
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export type AnyRoute = RouteContract<Schema | undefined, Schema | undefined, Schema | undefined, Schema>;

type Out<S> = S extends Schema ? z.output<S> : undefined;
export type ParamsOf<C> = C extends RouteContract<infer P, Schema | undefined, Schema | undefined, Schema> ? Out<P> : never;
export type QueryOf<C> = C extends RouteContract<Schema | undefined, infer Q, Schema | undefined, Schema> ? Out<Q> : never;
export type BodyOf<C> = C extends RouteContract<Schema | undefined, Schema | undefined, infer B, Schema> ? Out<B> : never;
export type ResponseOf<C> = C extends RouteContract<Schema | undefined, Schema | undefined, Schema | undefined, infer R> ? z.output<R> : never;
/** What a client sends: the input side of each schema. */
export type ParamsIn<C> = C extends RouteContract<infer P, Schema | undefined, Schema | undefined, Schema> ? (P extends Schema ? z.input<P> : undefined) : never;
export type QueryIn<C> = C extends RouteContract<Schema | undefined, infer Q, Schema | undefined, Schema> ? (Q extends Schema ? z.input<Q> : undefined) : never;
export type BodyIn<C> = C extends RouteContract<Schema | undefined, Schema | undefined, infer B, Schema> ? (B extends Schema ? z.input<B> : undefined) : never;

/** Declares a route; the identity function that keeps the schemas' types. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema = Schema,
>(contract: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  if (!contract.path.startsWith('/v1/')) throw new Error(`${contract.operationId}: every route lives under /v1 (got ${contract.path}).`);
  return contract;
}

/** The groups a route admits (a caller in any of them may call it); empty when it needs none. */
export function groupsOf(route: Pick<AnyRoute, 'auth'>): readonly Group[] {
  if (route.auth === 'reviewers') return ['admins', 'artists'];
  return route.auth === 'admins' || route.auth === 'artists' ? [route.auth] : [];
}

/** Every error code a route can answer: its own, plus those its shape implies. */
export function errorsOf(route: AnyRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors);
  if (route.params || route.query || route.body) codes.add('VALIDATION_FAILED');
  codes.add('UNKNOWN_PARAMETER');
  if (route.query && 'cursor' in shapeOf(route.query)) codes.add('INVALID_CURSOR');
  if (route.body) {
    codes.add('BODY_REQUIRED');
    codes.add('INVALID_JSON');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
    codes.add('PAYLOAD_TOO_LARGE');
  }
  if (route.auth !== 'none') {
    codes.add('UNAUTHENTICATED');
    // Every signed-in caller is held to a number of requests a minute (functions/lib/rate-limit.ts).
    codes.add('RATE_LIMITED');
  }
  if (groupsOf(route).length) codes.add('FORBIDDEN');
  codes.add('INTERNAL_ERROR');
  return [...codes].sort((a, b) => ERRORS[a].status - ERRORS[b].status || a.localeCompare(b));
}

/** The property schemas of an object schema (empty for anything else). */
export function shapeOf(schema: Schema): Record<string, Schema> {
  const def = (schema as unknown as { _zod: { def: { shape?: Record<string, Schema> } } })._zod.def;
  return def.shape ?? {};
}

/** `/v1/orders/{orderId}` with `{ orderId: 'x' }` → `/v1/orders/x` (each value URI-encoded). */
export function fillPath(path: string, params: unknown): string {
  const values = new Map<string, unknown>(typeof params === 'object' && params !== null ? Object.entries(params) : []);
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`Missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
}

/** Names of the `{placeholders}` of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]);
}
