import '../../helpers/env';
import { getWalletHandler } from '#functions/wallets/get-wallet.handler';
import { adminClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent, OTHER_CUSTOMER_SUB, type Claims } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';

const read = (walletId: string, claims: Claims | null = customerClaims) => makeEvent({ routeKey: 'GET /v1/wallets/{walletId}', pathParameters: { walletId }, claims });

describe('Function: GetWallet', () => {
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof getWalletHandler>;

  beforeEach(() => {
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 25).seed(OTHER_CUSTOMER_SUB, { kind: 'person', id: OTHER_CUSTOMER_SUB }, 5);
    handler = getWalletHandler({ ledger, organisations: new FakeOrganisationStore() });
  });

  it("answers the caller's own wallet with its balance and what orders hold", async () => {
    // Act
    const response = await invoke(handler, read(CUSTOMER_SUB));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ walletId: CUSTOMER_SUB, owner: { kind: 'person', id: CUSTOMER_SUB }, balance: 25, reserved: 0, updatedAt: expect.any(String) });
  });

  it("answers 404 WALLET_NOT_FOUND for another person's wallet, as for one that does not exist", async () => {
    // Act
    const foreign = await invoke(handler, read(OTHER_CUSTOMER_SUB));
    const missing = await invoke(handler, read('44444444-4444-4444-8444-444444444444'));

    // Assess
    expect(foreign).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
    expect(missing.body).toEqual(foreign.body);
  });

  it('lets an admin read any wallet', async () => {
    // Act
    const response = await invoke(handler, read(OTHER_CUSTOMER_SUB, adminClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ walletId: OTHER_CUSTOMER_SUB, balance: 5 });
  });

  it('answers 400 VALIDATION_FAILED for a wallet ID that is no UUID', async () => {
    // Act
    const response = await invoke(handler, read('not-a-wallet'));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(ledger.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, read(CUSTOMER_SUB, null));

    // Assess
    expect(response.statusCode).toBe(401);
  });
});
