import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertAuthorizerClaims, LocalApi } from '../../../infra/local/api';

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

describe('LocalApi JWT authorizer (as the HTTP API JWT authorizer)', () => {
  const POOL_KEY = signingKey('pool-key');
  const OTHER_KEY = signingKey('pool-key'); // same kid, another key: a forged signature
  const CLIENT = 'web-client-id';
  let jwks: Server;
  let front: Server;
  let base: string;
  let issuer: string;
  const invoked: { functionId: string; event: { requestContext: { authorizer: { jwt: { claims: Record<string, string> } } } } }[] = [];
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
    const api = new LocalApi({
      issuer,
      audience: CLIENT,
      jwksUri: `${issuer}/.well-known/jwks.json`,
      allowedOrigins: [],
      invoke: async (functionId, event) => {
        invoked.push({ functionId, event: event as never });
        return { statusCode: 200, body: '{}' };
      },
    });
    await api.loadKeys();
    front = createServer(api.listener);
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => front.close(() => r()));
    await new Promise<void>((r) => jwks.close(() => r()));
  });
  beforeEach(() => (invoked.length = 0));

  it('accepts an ID token of the pool for the web client (aud) and hands its claims to the handler', async () => {
    const res = await getMe(idToken());
    expect(res.status).toBe(200);
    expect(invoked).toHaveLength(1);
    expect(invoked[0].event.requestContext.authorizer.jwt.claims).toMatchObject({ sub: 'user-1', token_use: 'id', 'cognito:groups': '[admins]' });
  });

  it('accepts an access token of the pool for the web client (client_id, no aud)', async () => {
    const res = await getMe(accessToken());
    expect(res.status).toBe(200);
    expect(invoked[0].event.requestContext.authorizer.jwt.claims).toMatchObject({ sub: 'user-1', client_id: CLIENT, token_use: 'access' });
  });

  it('accepts the token without the Bearer prefix, as the identity source allows', async () => {
    const res = await fetch(`${base}/v1/me`, { headers: { authorization: idToken() } });
    expect(res.status).toBe(200);
  });

  const refused: [string, () => string | undefined][] = [
    ['no token at all', () => undefined],
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
  it.each(refused)('refuses %s with 401 {"message":"Unauthorized"}, invoking nothing', async (_, token) => {
    const res = await getMe(token());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Unauthorized' });
    expect(invoked).toEqual([]);
  });

  it('checks aud as a list too', () => {
    expect(() => assertAuthorizerClaims({ aud: ['x', CLIENT], exp: now() + 60 }, [CLIENT])).not.toThrow();
    expect(() => assertAuthorizerClaims({ aud: ['x', 'y'], exp: now() + 60 }, [CLIENT])).toThrow(/aud/);
  });
});
