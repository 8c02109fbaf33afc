import '../../helpers/env';
import { listOrderQueueHandler } from '#functions/admin/list-order-queue.handler';
import { OPEN_STATUSES, type OrderView } from '#shared/orders';
import {
  accessTokenClaims,
  adminAccessTokenClaims,
  adminClaims,
  type Claims,
  CUSTOMER_SUB,
  customerClaims,
  invoke,
  makeEvent,
  OTHER_CUSTOMER_SUB,
} from '../../helpers/events';
import { FakeOrderStore } from '../../helpers/fake-order-store';
import { ordersOf } from '../../helpers/orders';

interface Queue {
  readonly status: string;
  readonly orders: OrderView[];
  readonly nextCursor?: string;
}

const queue = (queryStringParameters?: Record<string, string>, claims: Claims | null = adminClaims) =>
  makeEvent({ routeKey: 'GET /v1/admin/orders', claims, queryStringParameters });

describe('Function: ListOrderQueue', () => {
  let store: FakeOrderStore;
  let handler: ReturnType<typeof listOrderQueueHandler>;
  /** The user pool: who has which e-mail, and who was looked up. */
  const emails: Record<string, string> = { [CUSTOMER_SUB]: 'ada@example.com' };
  let lookedUp: string[];
  const directory = { profile: async (sub: string) => (lookedUp.push(sub), sub in emails ? { email: emails[sub] } : undefined) };
  /** The three orders waiting for confirmation, newest first. */
  let waitingIds: string[];

  beforeEach(() => {
    const waiting = ordersOf(CUSTOMER_SUB, 3);
    const submitted = ordersOf('44444444-4444-4444-8444-444444444444', 2, { status: 'SUBMITTED', taskToken: undefined });
    const failed = ordersOf(OTHER_CUSTOMER_SUB, 2, { status: 'FAILED', taskToken: undefined });
    store = new FakeOrderStore().seed(...waiting, ...submitted, ...failed);
    lookedUp = [];
    handler = listOrderQueueHandler({ orders: store, directory });
    waitingIds = waiting.map((o) => o.orderId).reverse();
  });

  it('lists the orders waiting for confirmation, newest first, when no status is asked for', async () => {
    // Act
    const response = await invoke<Queue>(handler, queue());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('PENDING_EDITOR_CONFIRMATION');
    expect(response.body.orders.map((o) => o.orderId)).toEqual(waitingIds);
  });

  it("fills in each customer's e-mail from the user pool, one look-up per customer on the page", async () => {
    // Prepare: orders placed with an access token carry no e-mail.
    store = new FakeOrderStore().seed(...ordersOf(CUSTOMER_SUB, 3, { customerEmail: undefined }));
    handler = listOrderQueueHandler({ orders: store, directory });

    // Act
    const response = await invoke<Queue>(handler, queue());

    // Assess
    expect(response.body.orders.map((o) => o.customerEmail)).toEqual(['ada@example.com', 'ada@example.com', 'ada@example.com']);
    expect(lookedUp).toEqual([CUSTOMER_SUB]);
  });

  it('leaves the e-mail out when the user pool no longer knows the customer', async () => {
    // Prepare
    store = new FakeOrderStore().seed(...ordersOf(OTHER_CUSTOMER_SUB, 1, { customerEmail: undefined }));
    handler = listOrderQueueHandler({ orders: store, directory });

    // Act
    const response = await invoke<Queue>(handler, queue());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.orders[0]).not.toHaveProperty('customerEmail');
  });

  it('lists the orders in the status asked for', async () => {
    // Act
    const response = await invoke<Queue>(handler, queue({ status: 'SUBMITTED' }));

    // Assess
    expect(response.body.status).toBe('SUBMITTED');
    expect(response.body.orders).toHaveLength(2);
    expect(response.body.orders.every((o) => o.status === 'SUBMITTED')).toBe(true);
  });

  it('refuses the status of finished orders, which leave the status index', async () => {
    // Act
    const response = await invoke(handler, queue({ status: 'FAILED' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('orders in progress') });
    expect(store.calls).toEqual([]);
  });

  it('answers 400 VALIDATION_FAILED naming the allowed values for an unknown status, without reading orders', async () => {
    // Act
    const response = await invoke(handler, queue({ status: 'DONE' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({
      code: 'VALIDATION_FAILED',
      message: `status: status must be one of the statuses of orders in progress: ${OPEN_STATUSES.join(', ')}`,
    });
    expect(store.calls).toEqual([]);
  });

  it('answers the orders as views, without the task token or execution', async () => {
    // Act
    const response = await invoke<Queue>(handler, queue());

    // Assess
    for (const order of response.body.orders) {
      expect(order).not.toHaveProperty('taskToken');
      expect(order).not.toHaveProperty('executionArn');
    }
  });

  it('answers `limit` orders and a cursor while more remain', async () => {
    // Act
    const response = await invoke<Queue>(handler, queue({ limit: '2' }));

    // Assess
    expect(response.body.orders.map((o) => o.orderId)).toEqual(waitingIds.slice(0, 2));
    expect(response.body.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('continues from the cursor to the last page, which has no cursor', async () => {
    // Prepare
    const first = await invoke<Queue>(handler, queue({ limit: '2' }));

    // Act
    const second = await invoke<Queue>(handler, queue({ limit: '2', cursor: first.body.nextCursor! }));

    // Assess
    expect(second.body.orders.map((o) => o.orderId)).toEqual(waitingIds.slice(2));
    expect(second.body).not.toHaveProperty('nextCursor');
  });

  it.each(['0', '101', 'all'])('answers 400 VALIDATION_FAILED for limit=%s', async (limit) => {
    // Act
    const response = await invoke(handler, queue({ limit }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(store.calls).toEqual([]);
  });

  it('answers 400 UNKNOWN_PARAMETER for a query parameter the route does not take', async () => {
    // Act
    const response = await invoke(handler, queue({ customerId: CUSTOMER_SUB }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toEqual({ code: 'UNKNOWN_PARAMETER', message: 'Unknown query parameter: customerId.' });
  });

  it('answers 400 INVALID_CURSOR for a forged cursor', async () => {
    // Act
    const response = await invoke(handler, queue({ cursor: 'Zm9yZ2Vk' }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it("answers 400 INVALID_CURSOR for another status's cursor", async () => {
    // Prepare
    const submitted = await invoke<Queue>(handler, queue({ status: 'SUBMITTED', limit: '1' }));

    // Act
    const response = await invoke(handler, queue({ cursor: submitted.body.nextCursor! }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('serves an admin who sends an access token', async () => {
    // Act
    const response = await invoke<Queue>(handler, queue(undefined, adminAccessTokenClaims));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.orders).toHaveLength(3);
  });

  it.each([
    { case: 'a customer', claims: customerClaims },
    { case: "a customer's access token", claims: accessTokenClaims },
    { case: 'a member of another group', claims: { ...customerClaims, 'cognito:groups': '[artists]' } },
  ])('answers 403 FORBIDDEN to $case without reading orders', async ({ claims }) => {
    // Act
    const response = await invoke(handler, queue(undefined, claims));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.body).toEqual({ code: 'FORBIDDEN', message: 'This route is for the admins group only.' });
    expect(store.calls).toEqual([]);
  });

  it('answers 401 UNAUTHENTICATED without claims', async () => {
    // Act
    const response = await invoke(handler, queue(undefined, null));

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.body).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
