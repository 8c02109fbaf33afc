import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

export type Claims = APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer']['jwt']['claims'];

export interface EventOptions {
  /** `METHOD /path` as the API Gateway route table spells it, e.g. `GET /v1/orders/{orderId}`. */
  readonly routeKey?: string;
  /** JWT claims; `null` builds an event without an authorizer (no claims). */
  readonly claims?: Claims | null;
  /** An object is sent as JSON; a string is sent as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
}

export const CUSTOMER_SUB = '11111111-1111-4111-8111-111111111111';
export const OTHER_CUSTOMER_SUB = '22222222-2222-4222-8222-222222222222';
export const ADMIN_SUB = '33333333-3333-4333-8333-333333333333';

const CLIENT_ID = '4example0client0id0web';

/** Claims of an ID token, as API Gateway flattens them. */
export const customerClaims: Claims = { sub: CUSTOMER_SUB, email: 'ada@example.com', token_use: 'id' };
export const adminClaims: Claims = { sub: ADMIN_SUB, email: 'admin@example.com', 'cognito:groups': '[admins]', token_use: 'id' };

/** Claims of a Cognito access token: no e-mail, only the subject, the groups and the client. */
export const accessTokenClaims: Claims = { sub: CUSTOMER_SUB, 'cognito:groups': '[]', client_id: CLIENT_ID, token_use: 'access' };
export const adminAccessTokenClaims: Claims = { sub: ADMIN_SUB, 'cognito:groups': '[admins]', client_id: CLIENT_ID, token_use: 'access' };

/** A fake API Gateway HTTP API (payload v2) event behind a JWT authorizer. */
export function makeEvent(options: EventOptions = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const routeKey = options.routeKey ?? 'GET /v1/me';
  const [method, path] = routeKey.split(' ');
  const rawPath = Object.entries(options.pathParameters ?? {}).reduce(
    (p, [name, value]) => p.replace(`{${name}}`, value),
    path,
  );
  const body =
    options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers = options.headers ?? (body === undefined ? {} : { 'content-type': 'application/json' });
  const claims = options.claims === undefined ? customerClaims : options.claims;
  const requestContext = {
    accountId: '123456789012',
    apiId: 'api123',
    domainName: 'api123.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'api123',
    http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'jest' },
    requestId: 'request-1',
    routeKey,
    stage: '$default',
    time: '01/Jan/2030:00:00:00 +0000',
    timeEpoch: 1893456000000,
    authorizer: claims === null ? undefined : { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } },
  };
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.queryStringParameters ?? {}).toString(),
    headers,
    queryStringParameters: options.queryStringParameters,
    pathParameters: options.pathParameters,
    body,
    isBase64Encoded: options.isBase64Encoded ?? false,
    // The type says the authorizer is always there; a route without one is exactly what we test.
    requestContext: requestContext as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext'],
  };
}

/** A fake Lambda context, enough for the Powertools logger middleware. */
export function makeContext(functionName = 'TestFunction'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2030/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type ApiHandler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Invokes an API handler and parses its JSON body. */
export async function invoke<B = Record<string, unknown>>(
  handler: ApiHandler,
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
): Promise<{ statusCode: number | undefined; body: B; headers: APIGatewayProxyStructuredResultV2['headers'] }> {
  const result = await handler(event, makeContext());
  return { statusCode: result.statusCode, headers: result.headers, body: JSON.parse(result.body ?? 'null') as B };
}

type TaskHandler<I, O> = (input: I, context: Context) => Promise<O>;

/** Invokes a pipeline task handler the way the Lambda runtime would. */
export function invokeTask<I, O>(handler: TaskHandler<I, O>, input: I): Promise<O> {
  return handler(input, makeContext());
}
