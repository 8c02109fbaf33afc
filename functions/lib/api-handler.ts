import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { RESOURCES } from '#catalogue/resources';
import { API_KEY_SCOPES, type ApiKeyScope, DEFAULT_RATE_LIMIT_PER_MINUTE } from '#shared/apikeys';
import { type AnyRoute, type BodyOf, groupsOf, type ParamsOf, type QueryOf, type ResponseOf, type Schema } from '#shared/api/contract';
import type { ErrorBody, ErrorCode } from '#shared/api/errors';
import { ORGANISATION_ROLES, type OrganisationRole } from '#shared/organisations';
import { describeIssues, ValidationError } from '#shared/validation';
import { ddb } from './clients';
import { ApiError } from './errors';
import { logger, metrics, tracer } from './powertools';
import { DynamoRateLimiter, type RateLimiter } from './rate-limit';

/**
 * The event of an API route. Its authorizer output is `lambda`, the context of
 * the API's Lambda authorizer (functions/apikeys/authorize.handler.ts), or
 * `jwt`, the claims of a JWT authorizer (which unit tests still build); the
 * aws-lambda type names only the second, so {@link callerOf} reads both.
 */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** The API key a request was made with. */
export interface CallerKey {
  readonly keyId: string;
  readonly scope: ApiKeyScope;
  /** The organisation of an organisation key: orders pay from its wallet unless they name another. */
  readonly organisationId?: string;
  /** The creator's role in that organisation when the key was created. */
  readonly role?: OrganisationRole;
}

/**
 * Who calls. From a token: the claims an ID token and an access token both
 * carry (`sub`, `cognito:groups`), so handlers work with either; the e-mail
 * lives in the user pool, not here. From an API key: the person it acts as
 * (its creator), no groups, and the key.
 */
export interface Caller {
  readonly sub: string;
  readonly groups: readonly string[];
  /** Present when the request was made with an API key. */
  readonly apiKey?: CallerKey;
  /**
   * Requests a minute the caller may make.
   * @default DEFAULT_RATE_LIMIT_PER_MINUTE
   */
  readonly rateLimitPerMinute?: number;
}

/** What a handler receives: input parsed by the route's schemas, and the caller. */
export interface ApiRequest<C extends AnyRoute> {
  readonly event: ApiEvent;
  readonly params: ParamsOf<C>;
  readonly query: QueryOf<C>;
  readonly body: BodyOf<C>;
  /** Undefined only on public (`auth: 'none'`) routes. */
  readonly caller: C['auth'] extends 'none' ? Caller | undefined : Caller;
}

/**
 * API Gateway HTTP APIs flatten array claims into strings such as
 * "[admins artists]"; accept that, a comma list, or a real array.
 */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string' || claim.trim() === '') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/**
 * The caller the authorizer verified, or undefined when there is none: from
 * the Lambda authorizer's context (see `AuthorizerContext` in
 * functions/apikeys/authorizer.ts), or from a JWT authorizer's claims.
 */
export function callerOf(event: ApiEvent): Caller | undefined {
  const lambda = (event.requestContext.authorizer as { lambda?: Readonly<Record<string, unknown>> } | undefined)?.lambda;
  if (lambda) return callerFromContext(lambda);
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  return { sub: claims.sub, groups: parseGroups(claims['cognito:groups']) };
}

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined => (values as readonly unknown[]).includes(value) ? (value as T) : undefined;

function callerFromContext(context: Readonly<Record<string, unknown>>): Caller | undefined {
  if (typeof context.sub !== 'string' || context.sub === '') return undefined;
  const limit = Number(context.rateLimitPerMinute);
  const rateLimitPerMinute = Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_RATE_LIMIT_PER_MINUTE;
  const scope = oneOf(API_KEY_SCOPES, context.scope);
  const apiKey: CallerKey | undefined =
    typeof context.keyId === 'string' && context.keyId !== '' && scope
      ? {
          keyId: context.keyId,
          scope,
          ...(typeof context.organisationId === 'string' && context.organisationId !== '' && { organisationId: context.organisationId }),
          ...(oneOf(ORGANISATION_ROLES, context.role) && { role: oneOf(ORGANISATION_ROLES, context.role) }),
        }
      : undefined;
  // A key never carries groups, whatever its context says.
  return { sub: context.sub, groups: apiKey ? [] : parseGroups(context.groups), ...(apiKey && { apiKey }), rateLimitPerMinute };
}

/** Who a caller is counted as: each key on its own, each person (signed in) on their own. */
export const rateLimitSubject = (caller: Caller): string => (caller.apiKey ? `KEY#${caller.apiKey.keyId}` : `SUB#${caller.sub}`);

let defaultLimiter: RateLimiter | null | undefined;

/**
 * The counter of the `RateLimitTable` grant, which the catalogue gives every
 * function that serves a signed-in route. Without the variable (unit tests of
 * handlers, which pass their own limiter when they test it) nothing is counted.
 */
