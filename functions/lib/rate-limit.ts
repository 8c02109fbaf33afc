import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One window of the fixed-window counter, in seconds. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** What one request's check answers. */
export type RateDecision = { readonly allowed: true; readonly count: number } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Counts a caller's requests; the handler chain asks it once per request. */
export interface RateLimiter {
  /** Counts one request of `caller` against `limit` per window; refused once the window holds `limit`. */
  take(caller: string, limit: number): Promise<RateDecision>;
}

/**
 * A fixed-window counter per caller in its own DynamoDB table (the
 * `RateLimitTable` of the registry, which API functions may only UpdateItem):
 * one item per caller and minute, `pk = <caller>#<window start>`, incremented
 * by a conditional UpdateItem that fails once the count reached the limit, and
 * removed by DynamoDB's TTL (`expiresAt`) a window after it ends. One write per
 * request, no read; the condition makes concurrent requests count exactly.
 *
 * HTTP APIs have no usage plans or per-client throttling (those are REST API
 * features), so the per-caller limit lives in the handler chain, where it
 * holds the same on AWS and on the local cloud.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async take(caller: string, limit: number): Promise<RateDecision> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const windowStart = nowSeconds - (nowSeconds % RATE_LIMIT_WINDOW_SECONDS);
    const windowEnd = windowStart + RATE_LIMIT_WINDOW_SECONDS;
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `${caller}#${windowStart}` },
          UpdateExpression: 'ADD #count :one SET expiresAt = if_not_exists(expiresAt, :ttl)',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': windowEnd + RATE_LIMIT_WINDOW_SECONDS },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { allowed: true, count: Number(Attributes?.count ?? 1) };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
        return { allowed: false, retryAfterSeconds: Math.max(1, windowEnd - nowSeconds) };
      }
      throw error;
    }
  }
}

/** The same counter in memory, for unit tests of handlers and of the chain. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(caller: string, limit: number): Promise<RateDecision> {
    const nowSeconds = Math.floor(this.now() / 1000);
    const windowStart = nowSeconds - (nowSeconds % RATE_LIMIT_WINDOW_SECONDS);
    const key = `${caller}#${windowStart}`;
    const count = this.counts.get(key) ?? 0;
    if (count >= limit) return { allowed: false, retryAfterSeconds: Math.max(1, windowStart + RATE_LIMIT_WINDOW_SECONDS - nowSeconds) };
    this.counts.set(key, count + 1);
    return { allowed: true, count: count + 1 };
  }
}
