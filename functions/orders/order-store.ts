import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { decodeCursor, encodeCursor } from '#lib/cursor';
import { DEFAULT_STORAGE_VERSION } from '#functions/generation/layout';
import {
  EDITABLE_STATUSES,
  isTerminal,
  MAX_OPEN_ORDERS,
  isOpen,
  type OpenStatus,
  type OrderedStyle,
  type OrderStatus,
  type OrderView,
  type StylePlan,
  type TimelineEntry,
} from '#shared/orders';

/** Raised when an order is not in a state that allows the requested change. */
export class OrderConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderConflictError';
  }
}

/** Raised when a customer already has as many orders in progress as allowed. */
export class TooManyOpenOrdersError extends Error {
  constructor(readonly limit: number) {
    super(`The customer already has ${limit} orders in progress.`);
    this.name = 'TooManyOpenOrdersError';
  }
}

export interface NewOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly studioId: string;
  readonly studioName: string;
  readonly styleDetails: readonly OrderedStyle[];
  readonly note?: string;
  /** The wallet that pays: the customer's own unless an organisation's was chosen. */
  readonly walletId?: string;
  /** The engine preset chosen for the order (the default one when absent). */
  readonly engine?: string;
  readonly createdAt: string;
}

/** The stored order item: the view plus backend-only attributes. */
export interface OrderRecord extends Omit<OrderView, 'plans' | 'execution' | 'photos'> {
  /** How many times the order was submitted; names each pipeline execution. */
  readonly submissions?: number;
  readonly executionArn?: string;
  readonly taskToken?: string;
  readonly decidedBy?: string;
  /** The storage layout the order's images are kept under (`functions/generation/layout.ts`): the default when the order was created (production records it for older orders). */
  readonly storageVersion?: number;
}

/** One page of a list, and the cursor of the next while more remain. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
/** One item per customer counts their orders in progress. */
const openOrdersKey = (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'OPEN_ORDERS' });

/** Whether the n-th item of a cancelled transaction failed its condition. */
const conditionFailed = (error: unknown, item: number) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[item]?.Code === 'ConditionalCheckFailed';

/** What handlers need of the order store; tests hand them an in-memory fake with the same behaviour. */
export type Orders = Pick<
  OrderStore,
  | 'create'
  | 'get'
  | 'openOrderCount'
  | 'plans'
  | 'listByCustomer'
  | 'listByStatus'
  | 'savePlan'
  | 'startProduction'
  | 'submit'
  | 'setExecutionArn'
  | 'transition'
  | 'claimTaskToken'
  | 'restoreTaskToken'
>;

/**
 * Orders in the single table. Keys: `ORDER#id / ORDER` for the order,
 * `ORDER#id / PLAN#nn` for its style plans, `CUSTOMER#sub / OPEN_ORDERS` for
 * the count of a customer's orders in progress; gsi1 lists a customer's
 * orders, gsi2 lists the orders in progress by status for the admin queue (a
 * sparse index: an order leaves it when it ends).
 */
