import { AuthError, type Clock, CognitoClient, RENEW_BEFORE_MS, RETRY_MS, SessionManager, sessionStoreOf, type SessionStorageLike } from '../../../web/src/auth/session';

const HOUR = 3600_000;
const CLIENT_ID = 'web-client';

/** A clock whose time moves only when the test says so, with the timers it set. */
class FakeClock implements Clock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  constructor(public time = Date.UTC(2026, 0, 1, 12)) {}
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time forward, firing the timers that fall due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned token: the web app only reads its claims. */
const token = (claims: Record<string, unknown>) => `${b64url({ alg: 'RS256' })}.${b64url(claims)}.sig`;

/**
 * A fake Cognito user pool behind `fetch`, speaking InitiateAuth's JSON protocol:
 * USER_PASSWORD_AUTH hands out 1-hour ID and access tokens and a refresh token,
 * REFRESH_TOKEN_AUTH exchanges a known refresh token for new ID and access tokens.
 */
class FakeCognito {
  readonly calls: { flow: string; params: Record<string, string>; clientId: string }[] = [];
  private issued = 0;
  refreshTokens = new Set<string>();
  offline = false;
  /** The Cognito clock: may differ from the device's. */
  skewMs = 0;

  constructor(private readonly clock: FakeClock) {}

