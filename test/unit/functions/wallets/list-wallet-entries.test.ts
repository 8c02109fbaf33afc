import '../../helpers/env';
import { listWalletEntriesHandler } from '#functions/wallets/list-wallet-entries.handler';
import { adminClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent, OTHER_CUSTOMER_SUB, type Claims } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';

const list = (walletId: string, query?: Record<string, string>, claims: Claims | null = customerClaims) =>
  makeEvent({ routeKey: 'GET /v1/wallets/{walletId}/entries', pathParameters: { walletId }, queryStringParameters: query, claims });

describe('Function: ListWalletEntries', () => {
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof listWalletEntriesHandler>;

  beforeEach(async () => {
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }).seed(OTHER_CUSTOMER_SUB, { kind: 'person', id: OTHER_CUSTOMER_SUB }, 5);
    for (let i = 1; i <= 3; i++) await ledger.purchase(CUSTOMER_SUB, { amount: i * 10, reference: `cs_test_${i}`, idempotencyKey: `evt_${i}` });
    await ledger.reserve(CUSTOMER_SUB, 'order-1', 15);
    handler = listWalletEntriesHandler({ ledger, organisations: new FakeOrganisationStore() });
  });

  it("answers the caller's history newest first, with the balance after each entry", async () => {
    // Act
    const response = await invoke(handler, list(CUSTOMER_SUB));

    // Assess
    expect(response.statusCode).toBe(200);
    const body = response.body as { entries: { type: string; amount: number; balanceAfter: number; reference: string }[]; nextCursor?: string };
    expect(body.entries.map((e) => [e.type, e.amount, e.balanceAfter, e.reference])).toEqual([
      ['reserve', -15, 45, 'order-1'],
      ['purchase', 30, 60, 'cs_test_3'],
      ['purchase', 20, 30, 'cs_test_2'],
      ['purchase', 10, 10, 'cs_test_1'],
    ]);
    expect(body.nextCursor).toBeUndefined();
  });

  it('pages with limit and cursor', async () => {
    // Act
    const first = await invoke(handler, list(CUSTOMER_SUB, { limit: '3' }));
    const cursor = (first.body as { nextCursor: string }).nextCursor;
    const second = await invoke(handler, list(CUSTOMER_SUB, { limit: '3', cursor }));

    // Assess
    expect((first.body as { entries: unknown[] }).entries).toHaveLength(3);
    expect(cursor).toEqual(expect.any(String));
    expect(second.body).toEqual({ entries: [expect.objectContaining({ reference: 'cs_test_1' })] });
  });

  it("answers 400 INVALID_CURSOR for a cursor of another wallet's history", async () => {
    // Prepare
    const cursor = Buffer.from(JSON.stringify({ pk: `WALLET#${OTHER_CUSTOMER_SUB}`, sk: 'ENTRY#1' })).toString('base64url');

    // Act
    const response = await invoke(handler, list(CUSTOMER_SUB, { cursor }));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'INVALID_CURSOR' } });
  });

  it("answers 404 WALLET_NOT_FOUND for another person's wallet and reads no entries", async () => {
    // Act
    const response = await invoke(handler, list(OTHER_CUSTOMER_SUB));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
    expect(ledger.calls.filter((c) => c.method === 'entries')).toEqual([]);
  });

  it("lets an admin read any wallet's history", async () => {
    // Act
    const response = await invoke(handler, list(OTHER_CUSTOMER_SUB, undefined, adminClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect((response.body as { entries: unknown[] }).entries).toHaveLength(1);
  });
});
