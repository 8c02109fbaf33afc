import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type AnyRoute, type BodyOf, groupOf, type ParamsOf, type QueryOf, type ResponseOf, type Schema } from '#shared/api/contract';
import type { ErrorBody, ErrorCode } from '#shared/api/errors';
import { describeIssues, ValidationError } from '#shared/validation';
import { ApiError } from './errors';
import { logger, metrics, tracer } from './powertools';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/**
 * Who calls. Built from claims an ID token and an access token both carry
 * (`sub`, `cognito:groups`), so handlers work with either; the e-mail lives in
 * the user pool, not here.
 */
export interface Caller {
  readonly sub: string;
  readonly groups: readonly string[];
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

/** The caller from the JWT claims the authorizer verified, or undefined when there are none. */
export function callerOf(event: ApiEvent): Caller | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  return { sub: claims.sub, groups: parseGroups(claims['cognito:groups']) };
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
 * caller's identity and the group the route requires, input parsed by the
 * route's schemas, the route's success status, and every error mapped to
 * `{ code, message }`. API handlers never throw: a 5xx is an answer.
 */
export function apiHandler<C extends AnyRoute>(route: C, fn: (request: ApiRequest<C>) => Promise<ResponseOf<C>>) {
  const group = groupOf(route);
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(captureLambdaHandler(tracer, { captureResponse: false }))
    .use(logMetrics(metrics))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const caller = callerOf(event);
        if (!caller && route.auth !== 'none') throw new ApiError('UNAUTHENTICATED', 'Sign in to use this route.');
        if (group && !caller?.groups.includes(group)) throw new ApiError('FORBIDDEN', `This route is for the ${group} group only.`);
        logger.appendKeys({ caller: caller?.sub, route: event.routeKey });
        const input = parseInput(route, event);
        const body = await fn({ event, caller, ...input } as ApiRequest<C>);
        return json(route.status, body);
      } catch (error) {
        return toResponse(error);
      }
    });
}