export class OrderStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Orders one customer may have in progress at once. */
    private readonly maxOpenOrders = MAX_OPEN_ORDERS,
  ) {}

  /**
   * Stores a new order and counts it among its customer's orders in progress,
   * in one transaction: throws {@link TooManyOpenOrdersError} (writing nothing)
   * when the customer is at the limit, and DynamoDB's
   * ConditionalCheckFailedException when the order ID exists.
   */
  async create(order: NewOrder): Promise<OrderRecord> {
    const record = draftRecord(order);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...orderKey(order.orderId),
                  ...record,
                  gsi1pk: `CUSTOMER#${order.customerId}`,
                  gsi1sk: `${order.createdAt}#${order.orderId}`,
                  gsi2pk: 'STATUS#DRAFT',
                  gsi2sk: `${order.createdAt}#${order.orderId}`,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: openOrdersKey(order.customerId),
                UpdateExpression: 'SET openOrders = if_not_exists(openOrders, :zero) + :one',
                ConditionExpression: 'attribute_not_exists(openOrders) OR openOrders < :max',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': this.maxOpenOrders },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 0)) throw new ConditionalCheckFailedException({ message: `Order ${order.orderId} exists`, $metadata: {} });
      if (conditionFailed(error, 1)) throw new TooManyOpenOrdersError(this.maxOpenOrders);
      throw error;
    }
    return record;
  }

  /** How many of a customer's orders are in progress (drafts included): the counter creating and ending orders keep. */
  async openOrderCount(customerId: string): Promise<number> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: openOrdersKey(customerId), ConsistentRead: true }));
    return typeof Item?.openOrders === 'number' ? Item.openOrders : 0;
  }

  async get(orderId: string): Promise<OrderRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId) }));
    return Item ? toRecord(Item) : undefined;
  }

  async plans(orderId: string): Promise<StylePlan[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :plan)',
        ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':plan': 'PLAN#' },
      }),
    );
    return Items.map((i) => ({
      styleId: i.styleId,
      position: i.position,
      prompt: i.prompt,
      images: i.images,
      batches: i.batches,
      ...(Array.isArray(i.poses) ? { poses: i.poses } : {}),
    }));
  }

  /** A customer's orders, newest first. */
  async listByCustomer(customerId: string, page: PageRequest): Promise<Page<OrderRecord>> {
    return this.queryIndex({ index: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', value: `CUSTOMER#${customerId}` }, page);
  }

  /** Orders in progress in one status, newest first (the admin queue). */
  async listByStatus(status: OpenStatus, page: PageRequest): Promise<Page<OrderRecord>> {
    return this.queryIndex({ index: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', value: `STATUS#${status}` }, page);
  }

  /**
   * Records what the production of a confirmed order will make: its engine and
   * how many images are planned. The counts of images done, kept and rejected
   * start at 0 once (the image store adds to them as images are recorded).
   */
  async startProduction(orderId: string, production: { readonly engine: string; readonly imagesPlanned: number; readonly storageVersion: number }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderId),
        UpdateExpression:
          'SET engine = :engine, imagesPlanned = :planned, imagesDone = if_not_exists(imagesDone, :zero), imagesKept = if_not_exists(imagesKept, :zero), imagesRejected = if_not_exists(imagesRejected, :zero), storageVersion = if_not_exists(storageVersion, :storage)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':engine': production.engine, ':planned': production.imagesPlanned, ':zero': 0, ':storage': production.storageVersion },
      }),
    );
  }

  async savePlan(orderId: string, plan: StylePlan): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `ORDER#${orderId}`, sk: `PLAN#${String(plan.position).padStart(2, '0')}`, ...plan },
      }),
    );
  }

  /**
   * Moves an editable order that holds photos to VALIDATING and counts the
   * submission, answering its number (which names the pipeline execution).
   * Throws {@link OrderConflictError} when the order is not editable or holds
   * no photos.
   */
  async submit(orderId: string): Promise<{ submission: number; record: OrderRecord }> {
    const at = new Date().toISOString();
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderId),
          UpdateExpression:
            'SET #status = :to, updatedAt = :at, timeline = list_append(timeline, :entry), gsi2pk = :gsi2pk, submissions = if_not_exists(submissions, :zero) + :one REMOVE #missing',
          ConditionExpression: `#status IN (${EDITABLE_STATUSES.map((_, i) => `:from${i}`).join(', ')}) AND photoCount > :zero`,
          ExpressionAttributeNames: { '#status': 'status', '#missing': 'missing' },
          ExpressionAttributeValues: {
            ':to': 'VALIDATING',
            ':at': at,
            ':entry': [{ status: 'VALIDATING', at }],
            ':gsi2pk': 'STATUS#VALIDATING',
            ':zero': 0,
            ':one': 1,
            ...Object.fromEntries(EDITABLE_STATUSES.map((status, i) => [`:from${i}`, status])),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const record = toRecord(Attributes!);
      return { submission: record.submissions ?? 1, record };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new OrderConflictError(`Order ${orderId} is not an editable order with photos.`);
      throw error;
    }
  }

  async setExecutionArn(orderId: string, executionArn: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderId),
        UpdateExpression: 'SET executionArn = :arn',
        // Never create a bare item for an order that does not exist.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':arn': executionArn },
      }),
    );
  }

  /**
   * Moves an order to `to` if its status is one of `from`, appending to the
   * timeline. Throws {@link OrderConflictError} otherwise, so concurrent or
   * repeated steps cannot move an order backwards.
   */
  async transition(
    orderId: string,
    from: readonly OrderStatus[],
    to: OrderStatus,
    extra: { taskToken?: string; failureReason?: string; detail?: string; missing?: string } = {},
  ): Promise<void> {
    const at = new Date().toISOString();
    const entry: TimelineEntry = extra.detail ? { status: to, at, detail: extra.detail } : { status: to, at };
    const ends = isTerminal(to);
    const values: Record<string, unknown> = { ':to': to, ':at': at, ':entry': [entry] };
    const sets = ['#status = :to', 'updatedAt = :at', 'timeline = list_append(timeline, :entry)'];
    // An order that ends leaves the status index (sparse), so the admin queue never pages through finished orders.
    const removes: string[] = ends ? ['gsi2pk', 'gsi2sk'] : [];
    if (!ends) {
      sets.push('gsi2pk = :gsi2pk');
      values[':gsi2pk'] = `STATUS#${to}`;
    }
    if (extra.taskToken) {
      sets.push('taskToken = :token');
      values[':token'] = extra.taskToken;
    } else {
      removes.push('taskToken');
    }
    if (extra.missing) {
      sets.push('#missing = :missing');
      values[':missing'] = extra.missing;
    } else {
      removes.push('#missing');
    }
    if (extra.failureReason) {
      sets.push('failureReason = :reason');
      values[':reason'] = extra.failureReason;
    }
    from.forEach((status, i) => (values[`:from${i}`] = status));
    const update = {
      TableName: this.tableName,
      Key: orderKey(orderId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
      // MISSING is a reserved word of DynamoDB expressions.
      ExpressionAttributeNames: { '#status': 'status', '#missing': 'missing' },
      ExpressionAttributeValues: values,
    };
    const conflict = () => new OrderConflictError(`Order ${orderId} is not in ${from.join(' or ')}; cannot move it to ${to}.`);
    const updateAlone = async () => {
      try {
        await this.doc.send(new UpdateCommand(update));
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw conflict();
        throw error;
      }
    };
    // Leaving the orders in progress (confirmed, or ended before that) frees one of the customer's places, once:
    // a confirmed order that fails later in production had freed it already.
    const leavesOpen = !isOpen(to) && from.every(isOpen);
    const customerId = leavesOpen ? (await this.get(orderId))?.customerId : undefined;
    if (!customerId) return updateAlone();
    // In the same transaction.
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: update },
            {
              Update: {
                TableName: this.tableName,
                Key: openOrdersKey(customerId),
                UpdateExpression: 'SET openOrders = openOrders - :one',
                ConditionExpression: 'openOrders > :zero',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 0)) throw conflict();
      if (!conditionFailed(error, 1)) throw error;
      // No slot to free (an order stored before slots were counted): end the order alone.
      await updateAlone();
    }
  }

  /**
   * Atomically takes the task token of an order waiting for confirmation, so
   * two admins deciding at once cannot both resume the same execution.
   */
  async claimTaskToken(orderId: string, decidedBy: string): Promise<string> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(orderId),
          UpdateExpression: 'SET decidedBy = :by REMOVE taskToken',
          ConditionExpression: '#status = :pending AND attribute_exists(taskToken)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':by': decidedBy, ':pending': 'PENDING_EDITOR_CONFIRMATION' },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes!.taskToken as string;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new OrderConflictError(`Order ${orderId} is not waiting for confirmation.`);
      }
      throw error;
    }
  }

  /** Puts a claimed token back when resuming the execution failed transiently. */
  async restoreTaskToken(orderId: string, taskToken: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: orderKey(orderId),
        UpdateExpression: 'SET taskToken = :token REMOVE decidedBy',
        ConditionExpression: '#status = :pending AND attribute_not_exists(taskToken)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':token': taskToken, ':pending': 'PENDING_EDITOR_CONFIRMATION' },
      }),
    );
  }

  private async queryIndex(
    key: { readonly index: string; readonly partitionKey: string; readonly sortKey: string; readonly value: string },
    page: PageRequest,
  ): Promise<Page<OrderRecord>> {
    // A GSI's LastEvaluatedKey holds the table key and the index key.
    const startKey = decodeCursor(page.cursor, {
      attributes: ['pk', 'sk', key.partitionKey, key.sortKey],
      partition: { [key.partitionKey]: key.value },
    });
    // One item more than the page: DynamoDB hands out a LastEvaluatedKey whenever a page fills,
    // even when nothing follows, so the extra item is what proves a next page exists.
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: key.index,
        KeyConditionExpression: `${key.partitionKey} = :key`,
        ExpressionAttributeValues: { ':key': key.value },
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = Items.slice(0, page.limit);
    const last = items.at(-1);
    const nextCursor =
      Items.length > page.limit && last
        ? encodeCursor({ pk: last.pk, sk: last.sk, [key.partitionKey]: last[key.partitionKey], [key.sortKey]: last[key.sortKey] })
        : undefined;
    return { items: items.map(toRecord), nextCursor };
  }
}

