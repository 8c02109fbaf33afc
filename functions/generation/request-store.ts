import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** How a provider request ended, as its webhook or a status poll reported it. */
export type RequestOutcome = 'OK' | 'ERROR';

/** One request queued at the image provider, kept until its step has collected the result. */
export interface ProviderRequestRecord {
  readonly requestId: string;
  readonly endpoint: string;
  readonly kind: 'train' | 'generate';
  readonly orderId: string;
  /** The slot holder under the provider's limits (`<order>/train`, `<order>/<batch>/<attempt>`). */
  readonly holder: string;
  /** The batch's ID for a generation. */
  readonly batchId?: string;
  readonly attempt?: number;
  readonly seed?: number;
  readonly prompt?: string;
  /** The provider's list price of the call, US dollars (finance reads it per image). */
  readonly listPriceUsd: number;
  readonly submittedAt: string;
  /** The task token of the step waiting for the outcome (the latest, after a poll sent it back to wait). */
  readonly taskToken?: string;
  readonly outcome?: RequestOutcome;
  readonly outcomeAt?: string;
  /** `webhook` or `poll`: who reported the outcome first. */
  readonly reportedBy?: 'webhook' | 'poll';
}

/** How often a holder's requests failed at the provider (a failed training or batch is queued again a few times). */
export interface HolderTries {
  readonly holder: string;
  readonly failures: number;
}

const requestKey = (requestId: string) => ({ pk: `PROVIDER_REQUEST#${requestId}`, sk: 'REQUEST' });
const holderKey = (holder: string) => ({ pk: `PROVIDER_HOLDER#${holder}`, sk: 'HOLDER' });

export type ProviderRequests = Pick<RequestStore, 'record' | 'get' | 'forHolder' | 'attachToken' | 'recordOutcome' | 'countFailure'>;

/**
 * Provider requests in the single table, by the provider's request ID (what a
 * webhook names), and the latest request of each slot holder (so a retried
 * submit step finds the request it queued already). The outcome is written
 * once: the first report (webhook or poll) wins, later ones are duplicates.
 */
export class RequestStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a queued request, and makes it its holder's latest. */
  async record(request: ProviderRequestRecord): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...requestKey(request.requestId), ...request } }));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: holderKey(request.holder),
        UpdateExpression: 'SET requestId = :id, endpoint = :endpoint, submittedAt = :at',
        ExpressionAttributeValues: { ':id': request.requestId, ':endpoint': request.endpoint, ':at': request.submittedAt },
      }),
    );
  }

  async get(requestId: string): Promise<ProviderRequestRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: requestKey(requestId), ConsistentRead: true }));
    return Item ? strip(Item) : undefined;
  }

  /** The holder's latest request that has not ended in an error (a retried submit step reuses it), if any. */
  async forHolder(holder: string): Promise<ProviderRequestRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: holderKey(holder), ConsistentRead: true }));
    if (!Item?.requestId) return undefined;
    const request = await this.get(String(Item.requestId));
    return request?.outcome === 'ERROR' ? undefined : request;
  }

  /** Stores the waiting step's token; answers the record as it is now (with the outcome, if it came first). */
  async attachToken(requestId: string, taskToken: string): Promise<ProviderRequestRecord | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requestKey(requestId),
          UpdateExpression: 'SET taskToken = :token',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':token': taskToken },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? strip(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Records how the request ended, once. `first` is false for a duplicate (the
   * outcome was recorded already) and `record` undefined for a request this
   * table does not know.
   */
  async recordOutcome(requestId: string, outcome: RequestOutcome, reportedBy: 'webhook' | 'poll', at = new Date().toISOString()): Promise<{ first: boolean; record?: ProviderRequestRecord }> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: requestKey(requestId),
          UpdateExpression: 'SET outcome = :outcome, outcomeAt = :at, reportedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
          ExpressionAttributeValues: { ':outcome': outcome, ':at': at, ':by': reportedBy },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { first: true, record: Attributes ? strip(Attributes) : undefined };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { first: false, record: await this.get(requestId) };
    }
  }

  /** Counts one more failed request of a holder's; answers the count so far. */
  async countFailure(holder: string): Promise<number> {
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: holderKey(holder),
        UpdateExpression: 'ADD failures :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.failures ?? 1);
  }
}

function strip(item: Record<string, unknown>): ProviderRequestRecord {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as ProviderRequestRecord;
}
