import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ImageReview, ReviewDecisionInput, ReviewSummary } from '#shared/api/review';

/** An order at the review gate, as stored. The task token never leaves the backend. */
export interface ReviewRecord {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: 'WAITING' | 'DELIVERING' | 'DELIVERED' | 'CLOSED';
  readonly waitingSince: string;
  readonly toDecide: number;
  readonly approved: number;
  readonly rejected: number;
  /** Bumped by every decision and assignment: delivery is claimed against the version it checked. */
  readonly version: number;
  readonly assignedTo?: string;
  readonly assignedEmail?: string;
  readonly assignedAt?: string;
  readonly assignedBy?: string;
  readonly deliveredBy?: string;
  readonly deliveredAt?: string;
  readonly taskToken?: string;
}

/** Why the store refused a change, for the handler to answer in the caller's words. */
export class ReviewConflictError extends Error {
  constructor(
    readonly reason: 'NOT_IN_REVIEW' | 'ALREADY_ASSIGNED' | 'IMAGE_NOT_FOUND' | 'IMAGE_SET_ASIDE' | 'CHANGED',
    message: string,
  ) {
    super(message);
    this.name = 'ReviewConflictError';
  }
}

const reviewKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'REVIEW' });
const imageKey = (orderId: string, imageId: string) => ({ pk: `ORDER#${orderId}`, sk: `IMAGE#${imageId}` });
/** Orders waiting for review, oldest first, in the status index (sparse: an order leaves it when it is delivered or closed). */
export const WAITING_PARTITION = 'REVIEW#WAITING';

export type Reviews = Pick<ReviewStore, 'open' | 'get' | 'listWaiting' | 'assign' | 'decide' | 'claimDelivery' | 'restoreDelivery' | 'markDelivered' | 'close'>;

export function toSummary(record: ReviewRecord): ReviewSummary {
  return {
    orderId: record.orderId,
    ...(record.assignedTo && { assignedTo: record.assignedTo }),
    ...(record.assignedEmail && { assignedEmail: record.assignedEmail }),
    ...(record.assignedAt && { assignedAt: record.assignedAt }),
    waitingSince: record.waitingSince,
    toDecide: record.toDecide,
    approved: record.approved,
    rejected: record.rejected,
    delivered: record.status === 'DELIVERING' || record.status === 'DELIVERED',
  };
}

/**
 * The review gate in the single table: `ORDER#id / REVIEW` holds the task
 * token, the assignment and the counts of decisions; each image's decision is
 * written on its image item (`ORDER#id / IMAGE#…`) in the same transaction as
 * the counts, so the counts never drift from the decisions.
 */
