import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { OrderConflictError, type OrderRecord, type Orders, toView, TooManyOpenOrdersError } from '#functions/orders/order-store';
import { MAX_OPEN_ORDERS } from '#shared/orders';
import { ApiError } from '#lib/errors';
import type { StylePlan } from '#shared/orders';
import { STUDIO_FIELDS, STYLES } from '../unit/helpers/orders';

/** 2030-01-01 at the given minute, as the store writes timestamps. */
/** A creation date after every other test's, so an order dated so leads the status lists. */
const FUTURE = new Date(Date.UTC(2150, 0, 1)).toISOString();

export const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();

/**
 * The observable behaviour of the order store, as handlers rely on it. It runs
 * against `OrderStore` on DynamoDB Local (test/stores/order-store.test.ts) and
 * against the in-memory fake handler tests use
 * (test/unit/helpers/fake-order-store.test.ts), so the fake cannot drift from
 * the real store. Every test makes its own orders and customers, so one store
 * may serve all of them. `addPhoto` adds a photo to an order the way the photo
 * store does (the order's photoCount), which submitting needs.
 */
export function describeOrdersBehaviour(openStore: () => Orders, addPhoto: (store: Orders, order: OrderRecord) => Promise<void>): void {
  let store: Orders;

  beforeEach(() => {
    store = openStore();
  });

  /** A new order of a new customer (unless given). */
  async function newOrder(options: { customerId?: string; createdAt?: string; note?: string } = {}): Promise<OrderRecord> {
    return store.create({
      orderId: randomUUID(),
      customerId: options.customerId ?? randomUUID(),
      ...STUDIO_FIELDS,
      createdAt: options.createdAt ?? new Date().toISOString(),
      ...(options.note ? { note: options.note } : {}),
    });
  }

  /** An order moved to the confirmation gate with a task token. */
  async function waitingOrder(taskToken = `token-${randomUUID()}`): Promise<OrderRecord> {
    const order = await newOrder();
    await store.transition(order.orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken });
    return order;
  }

  /** A customer's three orders, a minute apart; returns their IDs newest first. */
  async function threeOrders(customerId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const minute of [1, 2, 3]) ids.unshift((await newOrder({ customerId, createdAt: at(minute) })).orderId);
    return ids;
  }

  describe('Method: create', () => {
    it("refuses a customer's order beyond the limit of orders in progress, writing nothing", async () => {
      // Prepare
      const customerId = randomUUID();
      for (let i = 0; i < MAX_OPEN_ORDERS; i++) await newOrder({ customerId });

      // Act
      const refused = newOrder({ customerId });

      // Assess
      await expect(refused).rejects.toBeInstanceOf(TooManyOpenOrdersError);
      expect((await store.listByCustomer(customerId, { limit: 100 })).items).toHaveLength(MAX_OPEN_ORDERS);
    });

    it('counts each customer on their own', async () => {
      // Prepare
      for (let i = 0; i < MAX_OPEN_ORDERS; i++) await newOrder({ customerId: 'busy-customer-' + randomUUID().slice(0, 4) });
      const customerId = randomUUID();
      for (let i = 0; i < MAX_OPEN_ORDERS - 1; i++) await newOrder({ customerId });

      // Act / Assess
      await expect(newOrder({ customerId })).resolves.toMatchObject({ customerId, status: 'DRAFT' });
    });

    it('counts the orders in progress, drafts included, and not the ended ones', async () => {
      // Prepare
      const customerId = randomUUID();
      const [first] = [await newOrder({ customerId }), await newOrder({ customerId }), await newOrder({ customerId })];
      await store.transition(first.orderId, ['DRAFT'], 'REJECTED');

      // Act / Assess
      await expect(store.openOrderCount(customerId)).resolves.toBe(2);
      await expect(store.openOrderCount(randomUUID())).resolves.toBe(0);
    });

    it('frees a slot when an order ends', async () => {
      // Prepare
      const customerId = randomUUID();
      const orders: OrderRecord[] = [];
      for (let i = 0; i < MAX_OPEN_ORDERS; i++) orders.push(await newOrder({ customerId }));

      // Act
      await store.transition(orders[0].orderId, ['DRAFT'], 'REJECTED');

      // Assess
      await expect(newOrder({ customerId })).resolves.toMatchObject({ status: 'DRAFT' });
      await expect(newOrder({ customerId })).rejects.toBeInstanceOf(TooManyOpenOrdersError);
    });

    it('does not free a slot when an order only moves on, nor twice when a finished order is moved again', async () => {
      // Prepare
      const customerId = randomUUID();
      const orders: OrderRecord[] = [];
      for (let i = 0; i < MAX_OPEN_ORDERS; i++) orders.push(await newOrder({ customerId }));
      await store.transition(orders[0].orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: 't' });
      await expect(newOrder({ customerId })).rejects.toBeInstanceOf(TooManyOpenOrdersError);
      await store.transition(orders[1].orderId, ['DRAFT'], 'FAILED');

      // Act: a repeated end is refused (the order is not a DRAFT any more) and frees nothing more.
      await expect(store.transition(orders[1].orderId, ['DRAFT'], 'FAILED')).rejects.toBeInstanceOf(OrderConflictError);

      // Assess
      await expect(newOrder({ customerId })).resolves.toMatchObject({ status: 'DRAFT' });
      await expect(newOrder({ customerId })).rejects.toBeInstanceOf(TooManyOpenOrdersError);
    });

    it('stores a DRAFT order with its first timeline entry', async () => {
      // Prepare
      const customerId = randomUUID();
      const orderId = randomUUID();

      // Act
      const record = await store.create({ orderId, customerId, ...STUDIO_FIELDS, note: 'glasses on', createdAt: at(0) });

      // Assess
      expect(record).toEqual({
        orderId,
        customerId,
        ...STUDIO_FIELDS,
        styles: STYLES.map((style) => style.styleId),
        credits: 28,
        // No wallet named: the customer's own pays.
        walletId: customerId,
        photoCount: 0,
        submissions: 0,
        // Its images will be stored under today's default layout, whatever the default is later.
        storageVersion: 1,
        note: 'glasses on',
        createdAt: at(0),
        updatedAt: at(0),
        status: 'DRAFT',
        timeline: [{ status: 'DRAFT', at: at(0) }],
      });
      expect(await store.get(orderId)).toEqual(record);
    });

    it('refuses an order whose ID exists and leaves the first one as it was', async () => {
      // Prepare
      const first = await newOrder({ note: 'first' });

      // Act
      const second = store.create({ orderId: first.orderId, customerId: randomUUID(), ...STUDIO_FIELDS, createdAt: at(9) });

      // Assess
      await expect(second).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(await store.get(first.orderId)).toEqual(first);
    });
  });

  describe('Method: get', () => {
    it('returns the order without its table and index keys', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const record = await store.get(order.orderId);

      // Assess
      expect(Object.keys(record!)).toEqual(expect.not.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']));
    });

    it('returns undefined when there is no such order', async () => {
      // Act
      const record = await store.get(randomUUID());

      // Assess
      expect(record).toBeUndefined();
    });
  });

  describe('Method: transition', () => {
    it('moves the status, sets updatedAt and appends to the timeline', async () => {
      // Prepare
      const order = await newOrder({ createdAt: at(0) });
      const before = new Date().toISOString();

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'FAILED', { failureReason: 'broken', detail: 'it broke' });

      // Assess
      const record = await store.get(order.orderId);
      expect(record).toMatchObject({ status: 'FAILED', failureReason: 'broken' });
      expect(record!.updatedAt >= before).toBe(true);
      expect(record!.timeline).toEqual([
        { status: 'DRAFT', at: at(0) },
        { status: 'FAILED', at: record!.updatedAt, detail: 'it broke' },
      ]);
    });

    it('accepts any of the statuses it may move from', async () => {
      // Prepare
      const order = await waitingOrder();

      // Act
      await store.transition(order.orderId, ['DRAFT', 'PENDING_EDITOR_CONFIRMATION'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: 'newer' });

      // Assess
      expect(await store.get(order.orderId)).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', taskToken: 'newer' });
    });

    it('moves the order from the old status list to the new one', async () => {
      // Prepare
      const order = await newOrder({ createdAt: FUTURE });

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: 't' });

      // Assess
      const waiting = await store.listByStatus('PENDING_EDITOR_CONFIRMATION', { limit: 100 });
      const submitted = await store.listByStatus('DRAFT', { limit: 100 });
      expect(waiting.items.map((o) => o.orderId)).toContain(order.orderId);
      expect(submitted.items.map((o) => o.orderId)).not.toContain(order.orderId);
    });

    it('takes an order that ends out of the status lists (a sparse index), keeping the order itself', async () => {
      // Prepare
      const order = await newOrder({ createdAt: FUTURE });

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'REJECTED', { failureReason: 'too dark' });

      // Assess
      for (const status of ['DRAFT', 'PENDING_EDITOR_CONFIRMATION'] as const) {
        expect((await store.listByStatus(status, { limit: 100 })).items.map((o) => o.orderId)).not.toContain(order.orderId);
      }
      expect(await store.get(order.orderId)).toMatchObject({ status: 'REJECTED', failureReason: 'too dark' });
      expect((await store.listByCustomer(order.customerId, { limit: 10 })).items.map((o) => o.orderId)).toEqual([order.orderId]);
    });

    it('stores the task token it is given', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      await store.transition(order.orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: 'token-1' });

      // Assess
      expect(await store.get(order.orderId)).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', taskToken: 'token-1' });
    });

    it('removes the task token when it is given none', async () => {
      // Prepare
      const order = await waitingOrder('token-1');

      // Act
      await store.transition(order.orderId, ['PENDING_EDITOR_CONFIRMATION'], 'CONFIRMED');

      // Assess
      expect(await store.get(order.orderId)).not.toHaveProperty('taskToken');
    });

    it('raises OrderConflictError and changes nothing when the order is in another status', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const moving = store.transition(order.orderId, ['PENDING_EDITOR_CONFIRMATION'], 'CONFIRMED');

      // Assess
      await expect(moving).rejects.toThrow(
        new OrderConflictError(`Order ${order.orderId} is not in PENDING_EDITOR_CONFIRMATION; cannot move it to CONFIRMED.`),
      );
      expect(await store.get(order.orderId)).toEqual(order);
    });

    it('raises OrderConflictError and creates nothing when the order does not exist', async () => {
      // Prepare
      const orderId = randomUUID();

      // Act
      const moving = store.transition(orderId, ['DRAFT'], 'FAILED');

      // Assess
      await expect(moving).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(orderId)).toBeUndefined();
    });
  });

  describe('Method: submit', () => {
    /** A draft of a new customer holding `photos` photos. */
    async function draftWithPhotos(photos = 1): Promise<OrderRecord> {
      const order = await newOrder();
      for (let i = 0; i < photos; i++) await addPhoto(store, order);
      return (await store.get(order.orderId))!;
    }

    it('moves a draft with photos to VALIDATING, counting the first submission', async () => {
      // Prepare
      const order = await draftWithPhotos(2);

      // Act
      const { submission, record } = await store.submit(order.orderId);

      // Assess
      expect(submission).toBe(1);
      const stored = await store.get(order.orderId);
      expect(record).toEqual(stored);
      expect(stored).toMatchObject({ status: 'VALIDATING', submissions: 1, photoCount: 2 });
      expect(stored!.timeline).toEqual([...order.timeline, { status: 'VALIDATING', at: stored!.updatedAt }]);
    });

    it('submits an order that needed new photos again as the next submission, clearing what it lacked', async () => {
      // Prepare
      const order = await draftWithPhotos();
      await store.submit(order.orderId);
      await store.transition(order.orderId, ['VALIDATING'], 'NEEDS_NEW_PHOTOS', { detail: 'upload 5 more', missing: 'upload 5 more' });
      expect((await store.get(order.orderId))!.missing).toBe('upload 5 more');

      // Act
      const { submission } = await store.submit(order.orderId);

      // Assess
      expect(submission).toBe(2);
      const stored = (await store.get(order.orderId))!;
      expect(stored).toMatchObject({ status: 'VALIDATING', submissions: 2 });
      expect(stored).not.toHaveProperty('missing');
    });

    it('lists a submitted order under VALIDATING and no more under DRAFT', async () => {
      // Prepare
      const order = await draftWithPhotos();

      // Act
      await store.submit(order.orderId);

      // Assess
      expect((await store.listByStatus('VALIDATING', { limit: 100 })).items.map((o) => o.orderId)).toContain(order.orderId);
      expect((await store.listByStatus('DRAFT', { limit: 100 })).items.map((o) => o.orderId)).not.toContain(order.orderId);
    });

    it('refuses a draft without photos with OrderConflictError, changing nothing', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const submitting = store.submit(order.orderId);

      // Assess
      await expect(submitting).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(order.orderId)).toEqual(order);
    });

    it.each(['VALIDATING', 'SUBMITTED', 'PENDING_EDITOR_CONFIRMATION', 'REJECTED'] as const)('refuses an order in %s, changing nothing', async (status) => {
      // Prepare
      const draft = await draftWithPhotos();
      await store.transition(draft.orderId, ['DRAFT'], status);
      const before = await store.get(draft.orderId);

      // Act
      const submitting = store.submit(draft.orderId);

      // Assess
      await expect(submitting).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(draft.orderId)).toEqual(before);
    });

    it('refuses an order that does not exist, creating nothing', async () => {
      // Prepare
      const orderId = randomUUID();

      // Act
      const submitting = store.submit(orderId);

      // Assess
      await expect(submitting).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(orderId)).toBeUndefined();
    });
  });

  describe('Method: transition with what the order lacks', () => {
    it('records `missing` when given and removes it on the next move without it', async () => {
      // Prepare
      const order = await newOrder();
      await store.transition(order.orderId, ['DRAFT'], 'NEEDS_NEW_PHOTOS', { missing: '4 of 6 photos accepted' });
      const needing = await store.get(order.orderId);

      // Act
      await store.transition(order.orderId, ['NEEDS_NEW_PHOTOS'], 'FAILED');

      // Assess
      expect(needing).toMatchObject({ status: 'NEEDS_NEW_PHOTOS', missing: '4 of 6 photos accepted' });
      expect(toView(needing!)).toMatchObject({ missing: '4 of 6 photos accepted' });
      expect(await store.get(order.orderId)).not.toHaveProperty('missing');
    });
  });

  describe('Method: setExecutionArn', () => {
    it('records the execution ARN on the order', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      await store.setExecutionArn(order.orderId, 'arn:aws:states:us-east-1:000000000000:execution:OrderPipeline:x');

      // Assess
      expect(await store.get(order.orderId)).toEqual({ ...order, executionArn: 'arn:aws:states:us-east-1:000000000000:execution:OrderPipeline:x' });
    });
  });

  describe('Method: claimTaskToken', () => {
    it('returns the token, removes it from the order and records who decided', async () => {
      // Prepare
      const order = await waitingOrder('token-1');

      // Act
      const token = await store.claimTaskToken(order.orderId, 'admin-1');

      // Assess
      expect(token).toBe('token-1');
      const record = await store.get(order.orderId);
      expect(record).not.toHaveProperty('taskToken');
      expect(record).toMatchObject({ status: 'PENDING_EDITOR_CONFIRMATION', decidedBy: 'admin-1' });
    });

    it('raises OrderConflictError on a second claim', async () => {
      // Prepare
      const order = await waitingOrder();
      await store.claimTaskToken(order.orderId, 'admin-1');

      // Act
      const second = store.claimTaskToken(order.orderId, 'admin-2');

      // Assess
      await expect(second).rejects.toThrow(new OrderConflictError(`Order ${order.orderId} is not waiting for confirmation.`));
      expect(await store.get(order.orderId)).toMatchObject({ decidedBy: 'admin-1' });
    });

    it('lets exactly one of two concurrent claims win', async () => {
      // Prepare
      const order = await waitingOrder('token-1');

      // Act
      const results = await Promise.allSettled([store.claimTaskToken(order.orderId, 'admin-1'), store.claimTaskToken(order.orderId, 'admin-2')]);

      // Assess
      expect(results.filter((r) => r.status === 'fulfilled')).toEqual([{ status: 'fulfilled', value: 'token-1' }]);
      const [lost] = results.filter((r) => r.status === 'rejected');
      expect((lost as PromiseRejectedResult).reason).toBeInstanceOf(OrderConflictError);
    });

    it('raises OrderConflictError when the order is not waiting for confirmation', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const claim = store.claimTaskToken(order.orderId, 'admin-1');

      // Assess
      await expect(claim).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(order.orderId)).not.toHaveProperty('decidedBy');
    });

    it('raises OrderConflictError and creates nothing when the order does not exist', async () => {
      // Prepare
      const orderId = randomUUID();

      // Act
      const claim = store.claimTaskToken(orderId, 'admin-1');

      // Assess
      await expect(claim).rejects.toBeInstanceOf(OrderConflictError);
      expect(await store.get(orderId)).toBeUndefined();
    });
  });

  describe('Method: restoreTaskToken', () => {
    it('puts a claimed token back and forgets who decided', async () => {
      // Prepare
      const order = await waitingOrder('token-1');
      await store.claimTaskToken(order.orderId, 'admin-1');

      // Act
      await store.restoreTaskToken(order.orderId, 'token-1');

      // Assess
      const record = await store.get(order.orderId);
      expect(record).toMatchObject({ taskToken: 'token-1' });
      expect(record).not.toHaveProperty('decidedBy');
    });

    it('makes the token claimable again', async () => {
      // Prepare
      const order = await waitingOrder('token-1');
      await store.claimTaskToken(order.orderId, 'admin-1');
      await store.restoreTaskToken(order.orderId, 'token-1');

      // Act
      const token = await store.claimTaskToken(order.orderId, 'admin-2');

      // Assess
      expect(token).toBe('token-1');
    });

    it('refuses to overwrite a token the order still holds', async () => {
      // Prepare
      const order = await waitingOrder('token-1');

      // Act
      const restore = store.restoreTaskToken(order.orderId, 'token-old');

      // Assess
      await expect(restore).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(await store.get(order.orderId)).toMatchObject({ taskToken: 'token-1' });
    });

    it('refuses once the order has left the gate', async () => {
      // Prepare
      const order = await waitingOrder('token-1');
      await store.claimTaskToken(order.orderId, 'admin-1');
      await store.transition(order.orderId, ['PENDING_EDITOR_CONFIRMATION'], 'CONFIRMED');

      // Act
      const restore = store.restoreTaskToken(order.orderId, 'token-1');

      // Assess
      await expect(restore).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(await store.get(order.orderId)).not.toHaveProperty('taskToken');
    });
  });

  describe('Methods: savePlan and plans', () => {
    const plan = (styleId: string, position: number): StylePlan => ({ styleId, position, prompt: `${styleId} prompt`, images: 6, batches: 2 });

    it('answers the plans in position order, whatever order they were saved in', async () => {
      // Prepare
      const order = await newOrder();
      for (const position of [10, 2, 0, 1]) await store.savePlan(order.orderId, plan(`style-${position}`, position));

      // Act
      const plans = await store.plans(order.orderId);

      // Assess
      expect(plans.map((p) => p.position)).toEqual([0, 1, 2, 10]);
      expect(plans[0]).toEqual(plan('style-0', 0));
    });

    it('replaces the plan of a position when it is saved again', async () => {
      // Prepare
      const order = await newOrder();
      await store.savePlan(order.orderId, plan('first', 0));

      // Act
      await store.savePlan(order.orderId, plan('second', 0));

      // Assess
      expect(await store.plans(order.orderId)).toEqual([plan('second', 0)]);
    });

    it('keeps the poses a plan was made with', async () => {
      // Prepare
      const order = await newOrder();
      const withPoses: StylePlan = { ...plan('style-0', 0), batches: 2, poses: ['front', 'seated'] };
      await store.savePlan(order.orderId, withPoses);

      // Act
      const plans = await store.plans(order.orderId);

      // Assess
      expect(plans).toEqual([withPoses]);
    });

    it('answers no plans for an order that has none', async () => {
      // Prepare
      const order = await newOrder();

      // Act
      const plans = await store.plans(order.orderId);

      // Assess
      expect(plans).toEqual([]);
    });

    it('keeps plans out of the order lists', async () => {
      // Prepare
      const order = await newOrder();
      await store.savePlan(order.orderId, plan('style-0', 0));

      // Act
      const page = await store.listByCustomer(order.customerId, { limit: 10 });

      // Assess
      expect(page.items).toEqual([order]);
    });
  });

  describe('Method: listByCustomer', () => {
    it("answers the customer's orders newest first", async () => {
      // Prepare
      const customerId = randomUUID();
      const ids = await threeOrders(customerId);

      // Act
      const page = await store.listByCustomer(customerId, { limit: 10 });

      // Assess
      expect(page.items.map((o) => o.orderId)).toEqual(ids);
      expect(page.nextCursor).toBeUndefined();
    });

    it('orders created at the same instant by their ID, descending', async () => {
      // Prepare
      const customerId = randomUUID();
      const orders = [await newOrder({ customerId, createdAt: at(1) }), await newOrder({ customerId, createdAt: at(1) })];

      // Act
      const page = await store.listByCustomer(customerId, { limit: 10 });

      // Assess
      expect(page.items.map((o) => o.orderId)).toEqual(orders.map((o) => o.orderId).sort().reverse());
    });

    it('answers a page of `limit` orders and a cursor while more remain', async () => {
      // Prepare
      const customerId = randomUUID();
      const ids = await threeOrders(customerId);

      // Act
      const first = await store.listByCustomer(customerId, { limit: 2 });

      // Assess
      expect(first.items.map((o) => o.orderId)).toEqual(ids.slice(0, 2));
      expect(first.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
    });

    it('continues from the cursor to the last page, which has no cursor', async () => {
      // Prepare
      const customerId = randomUUID();
      const ids = await threeOrders(customerId);
      const first = await store.listByCustomer(customerId, { limit: 2 });

      // Act
      const second = await store.listByCustomer(customerId, { limit: 2, cursor: first.nextCursor });

      // Assess
      expect(second.items.map((o) => o.orderId)).toEqual(ids.slice(2));
      expect(second.nextCursor).toBeUndefined();
    });

    it("never answers another customer's orders", async () => {
      // Prepare
      const customerId = randomUUID();
      await threeOrders(randomUUID());
      const own = await newOrder({ customerId });

      // Act
      const page = await store.listByCustomer(customerId, { limit: 100 });

      // Assess
      expect(page.items).toEqual([own]);
    });

    it('answers an empty page to a customer without orders', async () => {
      // Act
      const page = await store.listByCustomer(randomUUID(), { limit: 20 });

      // Assess
      expect(page).toEqual({ items: [] });
    });

    it("refuses another customer's cursor with INVALID_CURSOR", async () => {
      // Prepare
      const owner = randomUUID();
      await threeOrders(owner);
      const { nextCursor } = await store.listByCustomer(owner, { limit: 1 });
      const intruder = randomUUID();
      await threeOrders(intruder);

      // Act
      const listing = store.listByCustomer(intruder, { limit: 1, cursor: nextCursor });

      // Assess
      await expect(listing).rejects.toMatchObject({ code: 'INVALID_CURSOR', statusCode: 400 });
      await expect(listing).rejects.toBeInstanceOf(ApiError);
    });

    it('refuses a cursor that is not one it handed out', async () => {
      // Act
      const listing = store.listByCustomer(randomUUID(), { limit: 1, cursor: 'bm90LWEtY3Vyc29y' });

      // Assess
      await expect(listing).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    });

    it('refuses a cursor of the status list', async () => {
      // Prepare
      const customerId = randomUUID();
      await threeOrders(customerId);
      const { nextCursor } = await store.listByStatus('DRAFT', { limit: 1 });

      // Act
      const listing = store.listByCustomer(customerId, { limit: 1, cursor: nextCursor });

      // Assess
      await expect(listing).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    });

    it('hands out no cursor after a full page when nothing follows', async () => {
      // Prepare
      const customerId = randomUUID();
      await newOrder({ customerId, createdAt: at(1) });
      await newOrder({ customerId, createdAt: at(2) });

      // Act
      const page = await store.listByCustomer(customerId, { limit: 2 });

      // Assess
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toBeUndefined();
    });
  });

  describe('Method: listByStatus', () => {
    // Every test adds orders to the shared status lists: these orders are dated after all others, so they lead the list.
    it('answers the orders in one status newest first, a page at a time', async () => {
      // Prepare
      const orders: OrderRecord[] = [];
      for (const minute of [1, 2, 3]) {
        const order = await newOrder({ createdAt: new Date(Date.UTC(2199, 0, 1, 0, minute)).toISOString() });
        await store.transition(order.orderId, ['DRAFT'], 'PENDING_EDITOR_CONFIRMATION', { taskToken: `t${minute}` });
        orders.unshift(order);
      }

      // Act
      const first = await store.listByStatus('PENDING_EDITOR_CONFIRMATION', { limit: 2 });
      const second = await store.listByStatus('PENDING_EDITOR_CONFIRMATION', { limit: 2, cursor: first.nextCursor });

      // Assess
      expect(first.items.map((o) => o.orderId)).toEqual(orders.slice(0, 2).map((o) => o.orderId));
      expect(first.items.every((o) => o.status === 'PENDING_EDITOR_CONFIRMATION')).toBe(true);
      expect(first.nextCursor).toBeDefined();
      expect(second.items[0].orderId).toBe(orders[2].orderId);
    });

    it("refuses another status's cursor", async () => {
      // Prepare
      await newOrder();
      await newOrder();
      const { nextCursor } = await store.listByStatus('DRAFT', { limit: 1 });

      // Act
      const listing = store.listByStatus('PENDING_EDITOR_CONFIRMATION', { limit: 1, cursor: nextCursor });

      // Assess
      await expect(listing).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
    });
  });

  describe('Function: toView', () => {
    it('drops the backend-only attributes', async () => {
      // Prepare
      const order = await waitingOrder('token-1');
      await store.setExecutionArn(order.orderId, 'arn:x');
      const record = await store.get(order.orderId);

      // Act
      const view = toView({ ...record!, decidedBy: 'admin-1' });

      // Assess
      expect(Object.keys(view)).toEqual(expect.not.arrayContaining(['taskToken', 'executionArn', 'decidedBy', 'submissions']));
      expect(record).toHaveProperty('submissions', 0);
      expect(view).toMatchObject({ orderId: order.orderId, status: 'PENDING_EDITOR_CONFIRMATION' });
    });
  });
}
