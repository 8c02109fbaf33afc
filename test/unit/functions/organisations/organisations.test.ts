import '../../helpers/env';
import { randomUUID } from 'node:crypto';
import { createOrganisationHandler } from '#functions/organisations/create-organisation.handler';
import { getOrganisationHandler } from '#functions/organisations/get-organisation.handler';
import { listOrganisationsHandler } from '#functions/organisations/list-organisations.handler';
import { CUSTOMER_SUB, customerClaims, invoke, makeEvent } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrganisationStore } from '../../helpers/fake-organisation-store';
import { claimsOf, FakePeople, seededOrganisation } from '../../helpers/organisation-fakes';

const ORG_ID = '55555555-5555-4555-8555-555555555555';

describe('Function: CreateOrganisation', () => {
  let store: FakeOrganisationStore;
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof createOrganisationHandler>;
  const create = (body: unknown) => makeEvent({ routeKey: 'POST /v1/organisations', body });

  beforeEach(() => {
    store = new FakeOrganisationStore();
    ledger = new FakeLedgerStore();
    handler = createOrganisationHandler({ organisations: store, ledger, people: new FakePeople().set(CUSTOMER_SUB, 'Ada@Example.com'), newId: () => ORG_ID });
  });

  it('answers 201 with the caller as owner and opens an empty organisation wallet under the same ID', async () => {
    // Act
    const response = await invoke(handler, create({ name: '  Acme Team ' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({ orgId: ORG_ID, name: 'Acme Team', role: 'owner', walletId: ORG_ID, joinedAt: expect.any(String) });
    expect(ledger.peek(ORG_ID)).toMatchObject({ wallet: { owner: { kind: 'organisation', id: ORG_ID }, balance: 0 } });
    expect(await store.membership(ORG_ID, CUSTOMER_SUB)).toMatchObject({ role: 'owner', email: 'ada@example.com' });
  });

  it.each([
    ['no name', {}],
    ['a one-letter name', { name: 'A' }],
    ['a name of 81 characters', { name: 'x'.repeat(81) }],
    ['control characters', { name: 'Acme\u202eTeam' }],
    ['an unknown field', { name: 'Acme', owner: 'someone' }],
  ])('answers 400 VALIDATION_FAILED for %s and writes nothing', async (_, body) => {
    // Act
    const response = await invoke(handler, create(body));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(store.calls).toEqual([]);
    expect(ledger.calls).toEqual([]);
  });

  it('answers 500 and creates no organisation when the wallet cannot be opened', async () => {
    // Prepare
    ledger.failNext('open');

    // Act
    const response = await invoke(handler, create({ name: 'Acme' }));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(store.calls).toEqual([]);
  });
});

describe('Function: ListOrganisations', () => {
  it("answers the caller's organisations with their role in each, and nothing of others'", async () => {
    // Prepare
    const store = new FakeOrganisationStore();
    const mine = await seededOrganisation(store, ['admin']);
    await seededOrganisation(store);
    const handler = listOrganisationsHandler({ organisations: store });

    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/organisations', claims: claimsOf(mine.others[0]!.sub) }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ organisations: [{ orgId: mine.orgId, name: 'Acme Team', role: 'admin', walletId: mine.orgId, joinedAt: expect.any(String) }] });
  });
});

describe('Function: GetOrganisation', () => {
  let store: FakeOrganisationStore;
  let ledger: FakeLedgerStore;
  let handler: ReturnType<typeof getOrganisationHandler>;
  const get = (orgId: string, sub: string) => makeEvent({ routeKey: 'GET /v1/organisations/{orgId}', pathParameters: { orgId }, claims: claimsOf(sub) });

  beforeEach(() => {
    store = new FakeOrganisationStore();
    ledger = new FakeLedgerStore();
    handler = getOrganisationHandler({ organisations: store, ledger });
  });

  it('answers a member the members with their roles and the shared wallet', async () => {
    // Prepare
    const { orgId, owner, others } = await seededOrganisation(store, ['member']);
    ledger.seed(orgId, { kind: 'organisation', id: orgId }, 120);

    // Act
    const response = await invoke(handler, get(orgId, others[0]!.sub));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      orgId,
      name: 'Acme Team',
      role: 'member',
      memberCount: 2,
      members: [
        { sub: owner.sub, email: owner.email, role: 'owner' },
        { sub: others[0]!.sub, role: 'member' },
      ],
      wallet: { walletId: orgId, balance: 120, reserved: 0 },
    });
  });

  it('answers 404 ORGANISATION_NOT_FOUND to someone outside it, as for one that does not exist', async () => {
    // Prepare
    const { orgId } = await seededOrganisation(store);

    // Act
    const outsider = await invoke(handler, get(orgId, CUSTOMER_SUB));
    const missing = await invoke(handler, get(randomUUID(), CUSTOMER_SUB));

    // Assess
    expect(outsider).toMatchObject({ statusCode: 404, body: { code: 'ORGANISATION_NOT_FOUND' } });
    expect(missing.body).toEqual(outsider.body);
  });

  it('answers 400 VALIDATION_FAILED for an ID that is no UUID, reading nothing', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/organisations/{orgId}', pathParameters: { orgId: 'acme' }, claims: customerClaims }));

    // Assess
    expect(response).toMatchObject({ statusCode: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(store.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/organisations/{orgId}', pathParameters: { orgId: ORG_ID }, claims: null }));

    // Assess
    expect(response.statusCode).toBe(401);
  });
});