  fetch: typeof fetch = async (_url, init) => {
    if (this.offline) throw new TypeError('Failed to fetch');
    const headers = init?.headers as Record<string, string>;
    expect(headers['X-Amz-Target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    const body = JSON.parse(String(init?.body)) as { AuthFlow: string; ClientId: string; AuthParameters: Record<string, string> };
    this.calls.push({ flow: body.AuthFlow, params: body.AuthParameters, clientId: body.ClientId });
    const reply = (status: number, payload: unknown) => new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/x-amz-json-1.1' } });
    if (body.AuthFlow === 'USER_PASSWORD_AUTH') {
      const refreshToken = `refresh-${++this.issued}`;
      this.refreshTokens.add(refreshToken);
      return reply(200, { AuthenticationResult: { ...this.tokens(), RefreshToken: refreshToken, ExpiresIn: 3600 } });
    }
    if (body.AuthFlow === 'REFRESH_TOKEN_AUTH') {
      if (!this.refreshTokens.has(body.AuthParameters.REFRESH_TOKEN)) return reply(400, { __type: 'NotAuthorizedException', message: 'Refresh Token has expired' });
      // Cognito keeps the refresh token: the answer carries none.
      return reply(200, { AuthenticationResult: { ...this.tokens(), ExpiresIn: 3600 } });
    }
    return reply(400, { __type: 'InvalidParameterException' });
  };

  private tokens() {
    const iat = Math.floor((this.clock.now() + this.skewMs) / 1000);
    const n = ++this.issued;
    return {
      IdToken: token({ sub: 'user-1', aud: CLIENT_ID, token_use: 'id', iat, exp: iat + 3600, n }),
      AccessToken: token({ sub: 'user-1', client_id: CLIENT_ID, token_use: 'access', iat, exp: iat + 3600, n }),
    };
  }
}

class MemoryStorage implements SessionStorageLike {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

function setup() {
  const clock = new FakeClock();
  const cognito = new FakeCognito(clock);
  const storage = new MemoryStorage();
  const ended: string[] = [];
  const client = new CognitoClient({ cognitoEndpoint: 'https://cognito.test/', userPoolClientId: CLIENT_ID }, cognito.fetch, clock.now);
  const make = () => new SessionManager(client, (m) => ended.push(m), clock, sessionStoreOf(() => storage));
  return { clock, cognito, storage, ended, manager: make(), make };
}

const refreshes = (cognito: FakeCognito) => cognito.calls.filter((c) => c.flow === 'REFRESH_TOKEN_AUTH');

describe('SessionManager: renewing the Cognito session', () => {
  it('renews with REFRESH_TOKEN_AUTH before the 1-hour ID token expires, without any request asking', async () => {
    const { clock, cognito, manager } = setup();
    const first = await manager.signIn('customer@example.com', 'pw');
    expect(first.expiresAt).toBe(clock.now() + HOUR);

    await clock.advance(HOUR - RENEW_BEFORE_MS - 1);
    expect(refreshes(cognito)).toHaveLength(0);

    await clock.advance(1);
    expect(refreshes(cognito)).toEqual([{ flow: 'REFRESH_TOKEN_AUTH', params: { REFRESH_TOKEN: first.refreshToken }, clientId: CLIENT_ID }]);
    const second = manager.session!;
    expect(second.idToken).not.toBe(first.idToken);
    expect(second.refreshToken).toBe(first.refreshToken);
    expect(second.expiresAt).toBe(clock.now() + HOUR);
  });

  it('keeps the session alive for as long as the refresh token lasts, then ends it', async () => {
    const { clock, cognito, manager, ended } = setup();
    const { refreshToken } = await manager.signIn('customer@example.com', 'pw');

    await clock.advance(10 * HOUR);
    expect(refreshes(cognito).length).toBeGreaterThanOrEqual(10);
    expect(manager.session).toBeDefined();
    expect(manager.session!.expiresAt).toBeGreaterThan(clock.now() + RENEW_BEFORE_MS - 1);

    // The refresh token expires (30 days on Cognito) or is revoked: the next renewal is refused.
    cognito.refreshTokens.delete(refreshToken!);
    await clock.advance(HOUR);
    expect(manager.session).toBeUndefined();
    expect(ended).toEqual(['Your session has ended. Please sign in again.']);
    expect(clock.pending).toBe(0);
  });

  it('renews on a 401 (refresh()), once for any number of callers at the same time', async () => {
    const { cognito, manager } = setup();
    const first = await manager.signIn('customer@example.com', 'pw');
    const results = await Promise.all([manager.refresh(), manager.refresh(), manager.refresh()]);
    expect(refreshes(cognito)).toHaveLength(1);
    expect(results[0]).toBe(results[1]);
    expect(results[0]!.idToken).not.toBe(first.idToken);
    expect(manager.session).toBe(results[0]);
  });

  it('renews before handing out a token that is about to expire (a sleeping tab misses its timer)', async () => {
    const { clock, cognito, manager } = setup();
    const first = await manager.signIn('customer@example.com', 'pw');
    // Time jumps past the timer without it firing, as in a suspended tab.
    clock.clearTimeout(1);
    clock.time += HOUR - 60_000;
    const sent = await manager.idToken();
    expect(refreshes(cognito)).toHaveLength(1);
    expect(sent).not.toBe(first.idToken);
  });

  it('counts the token lifetime on the device clock, so a skewed device clock does not let it lapse', async () => {
    const { clock, cognito, manager } = setup();
    cognito.skewMs = 20 * 60_000; // Cognito's clock is 20 minutes ahead of the device
    const first = await manager.signIn('customer@example.com', 'pw');
    expect(first.expiresAt).toBe(clock.now() + HOUR);
  });

  it('keeps the session when the network is down and tries again shortly after', async () => {
    const { clock, cognito, manager, ended } = setup();
    await manager.signIn('customer@example.com', 'pw');
    cognito.offline = true;
    await clock.advance(HOUR - RENEW_BEFORE_MS);
    expect(manager.session).toBeDefined();
    expect(ended).toEqual([]);

    cognito.offline = false;
    await clock.advance(RETRY_MS);
    expect(refreshes(cognito)).toHaveLength(1);
    expect(manager.session!.expiresAt).toBe(clock.now() + HOUR);
  });

  it('a network failure on a 401 renewal is reported, not taken for an ended session', async () => {
    const { cognito, manager, ended } = setup();
    await manager.signIn('customer@example.com', 'pw');
    cognito.offline = true;
    await expect(manager.refresh()).rejects.toBeInstanceOf(AuthError);
    expect(manager.session).toBeDefined();
    expect(ended).toEqual([]);
  });

  it('picks up a stored session on page load and schedules its renewal', async () => {
    const { clock, cognito, manager, make } = setup();
    await manager.signIn('customer@example.com', 'pw');
    manager.signOut(); // drop the first manager's timer…
    await make().signIn('customer@example.com', 'pw'); // …and store a session as a previous page did
    const reloaded = make();
    expect(reloaded.session).toBeDefined();
    const before = refreshes(cognito).length;
    await clock.advance(HOUR - RENEW_BEFORE_MS);
    expect(refreshes(cognito).length).toBeGreaterThan(before);
  });

  it('signing out cancels the renewal and forgets the session', async () => {
    const { clock, cognito, manager, storage } = setup();
    await manager.signIn('customer@example.com', 'pw');
    manager.signOut();
    expect(clock.pending).toBe(0);
    expect(storage.items.size).toBe(0);
    await clock.advance(2 * HOUR);
    expect(refreshes(cognito)).toHaveLength(0);
  });
});
