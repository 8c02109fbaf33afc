import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { describeIssues, ValidationError, type ZodMiniType } from '../../shared/validation';
import { ROUTES, routeKey } from '../../infra/catalogue';
import { logger } from './logger';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** An error whose status and message are safe to show to the caller. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface Caller {
  readonly sub: string;
  readonly email?: string;
  readonly groups: readonly string[];
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

export function callerOf(event: ApiEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') throw new HttpError(401, 'Sign in to use this route.');
  return {
    sub: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    groups: parseGroups(claims['cognito:groups']),
  };
}

/** Parses and validates a JSON body, answering 4xx with a message a person can act on. */
export function parseBody<T>(event: ApiEvent, schema: ZodMiniType<T>): T {
  if (!event.body) throw new HttpError(400, 'The request needs a JSON body.');
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!contentType.toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'Send the body as application/json.');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
  return parsed.data;
}

export function json(statusCode: number, body: unknown): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Enforces the Cognito group the route table asks for (403 otherwise). */
function requireRouteGroup(event: ApiEvent): Caller {
  const caller = callerOf(event);
  const route = ROUTES.find((r) => routeKey(r) === event.routeKey);
  if (route?.group && !caller.groups.includes(route.group)) {
    throw new HttpError(403, `This route is for the ${route.group} group only.`);
  }
  return caller;
}

function toResponse(error: unknown): ApiResult {
  if (error instanceof HttpError) return json(error.statusCode, { message: error.message });
  if (error instanceof ValidationError) return json(400, { message: describeIssues(error) });
  logger.error('Unhandled error', error as Error);
  return json(500, { message: 'Something went wrong on our side. Please try again in a minute.' });
}

/**
 * Wraps an API handler: structured logging with the Lambda context, the
 * caller's identity and group check, and error → response mapping.
 */
export function apiHandler(fn: (event: ApiEvent, caller: Caller) => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      try {
        const caller = requireRouteGroup(event);
        logger.appendKeys({ caller: caller.sub, route: event.routeKey });
        return await fn(event, caller);
      } catch (error) {
        return toResponse(error);
      }
    });
}

/** Wraps a pipeline task handler: structured logging, errors propagate to Step Functions. */
export function taskHandler<I, O>(fn: (input: I) => Promise<O>) {
  return middy<I, O, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((input) => fn(input));
}
