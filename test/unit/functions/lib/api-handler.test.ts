import '../../helpers/env';
import { apiHandler, callerOf, type Caller, errorResponse, json, parseBody, parseGroups } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import { defineRoute } from '#shared/api/contract';
import * as z from '#shared/validation';
import {
  ADMIN_SUB,
  accessTokenClaims,
  adminAccessTokenClaims,
  adminClaims,
  CUSTOMER_SUB,
  customerClaims,
  type EventOptions,
  invoke,
  makeEvent,
} from '../../helpers/events';

/** Test routes, one per kind of auth and input. */
const callerSchema = z.object({ sub: z.optional(z.string()), groups: z.array(z.string()) });
const userRoute = defineRoute({
  operationId: 'testUser',
  method: 'GET',
  path: '/v1/test/me',
  auth: 'user',
  tag: 'test',
  summary: 'Answers the caller',
  status: 200,
  response: callerSchema,
  errors: [],
});
const adminsRoute = defineRoute({ ...userRoute, operationId: 'testAdmins', path: '/v1/test/admin', auth: 'admins' });
const publicRoute = defineRoute({ ...userRoute, operationId: 'testPublic', path: '/v1/test/public', auth: 'none' });
const inputRoute = defineRoute({
  operationId: 'testInput',
  method: 'POST',
  path: '/v1/test/things/{thingId}',
  auth: 'user',
  tag: 'test',
  summary: 'Echoes its input',
  params: z.strictObject({ thingId: z.uuid({ error: 'thingId is not a valid ID.' }) }),
  query: z.strictObject({ size: z.optional(z.enum(['s', 'm'])) }),
  body: z.strictObject({ name: z.string() }),
  status: 201,
  response: z.object({ thingId: z.string(), size: z.optional(z.string()), name: z.string() }),
  errors: [],
});

const THING_ID = '44444444-4444-4444-8444-444444444444';

/** A handler for each route that records what it received. */
function handlers() {
  const seen: { caller?: Caller; called: number } = { called: 0 };
  const answerCaller = async ({ caller }: { caller?: Caller }) => {
    seen.called += 1;
    seen.caller = caller;
    return { sub: caller?.sub, groups: [...(caller?.groups ?? [])] };
  };
  return {
    seen,
    user: apiHandler(userRoute, answerCaller),
    admins: apiHandler(adminsRoute, answerCaller),
    public: apiHandler(publicRoute, answerCaller),
    input: apiHandler(inputRoute, async ({ params, query, body }) => {
      seen.called += 1;
      return { thingId: params.thingId, size: query.size, name: body.name };
    }),
  };
}

const thingEvent = (options: EventOptions = {}) =>
  makeEvent({ routeKey: 'POST /v1/test/things/{thingId}', pathParameters: { thingId: THING_ID }, body: { name: 'Ada' }, ...options });

