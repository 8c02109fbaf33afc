import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  draftRecord,
  type NewOrder,
  OrderConflictError,
  type OrderRecord,
  type Orders,
  type Page,
  type PageRequest,
  TooManyOpenOrdersError,
} from '#functions/orders/order-store';
import { ApiError } from '#lib/errors';
import { EDITABLE_STATUSES, isTerminal, MAX_OPEN_ORDERS, type OpenStatus, type OrderStatus, type StylePlan, type TimelineEntry } from '#shared/orders';

type Method = keyof Orders;

/** What DynamoDB answers when a condition expression does not hold (the real store lets some through). */
function conditionalCheckFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
}

/** A deep copy without undefined attributes, as DynamoDB (with removeUndefinedValues) would store and return it. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The sort key of both list indexes: newest first is this, descending. */
const sortKeyOf = (order: OrderRecord) => `${order.createdAt}#${order.orderId}`;

/**
 * An in-memory {@link Orders} with the observable behaviour of `OrderStore`
 * (functions/orders/order-store.ts), whose DynamoDB expressions are tested
 * against DynamoDB Local in test/stores. Handler tests build handlers with it
 * and assess what it holds afterwards.
 *
 * - Conditions fail the way the real store fails: `transition` and
 *   `claimTaskToken` with {@link OrderConflictError}, `create` and
 *   `restoreTaskToken` with DynamoDB's `ConditionalCheckFailedException`.
 * - Lists are newest first (createdAt, then orderId, descending); a page
 *   carries a `nextCursor` only while more follow; a cursor this store did
 *   not hand out for the same list answers `INVALID_CURSOR`.
 * - {@link failNext} makes the next call of a method reject, for error paths.
 */
export class FakeOrderStore implements Orders {
  /** @param maxOpenOrders orders one customer may have in progress, as the real store's limit. */
  constructor(private readonly maxOpenOrders = MAX_OPEN_ORDERS) {}

  private readonly orders = new Map<string, OrderRecord>();
  private readonly planItems = new Map<string, Map<string, StylePlan>>();
  private readonly cursors = new Map<string, { readonly list: string; readonly after: string }>();
  private readonly failures = new Map<Method, Error[]>();
  /** Every call, in order: which method, with which arguments. */
  readonly calls: { readonly method: Method; readonly args: readonly unknown[] }[] = [];

  /** Stores orders as they are, replacing any with the same ID. */
  seed(...records: OrderRecord[]): this {
    for (const record of records) this.orders.set(record.orderId, copy(record));
    return this;
  }

  /** Stores style plans of an order. */
  seedPlans(orderId: string, plans: readonly StylePlan[]): this {
    for (const plan of plans) this.putPlan(orderId, plan);
    return this;
  }

