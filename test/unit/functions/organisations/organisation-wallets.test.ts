import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { getMeHandler } from '#functions/accounts/get-me.handler';
import { spendableWallet } from '#functions/wallets/access';
import { getWalletHandler } from '#functions/wallets/get-wallet.handler';
import { listWalletEntriesHandler } from '#functions/wallets/list-wallet-entries.handler';
import { ADMIN_SUB, adminClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, seededOrganisation } from '../../helpers/organisation-fakes';

/** Organisation wallets: every member reads and spends, owners and admins read the history, nobody else learns it exists. */
describe('Organisation wallets', () => {
  let store: FakeOrganisationStore;
  let ledger: FakeLedgerStore;
  let orgId: string;
  let owner: { sub: string };
  let admin: { sub: string };
  let member: { sub: string };
  const outsider = randomUUID();

  beforeEach(async () => {
    store = new FakeOrganisationStore();
    const seeded = await seededOrganisation(store, ['admin', 'member']);
    ({ orgId, owner } = seeded);
    admin = seeded.others[0]!;
    member = seeded.others[1]!;
    ledger = new FakeLedgerStore().seed(orgId, { kind: 'organisation', id: orgId }, 200).seed(outsider, { kind: 'person', id: outsider }, 5);
  });

  const wallet = (sub: string) => makeEvent({ routeKey: 'GET /v1/wallets/{walletId}', pathParameters: { walletId: orgId }, claims: claimsOf(sub) });
  const entries = (sub: string) => makeEvent({ routeKey: 'GET /v1/wallets/{walletId}/entries', pathParameters: { walletId: orgId }, claims: claimsOf(sub) });

  it('lets every member read the balance, and answers others 404 WALLET_NOT_FOUND', async () => {
    // Prepare
    const handler = getWalletHandler({ ledger, organisations: store });

    // Act & Assess
    for (const sub of [owner.sub, admin.sub, member.sub]) expect(await invoke(handler, wallet(sub))).toMatchObject({ statusCode: 200, body: { walletId: orgId, balance: 200 } });
    expect(await invoke(handler, wallet(outsider))).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
  });

  it('shows the history to owners, admins and platform admins; members get 404 like strangers', async () => {
    // Prepare
    const handler = listWalletEntriesHandler({ ledger, organisations: store });

    // Act & Assess
    for (const sub of [owner.sub, admin.sub]) expect((await invoke(handler, entries(sub))).statusCode).toBe(200);
    expect((await invoke(handler, makeEvent({ routeKey: 'GET /v1/wallets/{walletId}/entries', pathParameters: { walletId: orgId }, claims: adminClaims }))).statusCode).toBe(200);
    expect(await invoke(handler, entries(member.sub))).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
    expect(await invoke(handler, entries(outsider))).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
  });

  it('stops a removed member at once', async () => {
    // Prepare
    await store.remove(owner.sub, orgId, member.sub);

    // Act
    const response = await invoke(getWalletHandler({ ledger, organisations: store }), wallet(member.sub));

    // Assess
    expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
  });

  describe('spendableWallet', () => {
    const caller = (sub: string, groups: string[] = []) => ({ sub, groups });

    it('answers the organisation wallet to any member, and a personal wallet to its person', async () => {
      // Act & Assess
      expect(await spendableWallet({ ledger, organisations: store }, orgId, caller(member.sub))).toMatchObject({ walletId: orgId, balance: 200 });
      expect(await spendableWallet({ ledger, organisations: store }, outsider, caller(outsider))).toMatchObject({ walletId: outsider });
    });

    it("throws WALLET_NOT_FOUND for an outsider, for another person's wallet even to a platform admin, and for a missing wallet", async () => {
      // Act & Assess
      await expect(spendableWallet({ ledger, organisations: store }, orgId, caller(outsider))).rejects.toMatchObject({ code: 'WALLET_NOT_FOUND', statusCode: 404 });
      await expect(spendableWallet({ ledger, organisations: store }, outsider, caller(ADMIN_SUB, ['admins']))).rejects.toMatchObject({ code: 'WALLET_NOT_FOUND' });
      await expect(spendableWallet({ ledger, organisations: store }, randomUUID(), caller(member.sub))).rejects.toMatchObject({ code: 'WALLET_NOT_FOUND' });
    });
  });

  describe('GET /v1/me', () => {
    it('lists the personal wallet, then each organisation wallet the caller may use, with balances', async () => {
      // Prepare
      const directory = { profile: async () => ({ email: 'member1@example.com' }) };
      const handler = getMeHandler({ directory, ledger, organisations: store });

      // Act
      const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/me', claims: claimsOf(member.sub) }));

      // Assess
      expect(response.statusCode).toBe(200);
      expect((response.body as { wallets: unknown[] }).wallets).toEqual([
        { walletId: member.sub, kind: 'person', name: 'Personal', balance: 10 },
        { walletId: orgId, kind: 'organisation', name: 'Acme Team', balance: 200 },
      ]);
    });
  });
});
