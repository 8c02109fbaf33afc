import '../../helpers/env';
import { adjustWalletHandler } from '#functions/wallets/adjust-wallet.handler';
import { ADMIN_SUB, adminClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent, type Claims } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';

const adjust = (body: unknown, claims: Claims | null = adminClaims, walletId = CUSTOMER_SUB) =>
  makeEvent({ routeKey: 'POST /v1/admin/wallets/{walletId}/adjustments', pathParameters: { walletId }, body, claims });

describe('Function: AdjustWallet', () => {
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof adjustWalletHandler>;

  beforeEach(() => {
    ledger = new FakeLedgerStore().seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 10);
    handler = adjustWalletHandler({ ledger });
  });

  it('answers 201 with the wallet and the entry, which records the reason and the admin', async () => {
    // Act
    const response = await invoke(handler, adjust({ amount: 5, reason: 'Goodwill after a failed order' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toMatchObject({
      wallet: { walletId: CUSTOMER_SUB, balance: 15 },
      entry: { type: 'adjustment', amount: 5, balanceAfter: 15, reason: 'Goodwill after a failed order', actor: ADMIN_SUB },
    });
    expect(ledger.peek(CUSTOMER_SUB)!.wallet.balance).toBe(15);
  });

  it('answers 409 INSUFFICIENT_CREDITS for a balance below zero, writing nothing', async () => {
    // Act
    const response = await invoke(handler, adjust({ amount: -11, reason: 'Chargeback' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 409, body: { code: 'INSUFFICIENT_CREDITS' } });
    expect(ledger.peek(CUSTOMER_SUB)!.entries).toHaveLength(1);
  });

  it('answers 404 WALLET_NOT_FOUND for a wallet that does not exist', async () => {
    // Act
    const response = await invoke(handler, adjust({ amount: 1, reason: 'Goodwill' }, adminClaims, '44444444-4444-4444-8444-444444444444'));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
  });

  it.each([
    ['a zero amount', { amount: 0, reason: 'Nothing' }],
    ['a fraction', { amount: 1.5, reason: 'Half' }],
    ['no reason', { amount: 3 }],
    ['a reason with control characters', { amount: 3, reason: 'Bad\u0007reason' }],
  ])('answers 400 VALIDATION_FAILED for %s', async (_, body) => {
    // Act
    const response = await invoke(handler, adjust(body));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(ledger.calls).toEqual([]);
  });

  it('answers 403 FORBIDDEN to a customer', async () => {
    // Act
    const response = await invoke(handler, adjust({ amount: 100, reason: 'Free credits' }, customerClaims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(ledger.calls).toEqual([]);
  });
});
