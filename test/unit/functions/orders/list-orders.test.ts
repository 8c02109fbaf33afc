import '../../helpers/env';
import { listOrdersHandler } from '#functions/orders/list-orders.handler';
import type { OrderView } from '#shared/orders';
import { accessTokenClaims, CUSTOMER_SUB, customerClaims, invoke, makeEvent, OTHER_CUSTOMER_SUB } from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ordersOf } from '../../helpers/orders';

interface Listing {
  readonly orders: OrderView[];
  readonly nextCursor?: string;
}

const list = (queryStringParameters?: Record<string, string>, claims = customerClaims) =>
  makeEvent({ routeKey: 'GET /v1/orders', claims, queryStringParameters });

describe('Function: ListOrders', () => {
  let store: FakeOrderStore;
  let handler: ReturnType<typeof listOrdersHandler>;
  /** The customer's three orders, newest first. */
  let ownIds: string[];

  beforeEach(() => {
    const own = ordersOf(CUSTOMER_SUB, 3);
    store = new FakeOrderStore().seed(...own, ...ordersOf(OTHER_CUSTOMER_SUB, 2));
    handler = listOrdersHandler({ orders: store });
    ownIds = own.map((o) => o.orderId).reverse();
  });

  it("answers 200 with the caller's own orders, newest first", async () => {
    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.orders.map((o) => o.orderId)).toEqual(ownIds);
    expect(response.body.orders.every((o) => o.customerId === CUSTOMER_SUB)).toBe(true);
  });

  it('answers the orders as views, without backend attributes', async () => {
    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    for (const order of response.body.orders) {
      expect(Object.keys(order)).toEqual(expect.not.arrayContaining(['taskToken', 'executionArn', 'decidedBy', 'pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']));
    }
  });

  it('answers an empty list without a cursor when the customer has no orders', async () => {
    // Prepare
    handler = listOrdersHandler({ orders: new FakeOrderStore() });

    // Act
    const response = await invoke(handler, list());

    // Assess
    expect(response.body).toEqual({ orders: [] });
  });

  it('answers 20 orders and a cursor when no limit is given', async () => {
    // Prepare
    store.seed(...ordersOf(CUSTOMER_SUB, 25));

    // Act
    const response = await invoke<Listing>(handler, list());

    // Assess
    expect(response.body.orders).toHaveLength(20);
    expect(response.body.nextCursor).toEqual(expect.any(String));
  });

  it('answers `limit` orders and a cursor while more remain', async () => {
    // Act
    const response = await invoke<Listing>(handler, list({ limit: '2' }));

    // Assess
    expect(response.body.orders.map((o) => o.orderId)).toEqual(ownIds.slice(0, 2));
    expect(response.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('continues from the cursor to the last page, which has no cursor', async () => {
    // Prepare
    const first = await invoke<Listing>(handler, list({ limit: '2' }));

    // Act
    const second = await invoke<Listing>(handler, list({ limit: '2', cursor: first.body.nextCursor! }));

    // Assess
    expect(second.statusCode).toBe(200);
    expect(second.body.orders.map((o) => o.orderId)).toEqual(ownIds.slice(2));
    expect(second.body).not.toHaveProperty('nextCursor');
  });

  it.each(['0', '101', '-1', '2.5', 'ten', ''])('answers 400 VALIDATION_FAILED for limit=%p without reading orders', async (limit) => {
    // Act
    const response = await invoke(handler, list({ limit }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'VALIDATION_FAILED', message: 'limit: limit must be a whole number from 1 to 100' });
    expect(store.calls).toEqual([]);
  });

  it.each(['1', '100'])('accepts limit=%s', async (limit) => {
    // Act
    const response = await invoke(handler, list({ limit }));

    // Assess
    expect(response.statusCode).toBe(200);
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter the route does not take', async () => {
    // Act
    const response = await invoke(handler, list({ status: 'SUBMITTED' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'UNKNOWN_PARAMETER', message: 'Unknown query parameter: status.' });
    expect(store.calls).toEqual([]);
  });

  it('answers 400 INVALID_CURSOR for a cursor the list did not hand out', async () => {
    // Act
    const response = await invoke(handler, list({ cursor: 'Zm9yZ2VkLWN1cnNvcg' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'INVALID_CURSOR', message: expect.any(String) });
  });

  it("answers 400 INVALID_CURSOR for another customer's cursor", async () => {
    // Prepare
    const theirs = await invoke<Listing>(handler, list({ limit: '1' }, { sub: OTHER_CUSTOMER_SUB }));

    // Act
    const response = await invoke(handler, list({ cursor: theirs.body.nextCursor! }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('answers 400 VALIDATION_FAILED for a cursor with characters no cursor has', async () => {
    // Act
    const response = await invoke(handler, list({ cursor: 'a+b/c=' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(store.calls).toEqual([]);
  });

  it('serves a caller who sends an access token', async () => {
    // Act
    const response = await invoke<Listing>(handler, list(undefined, accessTokenClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.orders.map((o) => o.orderId)).toEqual(ownIds);
  });

  it('answers 401 UNAUTHENTICATED without claims and reads nothing', async () => {
    // Act
    const response = await invoke(handler, makeEvent({ routeKey: 'GET /v1/orders', claims: null }));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.calls).toEqual([]);
  });
});