export class ReviewStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /**
   * Opens the gate for an order (the pipeline's waiting step): stores the task
   * token and how many images need a decision. A retried step replaces the
   * token and keeps every decision and the assignment; a delivered or closed
   * review is refused.
   */
  async open(review: { readonly orderId: string; readonly customerId: string; readonly toDecide: number; readonly taskToken: string }): Promise<ReviewRecord> {
    const at = this.now();
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reviewKey(review.orderId),
          UpdateExpression:
            'SET orderId = :order, customerId = :customer, #status = :waiting, taskToken = :token, toDecide = :toDecide, waitingSince = if_not_exists(waitingSince, :at), ' +
            'approved = if_not_exists(approved, :zero), rejected = if_not_exists(rejected, :zero), version = if_not_exists(version, :zero), gsi2pk = :partition, gsi2sk = if_not_exists(gsi2sk, :sort)',
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :waiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':order': review.orderId,
            ':customer': review.customerId,
            ':waiting': 'WAITING',
            ':token': review.taskToken,
            ':toDecide': review.toDecide,
            ':at': at,
            ':zero': 0,
            ':partition': WAITING_PARTITION,
            ':sort': `${at}#${review.orderId}`,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ReviewConflictError('NOT_IN_REVIEW', `Order ${review.orderId} was delivered or closed already.`);
      throw error;
    }
  }

  async get(orderId: string): Promise<ReviewRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: reviewKey(orderId), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /** Orders waiting for review, oldest first; `assignedTo` keeps one artist's (or, with null, nobody's). */
  async listWaiting(page: { readonly limit: number; readonly startKey?: Record<string, unknown>; readonly assignedTo?: string | null }): Promise<{ items: ReviewRecord[]; lastKey?: Record<string, unknown> }> {
    const filter =
      page.assignedTo === null
        ? { FilterExpression: 'attribute_not_exists(assignedTo)' }
        : page.assignedTo !== undefined
          ? { FilterExpression: 'assignedTo = :artist', ExpressionAttributeValues: { ':artist': page.assignedTo } }
          : {};
    const { Items = [], LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :partition',
        ...filter,
        ExpressionAttributeValues: { ':partition': WAITING_PARTITION, ...filter.ExpressionAttributeValues },
        Limit: page.limit,
        ExclusiveStartKey: page.startKey,
      }),
    );
    return { items: Items.map(toRecord), ...(LastEvaluatedKey && { lastKey: LastEvaluatedKey }) };
  }

  /**
   * Assigns an artist. `onlyIfFree` (an artist taking an order for
   * themselves) refuses with ALREADY_ASSIGNED when someone else has it.
   */
  async assign(orderId: string, artist: { readonly sub: string; readonly email?: string }, by: string, onlyIfFree: boolean): Promise<ReviewRecord> {
    const values: Record<string, unknown> = { ':artist': artist.sub, ':by': by, ':at': this.now(), ':waiting': 'WAITING', ':one': 1 };
    if (artist.email) values[':email'] = artist.email;
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reviewKey(orderId),
          UpdateExpression: artist.email
            ? 'SET assignedTo = :artist, assignedBy = :by, assignedAt = :at, assignedEmail = :email ADD version :one'
            : 'SET assignedTo = :artist, assignedBy = :by, assignedAt = :at REMOVE assignedEmail ADD version :one',
          ConditionExpression: `#status = :waiting${onlyIfFree ? ' AND (attribute_not_exists(assignedTo) OR assignedTo = :artist)' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(orderId);
      if (current?.status === 'WAITING') throw new ReviewConflictError('ALREADY_ASSIGNED', 'Another artist reviews this order.');
      throw new ReviewConflictError('NOT_IN_REVIEW', `Order ${orderId} is not waiting for review.`);
    }
  }

  /**
   * Records a decision on one image and counts it, in one transaction. Only
   * while the order waits for review, only on an image the identity lock
   * kept, and (with `artist`) only by the artist the order is assigned to.
   * A changed decision moves the count; the same decision again changes nothing.
   */
  async decide(orderId: string, imageId: string, decision: ReviewDecisionInput, by: string, options: { readonly artist?: boolean } = {}): Promise<{ review: ImageReview; summary: ReviewRecord }> {
    for (let attempt = 0; ; attempt++) {
      const [image, record] = await Promise.all([this.imageOf(orderId, imageId), this.get(orderId)]);
      if (!image || !record || (options.artist && record.assignedTo !== by)) {
        throw new ReviewConflictError('IMAGE_NOT_FOUND', 'The order in review has no image with this ID.');
      }
      if (record.status !== 'WAITING') throw new ReviewConflictError('NOT_IN_REVIEW', `Order ${orderId} is not waiting for review.`);
      if (image.status !== 'KEPT') throw new ReviewConflictError('IMAGE_SET_ASIDE', 'The identity lock set this image aside; it cannot be reviewed.');
      const review: ImageReview = {
        decision: decision.decision,
        ...(decision.decision === 'reject' && { reason: decision.reason }),
        by,
        at: this.now(),
      };
      const previous = image.review?.decision;
      const delta = (d: 'approve' | 'reject') => (decision.decision === d ? 1 : 0) - (previous === d ? 1 : 0);
      const values: Record<string, unknown> = { ':review': review, ':kept': 'KEPT' };
      if (previous) values[':previous'] = previous;
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: imageKey(orderId, imageId),
                  UpdateExpression: 'SET review = :review',
                  ConditionExpression: `#status = :kept AND ${previous ? 'review.decision = :previous' : 'attribute_not_exists(review)'}`,
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: values,
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: reviewKey(orderId),
                  UpdateExpression: 'ADD approved :approved, rejected :rejected, version :one',
                  ConditionExpression: `#status = :waiting${options.artist ? ' AND assignedTo = :by' : ''}`,
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':approved': delta('approve'),
                    ':rejected': delta('reject'),
                    ':one': 1,
                    ':waiting': 'WAITING',
                    ...(options.artist && { ':by': by }),
                  },
                },
              },
            ],
          }),
        );
        return { review, summary: (await this.get(orderId))! };
      } catch (error) {
        // Someone decided the same image, or the order left review, between the read and the write: read again.
        if (error instanceof TransactionCanceledException && attempt < 4) continue;
        if (error instanceof TransactionCanceledException) throw new ReviewConflictError('CHANGED', 'The image or its order kept changing; try again.');
        throw error;
      }
    }
  }

  /**
   * Takes the task token to deliver the order, once: only while it waits,
   * and only if no decision or assignment changed since `version` was read.
   * The review leaves the waiting list.
   */
  async claimDelivery(orderId: string, version: number, by: string, options: { readonly artist?: boolean } = {}): Promise<string> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reviewKey(orderId),
          UpdateExpression: 'SET #status = :delivering, deliveredBy = :by, deliveredAt = :at REMOVE taskToken, gsi2pk, gsi2sk',
          ConditionExpression: `#status = :waiting AND version = :version AND attribute_exists(taskToken)${options.artist ? ' AND assignedTo = :by' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':delivering': 'DELIVERING', ':waiting': 'WAITING', ':version': version, ':by': by, ':at': this.now() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes!.taskToken as string;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ReviewConflictError('CHANGED', `Order ${orderId} changed or left review while it was being delivered.`);
      throw error;
    }
  }

  /** Puts a claimed token back when resuming the pipeline failed transiently. */
  async restoreDelivery(orderId: string, taskToken: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: reviewKey(orderId),
        UpdateExpression: 'SET #status = :waiting, taskToken = :token, gsi2pk = :partition, gsi2sk = :sort REMOVE deliveredBy, deliveredAt',
        ConditionExpression: '#status = :delivering',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':waiting': 'WAITING', ':delivering': 'DELIVERING', ':token': taskToken, ':partition': WAITING_PARTITION, ':sort': `${this.now()}#${orderId}` },
      }),
    );
  }

  /** The pipeline delivered the order. Idempotent. */
  async markDelivered(orderId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: reviewKey(orderId),
        UpdateExpression: 'SET #status = :delivered',
        ConditionExpression: '#status IN (:delivering, :delivered)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':delivered': 'DELIVERED', ':delivering': 'DELIVERING' },
      }),
    );
  }

  /** The order left review another way (it failed, or the wait timed out): off the waiting list, no token. Idempotent; nothing to close is fine. */
  async close(orderId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reviewKey(orderId),
          UpdateExpression: 'SET #status = :closed REMOVE taskToken, gsi2pk, gsi2sk',
          ConditionExpression: 'attribute_exists(pk) AND #status <> :delivered',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':closed': 'CLOSED', ':delivered': 'DELIVERED' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async imageOf(orderId: string, imageId: string): Promise<{ status: string; review?: ImageReview } | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: imageKey(orderId, imageId), ConsistentRead: true, ProjectionExpression: '#status, review', ExpressionAttributeNames: { '#status': 'status' } }),
    );
    return Item as { status: string; review?: ImageReview } | undefined;
  }
}

function toRecord(item: Record<string, unknown>): ReviewRecord {
  const { pk: _pk, sk: _sk, gsi2pk: _p, gsi2sk: _s, ...rest } = item;
  return rest as unknown as ReviewRecord;
}
