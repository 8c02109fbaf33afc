import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** The provider's global limits, across every order at once. */
export const PROVIDER_LIMITS = {
  /** Requests at the provider at the same time (submitted and not yet finished). */
  inFlight: 60,
  /** Requests started in any one calendar second. */
  perSecond: 30,
  /** A slot not released by then is free again (a crashed step never blocks the others for long). */
  leaseMs: 15 * 60 * 1000,
} as const;

export interface Limits {
  readonly inFlight: number;
  readonly perSecond: number;
  readonly leaseMs: number;
}

/** Why no slot was given: all are leased, or this second's starts are used up. The caller retries later (the state machine's Retry, with jitter). */
export type SlotRefusal = 'NO_SLOT' | 'RATE_LIMITED';

export type SlotAnswer = { readonly granted: true; readonly expiresAt: number } | { readonly granted: false; readonly reason: SlotRefusal };

const semaphoreKey = (provider: string) => ({ pk: `LIMIT#${provider}`, sk: 'SEMAPHORE' });
const secondKey = (provider: string, second: number) => ({ pk: `LIMIT#${provider}`, sk: `SECOND#${second}` });

const failedCondition = (error: unknown) => error instanceof ConditionalCheckFailedException;
/** Setting a key of a map that does not exist yet: DynamoDB's "document path … invalid" ValidationException (a missing map also fails a `size()` condition that way or as a failed condition). */
const isMissingMap = (error: unknown) => error instanceof Error && error.name === 'ValidationException' && /document path/i.test(error.message);

/**
 * The provider's global limits in the single table, the same on AWS and on
 * the local cloud:
 *
 * - **Slots** (at most `inFlight` requests at the provider): one item holds a
 *   map of holder → lease expiry. Taking a slot is one conditional update
 *   (`size(holders) < inFlight`, or the holder has one already, so a retried
 *   step takes the same slot); a full semaphore first drops expired leases,
 *   each removal conditioned on the expiry it read, so a renewed lease is never
 *   dropped. Releasing removes the holder; releasing twice is harmless.
 * - **Starts per second** (at most `perSecond`): a counter per calendar
 *   second, incremented with `count < perSecond` as its condition and expiring
 *   through the table's TTL a minute later.
 *
 * A slot is taken before the start is counted; a start refused for the
 * second gives its slot back, so a refusal holds nothing.
 */
export class ProviderLimits {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly provider: string,
    private readonly limits: Limits = PROVIDER_LIMITS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes a slot for `holder` (a request's own ID: its order, style, pose batch) and counts its start. */
  async acquire(holder: string): Promise<SlotAnswer> {
    const slot = await this.takeSlot(holder);
    if (!slot.granted) return slot;
    if (await this.countStart()) return slot;
    await this.release(holder);
    return { granted: false, reason: 'RATE_LIMITED' };
  }

  /** Frees the holder's slot (the provider finished, failed, or the step gave up). */
  async release(holder: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: semaphoreKey(this.provider),
        UpdateExpression: 'REMOVE holders.#holder',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#holder': holder },
      }),
    ).catch((error: unknown) => {
      if (!failedCondition(error)) throw error;
    });
  }

  /** Holders and their lease expiries, as stored (expired leases included until someone needs their slot). */
  async holders(): Promise<Record<string, number>> {
    return (await this.stored()) ?? {};
  }

  private async takeSlot(holder: string): Promise<SlotAnswer> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const expiresAt = this.now() + this.limits.leaseMs;
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: semaphoreKey(this.provider),
            UpdateExpression: 'SET holders.#holder = :expiresAt',
            ConditionExpression: 'size(holders) < :max OR attribute_exists(holders.#holder)',
            ExpressionAttributeNames: { '#holder': holder },
            ExpressionAttributeValues: { ':expiresAt': expiresAt, ':max': this.limits.inFlight },
          }),
        );
        return { granted: true, expiresAt };
      } catch (error) {
        if (isMissingMap(error)) {
          await this.createSemaphore();
          continue;
        }
        if (!failedCondition(error)) throw error;
      }
      // Refused: the semaphore does not exist yet (the first taker creates it), or it is full:
      // free the leases that ran out and try again; none ran out, none to give.
      const stored = await this.stored();
      if (!stored) {
        await this.createSemaphore();
        continue;
      }
      // Not full any more (a slot was released, or the semaphore was being created as we asked): ask again.
      if (Object.keys(stored).length < this.limits.inFlight) continue;
      if (!(await this.dropExpired(stored))) return { granted: false, reason: 'NO_SLOT' };
    }
    return { granted: false, reason: 'NO_SLOT' };
  }

  /** The semaphore's item with an empty map, once (the first taker ever creates it). */
  private async createSemaphore(): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: semaphoreKey(this.provider),
          UpdateExpression: 'SET holders = :empty',
          ConditionExpression: 'attribute_not_exists(holders)',
          ExpressionAttributeValues: { ':empty': {} },
        }),
      )
      .catch((error: unknown) => {
        if (!failedCondition(error)) throw error;
      });
  }

  /** The semaphore's map as stored, or undefined before anyone took a slot. */
  private async stored(): Promise<Record<string, number> | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: semaphoreKey(this.provider), ConsistentRead: true }));
    return Item?.holders as Record<string, number> | undefined;
  }

  /** Removes expired leases, each only if it still holds the expiry read; answers how many went. */
  private async dropExpired(holders: Record<string, number>): Promise<number> {
    const now = this.now();
    const expired = Object.entries(holders).filter(([, expiresAt]) => expiresAt <= now);
    let dropped = 0;
    for (const [holder, expiresAt] of expired) {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: semaphoreKey(this.provider),
            UpdateExpression: 'REMOVE holders.#holder',
            ConditionExpression: 'holders.#holder = :expiresAt',
            ExpressionAttributeNames: { '#holder': holder },
            ExpressionAttributeValues: { ':expiresAt': expiresAt },
          }),
        );
        dropped += 1;
      } catch (error) {
        // Renewed or released meanwhile: not ours to drop.
        if (!failedCondition(error)) throw error;
      }
    }
    return dropped;
  }

  /** Counts one start in this calendar second, unless it had its share already. */
  private async countStart(): Promise<boolean> {
    const nowMs = this.now();
    const second = Math.floor(nowMs / 1000);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: secondKey(this.provider, second),
          UpdateExpression: 'SET expiresAt = :expires ADD starts :one',
          ConditionExpression: 'attribute_not_exists(starts) OR starts < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': this.limits.perSecond, ':expires': second + 60 },
        }),
      );
      return true;
    } catch (error) {
      if (failedCondition(error)) return false;
      throw error;
    }
  }
}
