import '../../helpers/env';
import { getMeHandler } from '#functions/accounts/get-me.handler';
import type { Profile } from '#functions/accounts/user-directory';
import { ADMIN_SUB, accessTokenClaims, adminAccessTokenClaims, type Claims, CUSTOMER_SUB, customerClaims, invoke, makeEvent } from '../../helpers/events';

/** A user directory that knows some profiles by `sub`, and records who was looked up. */
class FakeDirectory {
  readonly lookedUp: string[] = [];
  failure?: Error;

  constructor(private readonly profiles: Record<string, Profile>) {}

  async profile(sub: string): Promise<Profile | undefined> {
    this.lookedUp.push(sub);
    if (this.failure) throw this.failure;
    return this.profiles[sub];
  }
}

const me = (claims: Claims | null = customerClaims, queryStringParameters?: Record<string, string>) =>
  makeEvent({ routeKey: 'GET /v1/me', claims, queryStringParameters });

describe('Function: GetMe', () => {
  let directory: FakeDirectory;
  let handler: ReturnType<typeof getMeHandler>;

  beforeEach(() => {
    directory = new FakeDirectory({ [CUSTOMER_SUB]: { email: 'ada@studio.example' }, [ADMIN_SUB]: { email: 'grace@studio.example' } });
    handler = getMeHandler({ directory });
  });

  it('answers the caller with the e-mail from the user directory and their groups', async () => {
    // Act
    const response = await invoke(handler, me({ ...customerClaims, 'cognito:groups': '[artists]' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, email: 'ada@studio.example', groups: ['artists'] });
  });

  it('reads the e-mail from the directory, not from the token', async () => {
    // Act
    const response = await invoke(handler, me({ ...customerClaims, email: 'stale@example.com' }));

    // Assess
    expect(response.body).toMatchObject({ email: 'ada@studio.example' });
  });

  it("looks up the caller's own profile", async () => {
    // Act
    await invoke(handler, me());

    // Assess
    expect(directory.lookedUp).toEqual([CUSTOMER_SUB]);
  });

  it('answers a caller who sends an access token, which has no e-mail claim', async () => {
    // Act
    const response = await invoke(handler, me(accessTokenClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, email: 'ada@studio.example', groups: [] });
  });

  it("answers an admin's access token with the admins group", async () => {
    // Act
    const response = await invoke(handler, me(adminAccessTokenClaims));

    // Assess
    expect(response.body).toEqual({ sub: ADMIN_SUB, email: 'grace@studio.example', groups: ['admins'] });
  });

  it('answers without an e-mail when the directory has no profile', async () => {
    // Prepare
    handler = getMeHandler({ directory: new FakeDirectory({}) });

    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, groups: [] });
  });

  it('answers JSON that is never cached', async () => {
    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('answers 401 UNAUTHENTICATED without claims and looks nobody up', async () => {
    // Act
    const response = await invoke(handler, me(null));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toEqual({ code: 'UNAUTHENTICATED', message: 'Sign in to use this route.' });
    expect(directory.lookedUp).toEqual([]);
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter', async () => {
    // Act
    const response = await invoke(handler, me(customerClaims, { fields: 'email' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
  });

  it('answers 500 INTERNAL_ERROR when the directory fails', async () => {
    // Prepare
    directory.failure = new Error('TooManyRequestsException');

    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