  /** The next call of `method` rejects with `error` (once per call of this). */
  failNext(method: Method, error: Error = new Error(`${method} failed (injected by the test)`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** What the store holds for an order, read without counting as a call. */
  peek(orderId: string): OrderRecord | undefined {
    const record = this.orders.get(orderId);
    return record && copy(record);
  }

  /** Every stored order, read without counting as a call. */
  all(): OrderRecord[] {
    return [...this.orders.values()].map(copy);
  }

  /** The plans of an order, read without counting as a call. */
  peekPlans(orderId: string): StylePlan[] {
    return [...(this.planItems.get(orderId)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, plan]) => copy(plan));
  }

  /** The methods called, in order. */
  methodsCalled(): Method[] {
    return this.calls.map((call) => call.method);
  }

  async create(order: NewOrder): Promise<OrderRecord> {
    this.enter('create', [order]);
    if (this.orders.has(order.orderId)) throw conditionalCheckFailed();
    const open = [...this.orders.values()].filter((o) => o.customerId === order.customerId && !isTerminal(o.status)).length;
    if (open >= this.maxOpenOrders) throw new TooManyOpenOrdersError(this.maxOpenOrders);
    const record = draftRecord(order);
    this.orders.set(order.orderId, copy(record));
    return record;
  }

  async openOrderCount(customerId: string): Promise<number> {
    this.enter('openOrderCount', [customerId]);
    return [...this.orders.values()].filter((o) => o.customerId === customerId && !isTerminal(o.status)).length;
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    this.enter('get', [orderId]);
    return this.peek(orderId);
  }

  async plans(orderId: string): Promise<StylePlan[]> {
    this.enter('plans', [orderId]);
    return this.peekPlans(orderId);
  }

  async listByCustomer(customerId: string, page: PageRequest): Promise<Page<OrderRecord>> {
    this.enter('listByCustomer', [customerId, page]);
    return this.list(`CUSTOMER#${customerId}`, (order) => order.customerId === customerId, page);
  }

  async listByStatus(status: OpenStatus, page: PageRequest): Promise<Page<OrderRecord>> {
    this.enter('listByStatus', [status, page]);
    return this.list(`STATUS#${status}`, (order) => order.status === status, page);
  }

  async startProduction(orderId: string, production: { readonly engine: string; readonly imagesPlanned: number; readonly storageVersion: number }): Promise<void> {
    this.enter('startProduction', [orderId, production]);
    const current = this.orders.get(orderId);
    if (!current) throw new Error(`Order ${orderId} does not exist`);
    this.orders.set(orderId, {
      ...current,
      engine: production.engine,
      imagesPlanned: production.imagesPlanned,
      imagesDone: current.imagesDone ?? 0,
      imagesKept: current.imagesKept ?? 0,
      imagesRejected: current.imagesRejected ?? 0,
      storageVersion: current.storageVersion ?? production.storageVersion,
    });
  }

  async savePlan(orderId: string, plan: StylePlan): Promise<void> {
    this.enter('savePlan', [orderId, plan]);
    this.putPlan(orderId, plan);
  }

  async submit(orderId: string): Promise<{ submission: number; record: OrderRecord }> {
    this.enter('submit', [orderId]);
    const current = this.orders.get(orderId);
    if (!current || !(EDITABLE_STATUSES as readonly string[]).includes(current.status) || !current.photoCount) {
      throw new OrderConflictError(`Order ${orderId} is not an editable order with photos.`);
    }
    const at = new Date().toISOString();
    const { missing: _missing, ...rest } = current;
    const record: OrderRecord = { ...rest, status: 'VALIDATING', updatedAt: at, timeline: [...current.timeline, { status: 'VALIDATING', at }], submissions: (current.submissions ?? 0) + 1 };
    this.orders.set(orderId, record);
    return { submission: record.submissions!, record: copy(record) };
  }

  async setExecutionArn(orderId: string, executionArn: string): Promise<void> {
    this.enter('setExecutionArn', [orderId, executionArn]);
    // Conditional on the order existing, as in the real store.
    const current = this.orders.get(orderId);
    if (!current) throw conditionalCheckFailed();
    this.orders.set(orderId, { ...current, executionArn });
  }

  async transition(
    orderId: string,
    from: readonly OrderStatus[],
    to: OrderStatus,
    extra: { taskToken?: string; failureReason?: string; detail?: string; missing?: string } = {},
  ): Promise<void> {
    this.enter('transition', [orderId, from, to, extra]);
    const current = this.orders.get(orderId);
    if (!current || !from.includes(current.status)) {
      throw new OrderConflictError(`Order ${orderId} is not in ${from.join(' or ')}; cannot move it to ${to}.`);
    }
    const at = new Date().toISOString();
    const entry: TimelineEntry = extra.detail ? { status: to, at, detail: extra.detail } : { status: to, at };
    const { taskToken: _removed, missing: _missing, ...rest } = current;
    this.orders.set(orderId, {
      ...rest,
      status: to,
      updatedAt: at,
      timeline: [...current.timeline, entry],
      ...(extra.taskToken ? { taskToken: extra.taskToken } : {}),
      ...(extra.missing ? { missing: extra.missing } : {}),
      ...(extra.failureReason ? { failureReason: extra.failureReason } : {}),
    });
  }

  async claimTaskToken(orderId: string, decidedBy: string): Promise<string> {
    this.enter('claimTaskToken', [orderId, decidedBy]);
    const current = this.orders.get(orderId);
    if (!current || current.status !== 'PENDING_EDITOR_CONFIRMATION' || !current.taskToken) {
      throw new OrderConflictError(`Order ${orderId} is not waiting for confirmation.`);
    }
    const { taskToken, ...rest } = current;
    this.orders.set(orderId, { ...rest, decidedBy });
    return taskToken;
  }

  async restoreTaskToken(orderId: string, taskToken: string): Promise<void> {
    this.enter('restoreTaskToken', [orderId, taskToken]);
    const current = this.orders.get(orderId);
    if (!current || current.status !== 'PENDING_EDITOR_CONFIRMATION' || current.taskToken) throw conditionalCheckFailed();
    const { decidedBy: _removed, ...rest } = current;
    this.orders.set(orderId, { ...rest, taskToken });
  }

  /** Records the call and throws an injected failure, if one is queued for the method. */
  private enter(method: Method, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    const queued = this.failures.get(method);
    const failure = queued?.shift();
    if (failure) throw failure;
  }

  private putPlan(orderId: string, plan: StylePlan): void {
    const plans = this.planItems.get(orderId) ?? new Map<string, StylePlan>();
    plans.set(`PLAN#${String(plan.position).padStart(2, '0')}`, copy(plan));
    this.planItems.set(orderId, plans);
  }

  private list(listKey: string, belongs: (order: OrderRecord) => boolean, page: PageRequest): Page<OrderRecord> {
    let after: string | undefined;
    if (page.cursor !== undefined) {
      const cursor = this.cursors.get(page.cursor);
      if (!cursor || cursor.list !== listKey) {
        throw new ApiError('INVALID_CURSOR', 'This cursor does not belong to this list. Start again from the first page.');
      }
      after = cursor.after;
    }
    const items = [...this.orders.values()]
      .filter((order) => order.customerId !== undefined && belongs(order))
      .sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1))
      .filter((order) => after === undefined || sortKeyOf(order) < after)
      .slice(0, page.limit + 1);
    if (items.length <= page.limit) return { items: items.map(copy) };
    items.pop();
    const nextCursor = randomBytes(12).toString('base64url');
    this.cursors.set(nextCursor, { list: listKey, after: sortKeyOf(items[items.length - 1]) });
    return { items: items.map(copy), nextCursor };
  }
}
