import { API_KEY_PATTERN } from '../../shared/apikeys';
import { demoUser, signIn, startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

/** How long this cloud's API front keeps an authorizer answer (300 s by default, as on AWS). */
const CACHE_TTL_SECONDS = 2;

/**
 * API keys against the local cloud, through its API front and its Lambda authorizer: a key is
 * created and shown once, accepted in place of a token (reading /v1/me, placing orders, an
 * organisation's key paying from the organisation's wallet), kept from managing keys and from
 * other people, held to its rate limit, and refused once revoked after the authorizer's cache time.
 */
describe('API keys on the local cloud', () => {
  let cloud: RunningCloud;
  let customer: string;
  let other: string;
  let customerSub: string;

  type Answer = { status: number; body: Record<string, unknown>; headers: Headers };
  const call = async (credential: string | undefined, method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${cloud.endpoints.api}${path}`, {
      method,
      headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };
  const createKey = async (token: string, body: Record<string, unknown>) => {
    const answer = await call(token, 'POST', '/v1/api-keys', body);
    expect(answer.status).toBe(201);
    return answer.body as { key: string; apiKey: { keyId: string; organisationId?: string; rateLimitPerMinute: number } };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    // The front's authorizer cache, shortened so revocation shows within the test (the cloud reads it at start).
    process.env.AUTHORIZER_CACHE_TTL_SECONDS = String(CACHE_TTL_SECONDS);
    try {
      cloud = await startLocalCloud();
    } finally {
      delete process.env.AUTHORIZER_CACHE_TTL_SECONDS;
    }
    customer = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'customer'));
    other = await signIn(cloud.endpoints, demoUser(cloud.endpoints, 'artist'));
    customerSub = (JSON.parse(Buffer.from(customer.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates a personal key, shown once, and lists it without its secret', async () => {
    const { key, apiKey } = await createKey(customer, { name: 'Integration' });
    expect(key).toMatch(API_KEY_PATTERN);
    const listed = await call(customer, 'GET', '/v1/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.apiKeys).toEqual(expect.arrayContaining([expect.objectContaining({ keyId: apiKey.keyId, scope: 'person', rateLimitPerMinute: 100 })]));
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(29));
  });

  it('accepts the key in place of a token: /v1/me, and an order placed on the personal wallet', async () => {
    const { key } = await createKey(customer, { name: 'Orders' });
    const me = await call(key, 'GET', '/v1/me');
    expect(me).toMatchObject({ status: 200, body: { sub: customerSub, groups: [] } });
    const order = await call(key, 'POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'] });
    expect(order).toMatchObject({ status: 201, body: { walletId: customerSub } });
  });

  it("pays from the organisation's wallet with the organisation's key", async () => {
    const org = await call(customer, 'POST', '/v1/organisations', { name: 'Key Test Team' });
    expect(org.status).toBe(201);
    const orgId = org.body.orgId as string;
    const { key, apiKey } = await createKey(customer, { name: 'Team CI', organisationId: orgId });
    expect(apiKey).toMatchObject({ organisationId: orgId, role: 'owner' });
    const order = await call(key, 'POST', '/v1/orders', { studioId: 'north-light-studio', styleIds: ['corporate-grey'] });
    expect(order).toMatchObject({ status: 201, body: { walletId: orgId } });
    // Someone outside the organisation cannot see that it exists.
    expect(await call(other, 'GET', `/v1/api-keys?organisationId=${orgId}`)).toMatchObject({ status: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
    expect(await call(other, 'DELETE', `/v1/api-keys/${apiKey.keyId}`)).toMatchObject({ status: 404, body: { code: 'API_KEY_NOT_FOUND' } });
  });

  it("keeps a person from another person's keys (404) and a key from managing keys (403)", async () => {
    const { key, apiKey } = await createKey(customer, { name: 'Private' });
    expect(await call(other, 'DELETE', `/v1/api-keys/${apiKey.keyId}`)).toMatchObject({ status: 404, body: { code: 'API_KEY_NOT_FOUND' } });
    expect(((await call(other, 'GET', '/v1/api-keys')).body.apiKeys as unknown[]).length).toBe(0);
    expect(await call(key, 'GET', '/v1/api-keys')).toMatchObject({ status: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
    expect(await call(key, 'POST', '/v1/api-keys', { name: 'Another' })).toMatchObject({ status: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
    expect(await call(key, 'DELETE', `/v1/api-keys/${apiKey.keyId}`)).toMatchObject({ status: 403, body: { code: 'API_KEY_NOT_ALLOWED' } });
    // And the API Gateway refusals: no header 401 (the authorizer is not called), a wrong secret 403.
    expect(await call(undefined, 'GET', '/v1/me')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect(await call(`${key.slice(0, -2)}xx`, 'GET', '/v1/me')).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
  });

  it('answers 429 RATE_LIMITED with Retry-After past the limit of the key', async () => {
    const { key } = await createKey(customer, { name: 'Slow', rateLimitPerMinute: 3 });
    // All four in one minute's window.
    if (new Date().getUTCSeconds() > 50) await sleep((61 - new Date().getUTCSeconds()) * 1000);
    for (let i = 0; i < 3; i++) expect((await call(key, 'GET', '/v1/me')).status).toBe(200);
    const refused = await call(key, 'GET', '/v1/me');
    expect(refused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED', message: expect.any(String) } });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The limit is the key's: the person's own token still works.
    expect((await call(customer, 'GET', '/v1/me')).status).toBe(200);
  });

  it('refuses a revoked key once the authorizer cache time has passed (until then the cached answer stands, as on AWS)', async () => {
    const { key, apiKey } = await createKey(customer, { name: 'Revoked' });
    expect((await call(key, 'GET', '/v1/me')).status).toBe(200);
    expect(await call(customer, 'DELETE', `/v1/api-keys/${apiKey.keyId}`)).toMatchObject({ status: 200, body: { keyId: apiKey.keyId, revoked: true } });
    // API Gateway keeps the authorizer's answer for the identity source until its TTL ends.
    expect((await call(key, 'GET', '/v1/me')).status).toBe(200);
    await sleep(CACHE_TTL_SECONDS * 1000 + 500);
    expect(await call(key, 'GET', '/v1/me')).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
    expect(((await call(customer, 'GET', '/v1/api-keys')).body.apiKeys as { keyId: string }[]).map((k) => k.keyId)).not.toContain(apiKey.keyId);
  });
});
