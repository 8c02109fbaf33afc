import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertAuthorizerClaims, LocalApi } from '../../../infra/local/api';
import { authorize, type AuthorizerEvent } from '#functions/apikeys/authorizer';
import { newApiKey } from '#functions/apikeys/keys';
import { CognitoTokenVerifier } from '#functions/apikeys/token-verifier';
import { FakeApiKeyStore } from '../helpers/fake-api-key-store';
import { FakeOrganisationStore } from '../helpers/fake-organisation-store';

/** A signing key of our own, served as a JWKS, as cognito-local serves its key. */
function signingKey(kid: string): { privateKey: KeyObject; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(payload: Record<string, unknown>, key: { privateKey: KeyObject; jwk: Record<string, unknown> }): string {
  const head = `${b64url({ alg: 'RS256', typ: 'JWT', kid: key.jwk.kid })}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(head).sign(key.privateKey).toString('base64url');
  return `${head}.${signature}`;
}

/**
 * The local front with the API's Lambda authorizer (functions/apikeys/authorizer.ts, called here in
 * process as the function runtime would call it): it accepts and refuses the same tokens as the HTTP
 * API JWT authorizer it replaced, and API keys. What a client sees is API Gateway's answer for a
 * Lambda authorizer: 401 only when the identity source is missing, 403 when the authorizer denies.
 */
describe('LocalApi with the Lambda authorizer (tokens by the HTTP API JWT authorizer rules, and API keys)', () => {
  const POOL_KEY = signingKey('pool-key');
  const OTHER_KEY = signingKey('pool-key'); // same kid, another key: a forged signature
  const CLIENT = 'web-client-id';
  let jwks: Server;
  let front: Server;
  let base: string;
  let issuer: string;
  const invoked: { functionId: string; event: { requestContext: { authorizer: { lambda: Record<string, unknown> } } } }[] = [];
  const authorizerCalls: AuthorizerEvent[] = [];
  const keys = new FakeApiKeyStore();
  const organisations = new FakeOrganisationStore();
  let clock = Date.now();
  const now = () => Math.floor(Date.now() / 1000);

  /** An ID token as Cognito issues it: `aud` is the app client, `token_use` id. */
  const idToken = (over: Record<string, unknown> = {}, key = POOL_KEY) =>
    sign({ sub: 'user-1', aud: CLIENT, iss: issuer, token_use: 'id', iat: now() - 5, exp: now() + 3600, 'cognito:groups': ['admins'], ...over }, key);
  /** An access token as Cognito issues it: no `aud`, `client_id` is the app client, `token_use` access. */
  const accessToken = (over: Record<string, unknown> = {}) =>
    sign({ sub: 'user-1', client_id: CLIENT, iss: issuer, token_use: 'access', scope: 'aws.cognito.signin.user.admin', iat: now() - 5, exp: now() + 3600, ...over }, POOL_KEY);

  const getMe = (token: string | undefined) =>
    fetch(`${base}/v1/me`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [POOL_KEY.jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
    const jwksPort = (jwks.address() as AddressInfo).port;
    issuer = `http://127.0.0.1:${jwksPort}/local_pool`;
    const tokens = new CognitoTokenVerifier({ issuer, audience: [CLIENT] });
    const api = new LocalApi({
      allowedOrigins: [],
      now: () => clock,
      invoke: async (functionId, event) => {
        if (functionId === 'Authorize') {
          authorizerCalls.push(event as AuthorizerEvent);
          return authorize({ keys, organisations, tokens, tokenRateLimitPerMinute: 100 }, event as AuthorizerEvent);
        }
        invoked.push({ functionId, event: event as never });
        return { statusCode: 200, body: '{}' };
      },
    });
    front = createServer(api.listener);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => front.close(() => r()));
    await new Promise<void>((r) => jwks.close(() => r()));
  });
  beforeEach(() => {
    invoked.length = 0;
    authorizerCalls.length = 0;
    // A new hour each test: nothing the authorizer answered before is still cached.
    clock += 3_600_000;
  });

  it('accepts an ID token of the pool for the web client (aud) and hands the caller to the handler', async () => {
    const res = await getMe(idToken());
    expect(res.status).toBe(200);
    expect(invoked).toHaveLength(1);
    expect(invoked[0].event.requestContext.authorizer.lambda).toEqual({ sub: 'user-1', groups: 'admins', via: 'token', rateLimitPerMinute: 100 });
  });

  it('accepts an access token of the pool for the web client (client_id, no aud)', async () => {
    const res = await getMe(accessToken());
    expect(res.status).toBe(200);
    expect(invoked[0].event.requestContext.authorizer.lambda).toMatchObject({ sub: 'user-1', groups: '', via: 'token' });
  });

  it('calls the authorizer with the payload-2.0 REQUEST event: the identity source, the route and the headers', async () => {
    const token = idToken();
    await getMe(token);
    expect(authorizerCalls).toHaveLength(1);
    expect(authorizerCalls[0]).toMatchObject({ version: '2.0', type: 'REQUEST', identitySource: [`Bearer ${token}`], routeKey: 'GET /v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(authorizerCalls[0].routeArn).toMatch(/^arn:aws:execute-api:.+\/\$default\/GET\/v1\/me$/);
  });

  it('keeps the answer for an Authorization header 300 s, allow and deny alike, then asks again', async () => {
    const token = idToken();
    await getMe(token);
    await getMe(token);
    await getMe('not.a.jwt');
    await getMe('not.a.jwt');
    expect(authorizerCalls).toHaveLength(2);
    clock += 300_001;
    await getMe(token);
    expect(authorizerCalls).toHaveLength(3);
    expect(invoked).toHaveLength(3);
  });

  it('accepts a live API key and hands the key, not the groups, to the handler', async () => {
    const { key, keyId, secretHash } = newApiKey();
    await keys.create({ keyId, name: 'ci', secretHash, scope: 'person', rateLimitPerMinute: 7, createdBy: 'user-2' });
    const res = await getMe(key);
    expect(res.status).toBe(200);
    expect(invoked[0].event.requestContext.authorizer.lambda).toEqual({ sub: 'user-2', groups: '', via: 'apiKey', rateLimitPerMinute: 7, keyId, scope: 'person' });
  });

  it("accepts an organisation's key while its creator runs the organisation, and refuses it (403) once they are a plain member", async () => {
    const org = await organisations.create({ orgId: 'org-1', name: 'Acme', walletId: 'org-1', owner: { sub: 'owner-1' } });
    const { key, keyId, secretHash } = newApiKey();
    await keys.create({ keyId, name: 'ci', secretHash, scope: 'organisation', organisationId: org.orgId, role: 'owner', rateLimitPerMinute: 100, createdBy: 'owner-1' });
    expect((await getMe(key)).status).toBe(200);
    expect(invoked[0].event.requestContext.authorizer.lambda).toMatchObject({ organisationId: 'org-1', role: 'owner', scope: 'organisation' });
    await organisations.create({ orgId: 'org-2', name: 'Other', walletId: 'org-2', owner: { sub: 'owner-2' } });
    const other = newApiKey();
    await keys.create({ keyId: other.keyId, name: 'ci', secretHash: other.secretHash, scope: 'organisation', organisationId: 'org-2', role: 'admin', rateLimitPerMinute: 100, createdBy: 'someone-who-left' });
    expect((await getMe(other.key)).status).toBe(403);
  });

  const keyRefusals: [string, () => Promise<string>][] = [
    ['a key nobody issued', async () => newApiKey().key],
    [
      'a key with the wrong secret',
      async () => {
        const issued = newApiKey();
        await keys.create({ keyId: issued.keyId, name: 'k', secretHash: issued.secretHash, scope: 'person', rateLimitPerMinute: 100, createdBy: 'u' });
        return `${issued.key.slice(0, -1)}${issued.key.endsWith('A') ? 'B' : 'A'}`;
      },
    ],
    [
      'a revoked key',
      async () => {
        const issued = newApiKey();
        await keys.create({ keyId: issued.keyId, name: 'k', secretHash: issued.secretHash, scope: 'person', rateLimitPerMinute: 100, createdBy: 'u' });
        await keys.revoke(issued.keyId, 'u');
        return issued.key;
      },
    ],
    ['something shaped almost like a key', async () => 'hsk_notakey'],
  ];
  // A Lambda authorizer that answers isAuthorized: false makes API Gateway answer 403 Forbidden.
  it.each(keyRefusals)('refuses %s with 403 {"message":"Forbidden"}, invoking no route', async (_, key) => {
    const res = await getMe(await key());
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Forbidden' });
    expect(invoked).toEqual([]);
  });

  it('answers 500 {"message":"Internal Server Error"} when the authorizer fails (a key lookup that throws), invoking no route', async () => {
    const issued = newApiKey();
    const get = jest.spyOn(keys, 'get').mockRejectedValueOnce(new Error('AccessDeniedException'));
    const res = await getMe(issued.key);
    get.mockRestore();
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    expect(invoked).toEqual([]);
  });

  it('accepts the token without the Bearer prefix, as the identity source allows', async () => {
    const res = await fetch(`${base}/v1/me`, { headers: { authorization: idToken() } });
    expect(res.status).toBe(200);
  });

  it('refuses a request without the Authorization header with 401 {"message":"Unauthorized"}, calling not even the authorizer', async () => {
    const res = await getMe(undefined);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(authorizerCalls).toEqual([]);
    expect(invoked).toEqual([]);
  });

  const refused: [string, () => string | undefined][] = [
    ['a token of neither kind (token_use refresh)', () => idToken({ token_use: 'refresh' })],
    ['an ID token whose iat lies in the future', () => idToken({ iat: now() + 600 })],
    ['an access token whose iat lies in the future', () => accessToken({ iat: now() + 600 })],
    ['an expired ID token', () => idToken({ iat: now() - 7200, exp: now() - 3600 })],
    ['an expired access token', () => accessToken({ iat: now() - 7200, exp: now() - 3600 })],
    ['a token without exp', () => idToken({ exp: undefined })],
    ['a token not valid yet (nbf)', () => idToken({ nbf: now() + 600 })],
    ["another client's ID token (aud)", () => idToken({ aud: 'another-client' })],
    ["another client's access token (client_id)", () => accessToken({ client_id: 'another-client' })],
    ['an access token with neither aud nor client_id', () => accessToken({ client_id: undefined })],
    ['a token whose aud is another client even though its client_id matches (aud decides)', () => idToken({ aud: 'another-client', client_id: CLIENT })],
    ["another issuer's token", () => idToken({ iss: 'http://127.0.0.1:1/other_pool' })],
    ['a token with a forged signature', () => idToken({}, OTHER_KEY)],
    ['a token signed with alg none', () => `${b64url({ alg: 'none', kid: 'pool-key' })}.${b64url({ sub: 'x', aud: CLIENT, iss: issuer, exp: now() + 60 })}.`],
    ['something that is not a JWT', () => 'not.a.jwt'],
  ];
  // With the JWT authorizer these were 401; API Gateway answers 403 Forbidden when a Lambda authorizer
  // (simple responses) denies a request that carried the identity source, which is what happens now.
  it.each(refused)('refuses %s with 403 {"message":"Forbidden"}, invoking no route', async (_, token) => {
    const res = await getMe(token());
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Forbidden' });
    expect(invoked).toEqual([]);
  });

  it('checks aud as a list too', () => {
    expect(() => assertAuthorizerClaims({ aud: ['x', CLIENT], exp: now() + 60 }, [CLIENT])).not.toThrow();
    expect(() => assertAuthorizerClaims({ aud: ['x', 'y'], exp: now() + 60 }, [CLIENT])).toThrow(/aud/);
  });
});
