import '../../helpers/env';
import { apiHandler, callerOf, rateLimitSubject } from '#lib/api-handler';
import { MemoryRateLimiter } from '#lib/rate-limit';
import { defineRoute } from '#shared/api/contract';
import * as z from '#shared/validation';
import { CUSTOMER_SUB, customerClaims, invoke, makeEvent } from '../../helpers/events';

const route = defineRoute({
  operationId: 'testCounted',
  method: 'GET',
  path: '/v1/test/counted',
  auth: 'user',
  tag: 'test',
  summary: 'Answers ok',
  status: 200,
  response: z.object({ ok: z.boolean() }),
  errors: [],
});
const adminsRoute = defineRoute({ ...route, operationId: 'testCountedAdmins', auth: 'admins' });
const publicRoute = defineRoute({ ...route, operationId: 'testCountedPublic', auth: 'none' });

const KEY_ID = 'ab'.repeat(12);
/** An event as the Lambda authorizer hands it on. */
function withContext(context: Record<string, unknown>) {
  const event = makeEvent({ routeKey: 'GET /v1/test/counted', claims: null });
  return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda: context } as never } };
}
const keyContext = (limit: number) => ({ sub: CUSTOMER_SUB, groups: 'admins', via: 'apiKey', keyId: KEY_ID, scope: 'organisation', organisationId: 'org-1', role: 'admin', rateLimitPerMinute: limit });

describe('callerOf with the Lambda authorizer', () => {
  it('reads a signed-in person from the context: groups and their rate limit', () => {
    expect(callerOf(withContext({ sub: CUSTOMER_SUB, groups: 'admins,artists', via: 'token', rateLimitPerMinute: 100 }))).toEqual({
      sub: CUSTOMER_SUB,
      groups: ['admins', 'artists'],
      rateLimitPerMinute: 100,
    });
  });

  it('reads a key, and never gives a key caller any group', () => {
    expect(callerOf(withContext(keyContext(7)))).toEqual({
      sub: CUSTOMER_SUB,
      groups: [],
      apiKey: { keyId: KEY_ID, scope: 'organisation', organisationId: 'org-1', role: 'admin' },
      rateLimitPerMinute: 7,
    });
  });

  it('answers no caller for a context without a sub, and the default limit for a malformed one', () => {
    expect(callerOf(withContext({ groups: '' }))).toBeUndefined();
    expect(callerOf(withContext({ sub: 'x', rateLimitPerMinute: 'lots' }))?.rateLimitPerMinute).toBe(100);
  });

  it('still reads JWT claims (a JWT authorizer, and the unit tests)', () => {
    expect(callerOf(makeEvent({ claims: customerClaims }))).toEqual({ sub: CUSTOMER_SUB, groups: [] });
  });

  it('counts each key on its own and each person on their own', () => {
    expect(rateLimitSubject({ sub: 's', groups: [] })).toBe('SUB#s');
    expect(rateLimitSubject({ sub: 's', groups: [], apiKey: { keyId: KEY_ID, scope: 'person' } })).toBe(`KEY#${KEY_ID}`);
  });
});

describe('apiHandler: the per-caller rate limit', () => {
  let now: number;
  let limiter: MemoryRateLimiter;
  let calls: number;
  const handlerOf = (r: typeof route) =>
    apiHandler(
      r,
      async () => {
        calls += 1;
        return { ok: true };
      },
      { rateLimiter: limiter },
    );

  beforeEach(() => {
    now = Date.UTC(2030, 0, 1, 12, 0, 15);
    limiter = new MemoryRateLimiter(() => now);
    calls = 0;
  });

  it("answers 429 RATE_LIMITED with Retry-After past the key's limit, without running the handler", async () => {
    const handler = handlerOf(route);
    for (let i = 0; i < 3; i++) expect((await invoke(handler, withContext(keyContext(3)))).statusCode).toBe(200);
    const refused = await invoke(handler, withContext(keyContext(3)));
    expect(refused).toMatchObject({ statusCode: 429, body: { code: 'RATE_LIMITED', message: expect.stringContaining('45 s') } });
    expect(refused.headers).toMatchObject({ 'retry-after': '45' });
    expect(calls).toBe(3);
  });

  it('lets the caller in again when the next minute starts', async () => {
    const handler = handlerOf(route);
    await invoke(handler, withContext(keyContext(1)));
    expect((await invoke(handler, withContext(keyContext(1)))).statusCode).toBe(429);
    now += 45_000;
    expect((await invoke(handler, withContext(keyContext(1)))).statusCode).toBe(200);
  });

  it('holds a signed-in person (a JWT) to 100 a minute by default', async () => {
    const handler = handlerOf(route);
    for (let i = 0; i < 100; i++) await invoke(handler, makeEvent({ claims: customerClaims }));
    expect((await invoke(handler, makeEvent({ claims: customerClaims }))).statusCode).toBe(429);
    expect(calls).toBe(100);
  });

  it('counts before the group check, so refused calls count too', async () => {
    const handler = handlerOf(adminsRoute);
    expect(await invoke(handler, withContext(keyContext(1)))).toMatchObject({ statusCode: 403, body: { code: 'FORBIDDEN' } });
    expect((await invoke(handler, withContext(keyContext(1)))).statusCode).toBe(429);
  });

  it('counts nothing on a public route', async () => {
    const handler = handlerOf(publicRoute);
    for (let i = 0; i < 5; i++) expect((await invoke(handler, withContext(keyContext(1)))).statusCode).toBe(200);
  });

  it('answers 500 INTERNAL_ERROR when the counter cannot be reached (it fails closed)', async () => {
    const handler = apiHandler(route, async () => ({ ok: true }), { rateLimiter: { take: async () => Promise.reject(new Error('AccessDeniedException')) } });
    expect(await invoke(handler, withContext(keyContext(5)))).toMatchObject({ statusCode: 500, body: { code: 'INTERNAL_ERROR' } });
  });
});
