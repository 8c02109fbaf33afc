import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { LocalEndpoints } from '../../infra/local/endpoints';
import { demoUser, startLocalCloud, type RunningCloud } from '../support/local-cloud';

jest.setTimeout(180_000);

interface Tokens {
  readonly IdToken: string;
  readonly AccessToken: string;
  readonly RefreshToken?: string;
}

async function initiateAuth(endpoints: LocalEndpoints, flow: string, parameters: Record<string, string>): Promise<Tokens> {
  const res = await fetch(`${endpoints.cognito.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: flow, ClientId: endpoints.cognito.clientId, AuthParameters: parameters }),
  });
  const body = (await res.json()) as { AuthenticationResult?: Tokens };
  if (!body.AuthenticationResult) throw new Error(`${flow} failed: ${JSON.stringify(body)}`);
  return body.AuthenticationResult;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
const portOf = (url: string) => Number(new URL(url).port);

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the local API Gateway front on the local cloud', () => {
  let cloud: RunningCloud;
  let tokens: Tokens;

  beforeAll(async () => {
    cloud = await startLocalCloud();
    const customer = demoUser(cloud.endpoints, 'customer');
    tokens = await initiateAuth(cloud.endpoints, 'USER_PASSWORD_AUTH', { USERNAME: customer.email, PASSWORD: customer.password });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const me = (token: string) => fetch(`${cloud.endpoints.api}/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('cognito-local issues an ID token (aud = the web client) and an access token (client_id = the web client, no aud)', () => {
    const id = claimsOf(tokens.IdToken);
    const access = claimsOf(tokens.AccessToken);
    expect(id).toMatchObject({ token_use: 'id', aud: cloud.endpoints.cognito.clientId, iss: cloud.endpoints.cognito.issuer });
    expect(access).toMatchObject({ token_use: 'access', client_id: cloud.endpoints.cognito.clientId, iss: cloud.endpoints.cognito.issuer });
    expect(access.aud).toBeUndefined();
  });

  it('accepts the ID token and the access token on GET /v1/me', async () => {
    for (const token of [tokens.IdToken, tokens.AccessToken]) {
      const res = await me(token);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ email: 'customer@example.com', groups: [] });
    }
  });

  it('issues ID and access tokens that live 1 hour and a refresh token that lives 30 days, as the CDK web client', () => {
    for (const token of [tokens.IdToken, tokens.AccessToken]) {
      const { iat, exp } = claimsOf(token) as { iat: number; exp: number };
      expect(exp - iat).toBe(3600);
    }
    const refresh = claimsOf(tokens.RefreshToken!) as { iat: number; exp: number };
    expect(refresh.exp - refresh.iat).toBe(30 * 24 * 3600);
  });

  it('renews the session with REFRESH_TOKEN_AUTH, and the front accepts the renewed tokens', async () => {
    const renewed = await initiateAuth(cloud.endpoints, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: tokens.RefreshToken! });
    expect(claimsOf(renewed.IdToken).sub).toBe(claimsOf(tokens.IdToken).sub);
    expect((await me(renewed.IdToken)).status).toBe(200);
    expect((await me(renewed.AccessToken)).status).toBe(200);
  });

  it('refuses a token whose claims were altered (another aud), and still accepts the original', async () => {
    const [header, payload, signature] = tokens.IdToken.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(tokens.IdToken), aud: 'another-client' })).toString('base64url');
    // A Lambda authorizer that denies a request carrying the identity source makes API Gateway answer 403
    // (it was 401 with the JWT authorizer); only a missing Authorization header is 401.
    expect((await me(`${header}.${forged}.${signature}`)).status).toBe(403);
    expect((await me(`${header}.${payload}.${signature}`)).status).toBe(200);
  });

  describe('every local service listens on 127.0.0.1 only', () => {
    const services = () => {
      const e = cloud.endpoints;
      return { web: e.web, api: e.api, dynamodb: e.dynamodb, s3: e.s3, cognito: e.cognito.endpoint, stepfunctions: e.stepfunctions };
    };

    it('each listening socket of the services is bound to the loopback address (ss -ltn)', () => {
      const listening = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3])
        .filter(Boolean);
      for (const [service, url] of Object.entries(services())) {
        const port = portOf(url);
        const local = listening.filter((address) => address.endsWith(`:${port}`)).map((address) => address.slice(0, address.lastIndexOf(':')));
        expect({ service, local: local.length > 0 }).toEqual({ service, local: true });
        for (const address of local) expect({ service, address }).toEqual({ service, address: expect.stringMatching(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\])$/) });
      }
    });

    it('each service accepts connections on 127.0.0.1 and refuses them on every other address of this machine', async () => {
      const others = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && !i.internal && !i.address.startsWith('fe80'))
        .map((i) => i!.address);
      for (const [service, url] of Object.entries(services())) {
        const port = portOf(url);
        expect({ service, loopback: await connects('127.0.0.1', port) }).toEqual({ service, loopback: true });
        for (const address of others) expect({ service, address, connects: await connects(address, port) }).toEqual({ service, address, connects: false });
      }
    });
  });
});
