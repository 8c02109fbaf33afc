import '../../helpers/env';
import { getMeHandler } from '#functions/accounts/get-me.handler';
import type { Profile } from '#functions/accounts/user-directory';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
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
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof getMeHandler>;
  const personal = (sub: string, balance = 10) => [{ walletId: sub, kind: 'person', name: 'Personal', balance }];

  beforeEach(() => {
    directory = new FakeDirectory({ [CUSTOMER_SUB]: { email: 'ada@studio.example' }, [ADMIN_SUB]: { email: 'grace@studio.example' } });
    ledger = new FakeLedgerStore();
    handler = getMeHandler({ directory, ledger, organisations: new FakeOrganisationStore() });
  });

  it('answers the caller with the e-mail from the user directory and their groups', async () => {
    // Act
    const response = await invoke(handler, me({ ...customerClaims, 'cognito:groups': '[artists]' }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, email: 'ada@studio.example', groups: ['artists'], wallets: personal(CUSTOMER_SUB) });
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
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, email: 'ada@studio.example', groups: [], wallets: personal(CUSTOMER_SUB) });
  });

  it("answers an admin's access token with the admins group", async () => {
    // Act
    const response = await invoke(handler, me(adminAccessTokenClaims));

    // Assess
    expect(response.body).toEqual({ sub: ADMIN_SUB, email: 'grace@studio.example', groups: ['admins'], wallets: personal(ADMIN_SUB) });
  });

  it('answers without an e-mail when the directory has no profile', async () => {
    // Prepare
    handler = getMeHandler({ directory: new FakeDirectory({}), ledger, organisations: new FakeOrganisationStore() });

    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ sub: CUSTOMER_SUB, groups: [], wallets: personal(CUSTOMER_SUB, 0) });
  });

  it('answers JSON that is never cached', async () => {
    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  });

  it('opens the personal wallet on the first call with 10 credits, and grants them once', async () => {
    // Act
    await invoke(handler, me());
    const response = await invoke(handler, me());

    // Assess
    expect(response.body).toMatchObject({ wallets: personal(CUSTOMER_SUB, 10) });
    expect(ledger.peek(CUSTOMER_SUB)!.entries).toEqual([expect.objectContaining({ type: 'grant', amount: 10, reference: 'signup' })]);
    expect(ledger.calls.filter((c) => c.method === 'openPersonal').map((c) => c.args)).toEqual([
      [CUSTOMER_SUB, CUSTOMER_SUB, 'ada@studio.example', 10],
      [CUSTOMER_SUB, CUSTOMER_SUB, 'ada@studio.example', 10],
    ]);
  });

  it('grants nothing to a new person whose e-mail had the sign-up credits already', async () => {
    // Prepare
    await ledger.openPersonal('old-sub', 'old-sub', 'ADA@studio.example', 10);

    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.body).toMatchObject({ wallets: personal(CUSTOMER_SUB, 0) });
    expect(ledger.peek(CUSTOMER_SUB)!.entries).toEqual([]);
  });

  it('answers 500 INTERNAL_ERROR when the wallet cannot be opened', async () => {
    // Prepare
    ledger.failNext('openPersonal');

    // Act
    const response = await invoke(handler, me());

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
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