/** A new order as stored: a DRAFT with no photos, its style IDs and price derived from the styles it copied. */
/** Whether a caller may read an order: its customer, or an admin (anyone else is told it does not exist). */
export function readableBy(order: Pick<OrderRecord, 'customerId'>, caller: { readonly sub: string; readonly groups: readonly string[] }): boolean {
  return order.customerId === caller.sub || caller.groups.includes('admins');
}

/** The wallet an order is paid from: recorded with it, or the customer's own for orders placed before wallets. */
export function payingWallet(order: Pick<OrderRecord, 'walletId' | 'customerId'>): string {
  return order.walletId ?? order.customerId;
}

export function draftRecord(order: NewOrder): OrderRecord {
  return {
    ...order,
    walletId: payingWallet(order),
    styleDetails: [...order.styleDetails],
    styles: order.styleDetails.map((style) => style.styleId),
    credits: order.styleDetails.reduce((sum, style) => sum + style.priceCredits, 0),
    photoCount: 0,
    submissions: 0,
    // The layout its images will be stored under, whatever the default is by the time they are made.
    storageVersion: DEFAULT_STORAGE_VERSION,
    status: 'DRAFT',
    updatedAt: order.createdAt,
    timeline: [{ status: 'DRAFT', at: order.createdAt }],
  };
}

function toRecord(item: Record<string, unknown>): OrderRecord {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ...rest } = item;
  return rest as unknown as OrderRecord;
}

/** The customer- and admin-facing view of a stored order: none of the backend-only attributes (the task token above all). */
export function toView(record: OrderRecord): OrderView {
  const { taskToken, executionArn, decidedBy, submissions, storageVersion, ...view } = record;
  return view;
}
