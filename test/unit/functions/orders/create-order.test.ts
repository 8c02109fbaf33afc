import '../../helpers/env';
import { createOrderHandler } from '#functions/orders/create-order.handler';
import { MAX_OPEN_ORDERS, type OrderView } from '#shared/orders';
import { accessTokenClaims, CUSTOMER_SUB, type EventOptions, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeLedgerStore } from '../../helpers/fake-ledger-store';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { FakeStudioStore } from '../../helpers/fake-studio-store';
import { planStyle } from '#shared/orders';
import { ordersOf, STYLES } from '../../helpers/orders';
import { STUDIO_ID, studioRecord, styleRecord } from '../../helpers/studios';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const order = (body: unknown, extra: EventOptions = {}) => makeEvent({ routeKey: 'POST /v1/orders', body, ...extra });
const pick = (...styleIds: string[]) => ({ studioId: STUDIO_ID, styleIds });
/** An organisation the customer belongs to, and its wallet (an organisation's wallet ID is its own ID). */
const TEAM = '7d0e3c1a-5b7f-4c2e-9a41-2f6d8e1b0c93';
const STRANGERS = '0b9f4a2e-8c1d-4e6f-a3b5-9d7c2e1f0a48';

describe('Function: CreateOrder', () => {
  let store: FakeOrderStore;
  let studios: FakeStudioStore;
  let handler: ReturnType<typeof createOrderHandler>;

  beforeEach(() => {
    store = new FakeOrderStore();
    studios = new FakeStudioStore().seed(studioRecord(), [styleRecord(0), styleRecord(1)]);
    const ledger = new FakeLedgerStore()
      .seed(CUSTOMER_SUB, { kind: 'person', id: CUSTOMER_SUB }, 10)
      .seed(OTHER_CUSTOMER_SUB, { kind: 'person', id: OTHER_CUSTOMER_SUB }, 10)
      .seed(TEAM, { kind: 'organisation', id: TEAM }, 100)
      .seed(STRANGERS, { kind: 'organisation', id: STRANGERS }, 100);
    const organisations = {
      membership: async (orgId: string, sub: string) =>
        orgId === TEAM && sub === CUSTOMER_SUB ? { orgId, sub, email: 'c@example.com', role: 'member' as const, joinedAt: '2030-01-01T00:00:00.000Z' } : undefined,
    };
    handler = createOrderHandler({ orders: store, studios, wallets: { ledger, organisations } });
  });

  describe('the wallet that pays', () => {
    it("is the caller's own unless they name another", async () => {
      const response = await invoke<OrderView>(handler, order(pick('studio-black')));
      expect(response.body.walletId).toBe(CUSTOMER_SUB);
      expect(store.all()[0]).toMatchObject({ walletId: CUSTOMER_SUB });
    });

    it("is the organisation's wallet when the caller belongs to it", async () => {
      const response = await invoke<OrderView>(handler, order({ ...pick('studio-black'), walletId: TEAM }));
      expect(response.statusCode).toBe(201);
      expect(store.all()[0]).toMatchObject({ walletId: TEAM, customerId: CUSTOMER_SUB });
    });

    /** A request made with an organisation's API key, as the Lambda authorizer hands it on. */
    const withOrganisationKey = (orgId: string, body: unknown) => {
      const event = order(body, { claims: null });
      const lambda = { sub: CUSTOMER_SUB, groups: '', via: 'apiKey', keyId: 'ab'.repeat(12), scope: 'organisation', organisationId: orgId, role: 'admin', rateLimitPerMinute: 100 };
      return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda } as never } };
    };

    it("is the organisation's wallet by default when the order is placed with the organisation's API key", async () => {
      const response = await invoke<OrderView>(handler, withOrganisationKey(TEAM, pick('studio-black')));
      expect(response.statusCode).toBe(201);
      expect(store.all()[0]).toMatchObject({ walletId: TEAM, customerId: CUSTOMER_SUB });
    });

    it("is the wallet the order names, even with an organisation's API key", async () => {
      const response = await invoke<OrderView>(handler, withOrganisationKey(TEAM, { ...pick('studio-black'), walletId: CUSTOMER_SUB }));
      expect(response.statusCode).toBe(201);
      expect(store.all()[0]).toMatchObject({ walletId: CUSTOMER_SUB });
    });

    it("answers 404 WALLET_NOT_FOUND for a key of an organisation the caller no longer belongs to", async () => {
      const response = await invoke(handler, withOrganisationKey(STRANGERS, pick('studio-black')));
      expect(response).toMatchObject({ statusCode: 404, body: { code: 'WALLET_NOT_FOUND' } });
      expect(store.all()).toEqual([]);
    });

    it.each([
      ["another person's wallet", OTHER_CUSTOMER_SUB],
      ['the wallet of an organisation the caller is not in', STRANGERS],
      ['a wallet that does not exist', '5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170'],
    ])('answers 404 WALLET_NOT_FOUND for %s, storing nothing', async (_case, walletId) => {
      const response = await invoke(handler, order({ ...pick('studio-black'), walletId }));
      expect(response.statusCode).toBe(404);
      expect(response.body).toEqual({ code: 'WALLET_NOT_FOUND', message: 'No such wallet.' });
      expect(store.all()).toEqual([]);
    });

    it('answers 400 for a wallet ID that is not one', async () => {
      const response = await invoke(handler, order({ ...pick('studio-black'), walletId: '../other' }));
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.body)).toContain('walletId is not a wallet ID');
    });
  });

  describe('the engine', () => {
    it('is stored as chosen, and left to the default when not chosen', async () => {
      await invoke(handler, order({ ...pick('studio-black'), engine: 'quality' }));
      await invoke(handler, order(pick('studio-black')));
      expect(store.all().map((o) => o.engine).sort()).toEqual(['quality', undefined]);
    });

    it('answers 400 naming the engines for one that does not exist, storing nothing', async () => {
      const response = await invoke<{ code: string; message: string }>(handler, order({ ...pick('studio-black'), engine: 'turbo' }));
      expect(response.statusCode).toBe(400);
      expect(response.body.message).toContain('engine must be one of quality, balanced, fast');
      expect(store.all()).toEqual([]);
    });
  });

  it('answers 201 with a DRAFT priced at the sum of its styles', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ ...pick('studio-black', 'corporate-grey'), note: 'glasses on' }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body).toEqual({
      orderId: expect.stringMatching(UUID),
      customerId: CUSTOMER_SUB,
      status: 'DRAFT',
      studioId: STUDIO_ID,
      studioName: 'North Light Studio',
      styles: ['studio-black', 'corporate-grey'],
      styleDetails: [STYLES[1], STYLES[0]],
      credits: 28,
      walletId: CUSTOMER_SUB,
      photoCount: 0,
      note: 'glasses on',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      timeline: [{ status: 'DRAFT', at: expect.any(String) }],
    });
  });

  it('never answers with backend-only attributes', async () => {
    // Act
    const response = await invoke(handler, order(pick('corporate-grey')));

    // Assess
    for (const attribute of ['taskToken', 'executionArn', 'decidedBy', 'submissions']) expect(response.body).not.toHaveProperty(attribute);
  });

  it('stores the DRAFT for the caller with each style copied as the studio has it now, without an e-mail', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ ...pick('studio-black'), note: 'hi' }));

    // Assess
    const stored = store.peek(response.body.orderId);
    expect(stored).toMatchObject({ status: 'DRAFT', customerId: CUSTOMER_SUB, styles: ['studio-black'], styleDetails: [STYLES[1]], credits: 16, note: 'hi' });
    expect(stored).not.toHaveProperty('customerEmail');
  });

  it('keeps the styles as ordered when the studio changes them later', async () => {
    // Prepare
    const response = await invoke<OrderView>(handler, order(pick('studio-black')));

    // Act
    await studios.putStyle(STUDIO_ID, 'studio-black', { ...STYLES[1], prompt: 'a completely different prompt now', priceCredits: 99 });

    // Assess
    expect(store.peek(response.body.orderId)!.styleDetails).toEqual([STYLES[1]]);
  });

  it("copies the style's pose set, so the order is planned in the poses the studio chose when it was ordered", async () => {
    // Prepare
    await studios.putStyle(STUDIO_ID, 'studio-black', { ...STYLES[1], poseSet: 'lifestyle' });
    const response = await invoke<OrderView>(handler, order(pick('studio-black')));

    // Act
    await studios.putStyle(STUDIO_ID, 'studio-black', { ...STYLES[1], poseSet: 'complete' });

    // Assess
    const [ordered] = store.peek(response.body.orderId)!.styleDetails;
    expect(ordered).toEqual({ ...STYLES[1], poseSet: 'lifestyle' });
    expect(planStyle(ordered!, 0)).toMatchObject({ poses: ['front', 'shoulders', 'seated', 'standing'], batches: 4, images: 12 });
  });

  it('stores the note trimmed', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order({ ...pick('studio-black'), note: '  glasses on \n' }));

    // Assess
    expect(store.peek(response.body.orderId)?.note).toBe('glasses on');
  });

  it('reads the studio and creates the order, and nothing else', async () => {
    // Act
    await invoke(handler, order(pick('studio-black')));

    // Assess
    expect(studios.methodsCalled()).toEqual(['get']);
    expect(store.methodsCalled()).toEqual(['create']);
  });

  it('serves a caller who sends an access token (no e-mail claim)', async () => {
    // Act
    const response = await invoke<OrderView>(handler, order(pick('studio-black'), { claims: accessTokenClaims }));

    // Assess
    expect(response.statusCode).toBe(201);
    expect(store.peek(response.body.orderId)).toMatchObject({ customerId: CUSTOMER_SUB });
  });

  it('answers 404 STUDIO_NOT_FOUND for a studio that does not exist, storing nothing', async () => {
    // Act
    const response = await invoke(handler, order({ studioId: 'no-such-studio', styleIds: ['studio-black'] }));

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.body).toEqual({ code: 'STUDIO_NOT_FOUND', message: expect.stringContaining('"no-such-studio"') });
    expect(store.calls).toEqual([]);
  });

  it('answers 400 UNKNOWN_STYLE naming the styles the studio lacks and listing those it has, storing nothing', async () => {
    // Act
    const response = await invoke(handler, order(pick('studio-black', 'neon-disco', 'warm-office')));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      code: 'UNKNOWN_STYLE',
      message: 'North Light Studio has no style "neon-disco", "warm-office". Choose from: corporate-grey, studio-black.',
    });
    expect(store.calls).toEqual([]);
  });

  it.each([
    { case: 'the old body of styles alone', extra: { body: { styles: ['studio-black'] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'no studio', extra: { body: { styleIds: ['studio-black'] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a studio ID that is not a slug', extra: { body: { studioId: '../north', styleIds: ['studio-black'] } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'no styles', extra: { body: pick() }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a style picked twice', extra: { body: pick('studio-black', 'studio-black') }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'an unknown field', extra: { body: { ...pick('studio-black'), price: 0 } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a note with a bell character', extra: { body: { ...pick('studio-black'), note: 'ring\u0007' } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'a note with a right-to-left override', extra: { body: { ...pick('studio-black'), note: 'abc\u202Edef' } }, statusCode: 400, code: 'VALIDATION_FAILED' },
    { case: 'invalid JSON', extra: { body: '{"studioId": [' }, statusCode: 400, code: 'INVALID_JSON' },
    { case: 'no body', extra: { body: undefined, headers: { 'content-type': 'application/json' } }, statusCode: 400, code: 'BODY_REQUIRED' },
    {
      case: 'a form body',
      extra: { body: 'studioId=north-light-studio', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    { case: 'a query parameter', extra: { body: pick('studio-black'), queryStringParameters: { dryRun: 'true' } }, statusCode: 400, code: 'UNKNOWN_PARAMETER' },
    { case: 'no claims', extra: { body: pick('studio-black'), claims: null }, statusCode: 401, code: 'UNAUTHENTICATED' },
  ])('answers $statusCode $code for $case and touches nothing', async ({ extra, statusCode, code }) => {
    // Prepare
    const event = makeEvent({ routeKey: 'POST /v1/orders', ...extra });

    // Act
    const response = await invoke(handler, event);

    // Assess
    expect(response.statusCode).toBe(statusCode);
    expect(response.body).toEqual({ code, message: expect.any(String) });
    expect(studios.calls).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it('tells the caller the note has control characters', async () => {
    // Act
    const response = await invoke(handler, order({ ...pick('studio-black'), note: 'ring\u0007' }));

    // Assess
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^note: .*control characters/) });
  });

  it('accepts a base64-encoded body', async () => {
    // Prepare
    const event = order(Buffer.from(JSON.stringify(pick('corporate-grey'))).toString('base64'), { headers: { 'content-type': 'application/json' }, isBase64Encoded: true });

    // Act
    const response = await invoke<OrderView>(handler, event);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.body.styles).toEqual(['corporate-grey']);
  });

  it('answers 409 TOO_MANY_OPEN_ORDERS when the customer has as many orders in progress as allowed, storing nothing', async () => {
    // Prepare: drafts count as orders in progress.
    store.seed(...ordersOf(CUSTOMER_SUB, MAX_OPEN_ORDERS, { status: 'DRAFT' }));

    // Act
    const response = await invoke(handler, order(pick('studio-black')));

    // Assess
    expect(response.statusCode).toBe(409);
    expect(response.body).toEqual({ code: 'TOO_MANY_OPEN_ORDERS', message: expect.stringContaining(`${MAX_OPEN_ORDERS} orders in progress`) });
    expect(store.all()).toHaveLength(MAX_OPEN_ORDERS);
  });

  it('lets a customer order again once one of their orders has ended', async () => {
    // Prepare
    store.seed(...ordersOf(CUSTOMER_SUB, MAX_OPEN_ORDERS - 1, { status: 'PENDING_EDITOR_CONFIRMATION' }), ...ordersOf(OTHER_CUSTOMER_SUB, 3, { status: 'REJECTED' }));

    // Act
    const response = await invoke(handler, order(pick('studio-black')));

    // Assess
    expect(response.statusCode).toBe(201);
  });

  it('answers 500 INTERNAL_ERROR when the studio cannot be read, storing nothing', async () => {
    // Prepare
    studios.failNext('get', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, order(pick('studio-black')));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(store.all()).toEqual([]);
  });

  it('answers 500 INTERNAL_ERROR when the order cannot be stored', async () => {
    // Prepare
    store.failNext('create', new Error('ProvisionedThroughputExceededException'));

    // Act
    const response = await invoke(handler, order(pick('studio-black')));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.body).toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