describe('Function: parseGroups', () => {
  it('reads the bracketed, space-separated string HTTP APIs flatten arrays into', () => {
    // Act
    const groups = parseGroups('[admins artists]');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a comma-separated list', () => {
    // Act
    const groups = parseGroups('admins,artists');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a comma-and-space-separated list', () => {
    // Act
    const groups = parseGroups('admins, artists');

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it('reads a single group in brackets', () => {
    // Act
    const groups = parseGroups('[admins]');

    // Assess
    expect(groups).toEqual(['admins']);
  });

  it('keeps a real array as strings', () => {
    // Act
    const groups = parseGroups(['admins', 'artists']);

    // Assess
    expect(groups).toEqual(['admins', 'artists']);
  });

  it.each([
    { claim: undefined, case: 'missing' },
    { claim: '', case: 'empty string' },
    { claim: '   ', case: 'blank string' },
    { claim: '[]', case: 'empty brackets' },
    { claim: [], case: 'empty array' },
    { claim: 42, case: 'not a string' },
  ])('returns no groups when the claim is $case', ({ claim }) => {
    // Act
    const groups = parseGroups(claim);

    // Assess
    expect(groups).toEqual([]);
  });
});

describe('Function: callerOf', () => {
  it('reads the subject and groups of an ID token', () => {
    // Act
    const caller = callerOf(makeEvent({ claims: adminClaims }));

    // Assess
    expect(caller).toEqual({ sub: ADMIN_SUB, groups: ['admins'] });
  });

  it('reads the subject and groups of an access token, which has no e-mail', () => {
    // Act
    const caller = callerOf(makeEvent({ claims: adminAccessTokenClaims }));

    // Assess
    expect(caller).toEqual({ sub: ADMIN_SUB, groups: ['admins'] });
  });

  it('answers undefined without claims', () => {
    // Act
    const caller = callerOf(makeEvent({ claims: null }));

    // Assess
    expect(caller).toBeUndefined();
  });

  it('answers undefined when the subject is empty', () => {
    // Act
    const caller = callerOf(makeEvent({ claims: { sub: '', 'cognito:groups': '[admins]' } }));

    // Assess
    expect(caller).toBeUndefined();
  });
});

describe('Function: parseBody', () => {
  const schema = z.strictObject({ name: z.string() });

  /** What parseBody throws for an event, or undefined. */
  function thrownBy(event: ReturnType<typeof makeEvent>): unknown {
    try {
      parseBody(event, schema);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it('returns the parsed and validated JSON body', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: { name: 'Ada' } });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('answers 400 BODY_REQUIRED when the body is missing', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', headers: { 'content-type': 'application/json' } });

    // Act
    const error = thrownBy(event);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 400, code: 'BODY_REQUIRED', message: 'The request needs a JSON body.' });
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE when the content type is not JSON', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: 'name=Ada', headers: { 'content-type': 'text/plain' } });

    // Act
    const error = thrownBy(event);

    // Assess
    expect(error).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE when the content type header is absent', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: { name: 'Ada' }, headers: {} });

    // Act
    const error = thrownBy(event);

    // Assess
    expect(error).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('accepts a JSON content type with a charset, in any case', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: { name: 'Ada' }, headers: { 'content-type': 'Application/JSON; charset=utf-8' } });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('reads a Content-Type header spelt with capitals', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: { name: 'Ada' }, headers: { 'Content-Type': 'application/json' } });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Ada' });
  });

  it('answers 400 INVALID_JSON when the body is not valid JSON', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: '{"name": ' });

    // Act
    const error = thrownBy(event);

    // Assess
    expect(error).toMatchObject({ statusCode: 400, code: 'INVALID_JSON', message: 'The request body is not valid JSON.' });
  });

  it('decodes a base64-encoded body', () => {
    // Prepare
    const event = makeEvent({
      routeKey: 'POST /v1/orders',
      body: Buffer.from(JSON.stringify({ name: 'Zoë' }), 'utf8').toString('base64'),
      headers: { 'content-type': 'application/json' },
      isBase64Encoded: true,
    });

    // Act
    const body = parseBody(event, schema);

    // Assess
    expect(body).toEqual({ name: 'Zoë' });
  });

  it('answers 400 VALIDATION_FAILED naming the field when the body does not match', () => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', body: { name: 7 } });

    // Act
    const error = thrownBy(event);

    // Assess
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.stringMatching(/^name: /) });
  });
});

describe('Functions: json and errorResponse', () => {
  it('answers JSON that is never cached', () => {
    // Act
    const result = json(200, { ok: true });

    // Assess
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: '{"ok":true}',
    });
  });

  it('answers errors as { code, message }', () => {
    // Act
    const result = errorResponse('ORDER_NOT_FOUND', 'No such order.', 404);

    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body!)).toEqual({ code: 'ORDER_NOT_FOUND', message: 'No such order.' });
  });
});