function rateLimiterFromEnv(): RateLimiter | undefined {
  if (defaultLimiter === undefined) {
    const table = process.env[RESOURCES.RateLimitTable.env];
    defaultLimiter = table ? new DynamoRateLimiter(ddb(), table) : null;
  }
  return defaultLimiter ?? undefined;
}

/** Counts the request; over the caller's limit, answers 429 RATE_LIMITED with `Retry-After` (seconds). */
async function enforceRateLimit(limiter: RateLimiter | undefined, caller: Caller): Promise<ApiResult | undefined> {
  if (!limiter) return undefined;
  const limit = caller.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE;
  const decision = await limiter.take(rateLimitSubject(caller), limit);
  if (decision.allowed) return undefined;
  metrics.addMetric('RateLimited', 'Count', 1);
  const refused = errorResponse('RATE_LIMITED', `You made ${limit} requests this minute, as many as allowed; try again in ${decision.retryAfterSeconds} s.`, 429);
  return { ...refused, headers: { ...refused.headers, 'retry-after': String(decision.retryAfterSeconds) } };
}

/** Parses and validates a JSON body, answering 4xx with a code and a message a person can act on. */
/** Anything with zod's `safeParse`. */
type SafeParser<T> = { safeParse(input: unknown): { success: true; data: T } | { success: false; error: ValidationError } };

export function parseBody<T>(event: ApiEvent, schema: SafeParser<T>): T {
  if (!event.body) throw new ApiError('BODY_REQUIRED', 'The request needs a JSON body.');
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  return validate(schema, json);
}

function validate<T>(schema: SafeParser<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ApiError('VALIDATION_FAILED', describeIssues(parsed.error));
  return parsed.data;
}

export function json(statusCode: number, body: unknown): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

export function errorResponse(code: ErrorCode, message: string, statusCode: number): ApiResult {
  const body: ErrorBody = { code, message };
  return json(statusCode, body);
}

function toResponse(error: unknown): ApiResult {
  if (error instanceof ApiError) return errorResponse(error.code, error.message, error.statusCode);
  if (error instanceof ValidationError) return errorResponse('VALIDATION_FAILED', describeIssues(error), 400);
  logger.error('Unhandled error', error as Error);
  return errorResponse('INTERNAL_ERROR', 'Something went wrong on our side. Please try again in a minute.', 500);
}

/** Parses the route's path and query parameters; a query parameter the route does not take answers 400. */
function parseInput(route: AnyRoute, event: ApiEvent) {
  const query = event.queryStringParameters ?? {};
  if (!route.query) {
    const unknown = Object.keys(query);
    if (unknown.length) throw new ApiError('UNKNOWN_PARAMETER', `This route takes no query parameters (got ${unknown.join(', ')}).`);
  }
  return {
    params: route.params ? validate(route.params as Schema, event.pathParameters ?? {}) : undefined,
    query: route.query ? validateQuery(route.query as Schema, query) : undefined,
    body: route.body ? parseBody(event, route.body as Schema) : undefined,
  };
}

function validateQuery(schema: Schema, query: Record<string, string | undefined>): unknown {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const unrecognized = parsed.error.issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unrecognized && 'keys' in unrecognized) {
    throw new ApiError('UNKNOWN_PARAMETER', `Unknown query parameter: ${(unrecognized.keys as string[]).join(', ')}.`);
  }
  throw new ApiError('VALIDATION_FAILED', describeIssues(parsed.error));
}

/**
 * Wraps the handler of one API route: Powertools (logger with the Lambda
 * context, a trace segment, business metrics flushed after each call), the
 * caller's identity, their rate limit (signed-in routes; `options.rateLimiter`
 * or the `RateLimitTable` counter), the group the route requires, input parsed by the
 * route's schemas, the route's success status, and every error mapped to
 * `{ code, message }`. API handlers never throw: a 5xx is an answer.
 */
export function apiHandler<C extends AnyRoute>(
  route: C,
  fn: (request: ApiRequest<C>) => Promise<ResponseOf<C>>,
  options: { readonly rateLimiter?: RateLimiter } = {},
) {
  const groups = groupsOf(route);
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const caller = callerOf(event);
        if (!caller && route.auth !== 'none') throw new ApiError('UNAUTHENTICATED', 'Sign in to use this route.');
        logger.appendKeys({ caller: caller?.sub, ...(caller?.apiKey && { apiKey: caller.apiKey.keyId }), route: event.routeKey });
        // Public routes are held only by the stage's throttling: they have no caller to count.
        if (caller && route.auth !== 'none') {
          const refused = await enforceRateLimit(options.rateLimiter ?? rateLimiterFromEnv(), caller);
          if (refused) return refused;
        }
        if (groups.length && !groups.some((group) => caller?.groups.includes(group))) {
          throw new ApiError('FORBIDDEN', `This route is for the ${groups.join(' or ')} group only.`);
        }
        const input = parseInput(route, event);
        const body = await fn({ event, caller, ...input } as ApiRequest<C>);
        return json(route.status, body);
      } catch (error) {
        return toResponse(error);
      }
    });
}