describe('Function: apiHandler', () => {
  it('passes the caller from the JWT claims to the handler', async () => {
    // Prepare
    const { user } = handlers();
    const event = makeEvent({ routeKey: 'GET /v1/test/me', claims: { ...customerClaims, 'cognito:groups': '[artists]' } });

    // Act
    const response = await invoke(user, event);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, groups: ['artists'] });
  });

  it('accepts the claims of an access token', async () => {
    // Prepare
    const { user } = handlers();

    // Act
    const response = await invoke(user, makeEvent({ routeKey: 'GET /v1/test/me', claims: accessTokenClaims }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, groups: [] });
  });

  it('answers JSON that is never cached', async () => {
    // Prepare
    const { user } = handlers();

    // Act
    const response = await invoke(user, makeEvent({ routeKey: 'GET /v1/test/me' }));

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it("answers with the route's success status", async () => {
    // Prepare
    const { input } = handlers();

    // Act
    const response = await invoke(input, thingEvent({ queryStringParameters: { size: 'm' } }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({ thingId: THING_ID, size: 'm', name: 'Ada' });
  });

  it('answers 401 UNAUTHENTICATED without calling the handler when the event carries no claims', async () => {
    // Prepare
    const { user, seen } = handlers();

    // Act
    const response = await invoke(user, makeEvent({ routeKey: 'GET /v1/test/me', claims: null }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to use this route.' });
    expect(seen.called).toBe(0);
  });

  it('answers 401 UNAUTHENTICATED when the claims have no subject', async () => {
    // Prepare
    const { user } = handlers();

    // Act
    const response = await invoke(user, makeEvent({ routeKey: 'GET /v1/test/me', claims: { email: 'ada@example.com' } }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers 403 FORBIDDEN without calling the handler when a customer calls an admins route', async () => {
    // Prepare
    const { admins, seen } = handlers();

    // Act
    const response = await invoke(admins, makeEvent({ routeKey: 'GET /v1/test/admin', claims: customerClaims }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ code: 'FORBIDDEN', message: 'This route is for the admins group only.' });
    expect(seen.called).toBe(0);
  });

  it('answers 403 FORBIDDEN when a member of another group calls an admins route', async () => {
    // Prepare
    const { admins } = handlers();

    // Act
    const response = await invoke(admins, makeEvent({ routeKey: 'GET /v1/test/admin', claims: { ...customerClaims, 'cognito:groups': '[artists]' } }));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it("takes the group from the route's contract, whatever the event's route key says", async () => {
    // Prepare: a route key that is not under /admin must not lift the contract's requirement.
    const { admins } = handlers();

    // Act
    const response = await invoke(admins, makeEvent({ routeKey: 'GET /v1/me', claims: customerClaims }));

    // Assess
    expect(response.statusCode).toBe(403);
  });

  it('lets a member of the group through to the handler', async () => {
    // Prepare
    const { admins } = handlers();

    // Act
    const response = await invoke(admins, makeEvent({ routeKey: 'GET /v1/test/admin', claims: adminAccessTokenClaims }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: ADMIN_SUB, groups: ['admins'] });
  });

  it('answers a public route without claims, with no caller', async () => {
    // Prepare
    const { seen, ...routes } = handlers();

    // Act
    const response = await invoke(routes.public, makeEvent({ routeKey: 'GET /v1/test/public', claims: null }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ groups: [] });
    expect(seen.caller).toBeUndefined();
  });

  it('answers 400 UNKNOWN_PARAMETER when a route without query parameters gets one', async () => {
    // Prepare
    const { user, seen } = handlers();

    // Act
    const response = await invoke(user, makeEvent({ routeKey: 'GET /v1/test/me', queryStringParameters: { debug: '1' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'UNKNOWN_PARAMETER', message: expect.stringContaining('debug') });
    expect(seen.called).toBe(0);
  });

  it('answers 400 UNKNOWN_PARAMETER naming a query parameter the route does not declare', async () => {
    // Prepare
    const { input } = handlers();

    // Act
    const response = await invoke(input, thingEvent({ queryStringParameters: { size: 's', colour: 'red' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'UNKNOWN_PARAMETER', message: 'Unknown query parameter: colour.' });
  });

  it('answers 400 VALIDATION_FAILED for an invalid query parameter value', async () => {
    // Prepare
    const { input } = handlers();

    // Act
    const response = await invoke(input, thingEvent({ queryStringParameters: { size: 'xl' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^size: /) });
  });

  it('answers 400 VALIDATION_FAILED for an invalid path parameter', async () => {
    // Prepare
    const { input, seen } = handlers();

    // Act
    const response = await invoke(input, thingEvent({ pathParameters: { thingId: 'THING#1' } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: 'thingId: thingId is not a valid ID.' });
    expect(seen.called).toBe(0);
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a form body without calling the handler', async () => {
    // Prepare
    const { input, seen } = handlers();

    // Act
    const response = await invoke(input, thingEvent({ body: 'name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));

    // Assess
    expect(response.statusCode).toBe(415);
    expect(response.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(seen.called).toBe(0);
  });

  it("answers an ApiError the handler throws with its code and the code's status", async () => {
    // Prepare
    const handler = apiHandler(userRoute, async () => {
      throw new ApiError('ORDER_NOT_WAITING', 'Too late.');
    });

    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/test/me' }));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'ORDER_NOT_WAITING', message: 'Too late.' });
  });

  it('answers a validation error the handler throws as 400 VALIDATION_FAILED', async () => {
    // Prepare
    const handler = apiHandler(userRoute, async () => {
      const parsed = z.strictObject({ name: z.string() }).safeParse({});
      throw parsed.error;
    });

    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/test/me' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^name: /) });
  });

  it('answers any other error as 500 INTERNAL_ERROR without revealing it', async () => {
    // Prepare
    const handler = apiHandler(userRoute, async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.1:443');
    });

    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/test/me' }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toEqual({ code: 'INTERNAL_ERROR', message: 'Something went wrong on our side. Please try again in a minute.' });
  });
});
