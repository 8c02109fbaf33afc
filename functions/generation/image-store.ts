import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#lib/query-all';
import type { EngineId, PoseId } from '#shared/generation';
import type { VariantFormat, VariantName } from './layout';

/** One try at a slot: the provider call, its seed, and what the identity lock measured. */
export interface ImageAttempt {
  readonly attempt: number;
  readonly requestId: string;
  readonly seed: number;
  /** Position of the image in its provider call (the provider's seed + index made it). */
  readonly index: number;
  /** Likeness to the customer's selfies, 0..1 (0 when no face was found). */
  readonly similarity: number;
  readonly faceFound: boolean;
  /** How long the likeness check took, ms. */
  readonly likenessMs?: number;
}

export interface StoredVariant {
  readonly name: VariantName;
  readonly format: VariantFormat;
  readonly key: string;
  readonly width: number;
  readonly height: number;
  readonly size: number;
  readonly sha256: string;
  readonly density?: number;
}

/**
 * One image slot of an order (style × pose × slot), recorded once when the
 * identity lock settles it: KEPT (it looks like the customer) or REJECTED
 * (it did not, after every regeneration). Finance reads the list price.
 */
export interface GeneratedImage {
  /** `<style>-<pose>-<slot>`: one per slot, so no slot is recorded twice. */
  readonly imageId: string;
  readonly orderId: string;
  readonly styleId: string;
  readonly poseId: PoseId;
  readonly slot: number;
  readonly status: 'KEPT' | 'REJECTED';
  readonly engine: EngineId;
  readonly endpoint: string;
  /** The provider request, seed and prompt of the image finally recorded (the last attempt). */
  readonly requestId: string;
  readonly seed: number;
  readonly seedIndex: number;
  readonly prompt: string;
  readonly identityScore: number;
  readonly identityThreshold: number;
  /** Every try, oldest first: 1 plus the regenerations. */
  readonly attempts: readonly ImageAttempt[];
  /** When the provider call was queued and when it finished; how long processing took. */
  readonly submittedAt: string;
  readonly generatedAt: string;
  readonly processingMs: number;
  /** The provider's list price of this image across its attempts, US dollars. */
  readonly listPriceUsd: number;
  readonly storageVersion: number;
  readonly variants: readonly StoredVariant[];
  readonly recordedAt: string;
}

/** Counters of the identity lock per engine and style, for the admins' rejection rate. */
export interface LockStats {
  readonly engine: string;
  readonly styleId: string;
  /** Images judged (every attempt). */
  readonly judged: number;
  /** Attempts the lock sent back or rejected. */
  readonly rejected: number;
  /** Slots that ended REJECTED after every regeneration. */
  readonly slotsRejected: number;
}

export const imageIdOf = (styleId: string, poseId: string, slot: number): string => `${styleId}-${poseId}-${slot}`;

const imageKey = (orderId: string, imageId: string) => ({ pk: `ORDER#${orderId}`, sk: `IMAGE#${imageId}` });
const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const statsKey = (engine: string, styleId: string) => ({ pk: 'LOCK_STATS', sk: `ENGINE#${engine}#STYLE#${styleId}` });

export type GeneratedImages = Pick<ImageStore, 'record' | 'list' | 'get'>;

/**
 * Generated images in the single table, under their order. Recording an image
 * also counts it on the order (the "n of m" the order page shows) and in the
 * identity lock's statistics, in one transaction: a retried step that records
 * the same slot again changes nothing.
 */
export class ImageStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Records a settled slot; false when the slot was recorded already. */
  async record(image: GeneratedImage): Promise<boolean> {
    const lockRejections = image.attempts.filter((a) => a.similarity < image.identityThreshold).length;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...imageKey(image.orderId, image.imageId), ...image }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: orderKey(image.orderId),
                UpdateExpression: `ADD imagesDone :one, ${image.status === 'KEPT' ? 'imagesKept' : 'imagesRejected'} :one`,
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: statsKey(image.engine, image.styleId),
                UpdateExpression: 'SET engine = :engine, styleId = :style ADD judged :judged, rejected :rejected, slotsRejected :slot',
                ExpressionAttributeValues: {
                  ':engine': image.engine,
                  ':style': image.styleId,
                  ':judged': image.attempts.length,
                  ':rejected': lockRejections,
                  ':slot': image.status === 'REJECTED' ? 1 : 0,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async get(orderId: string, imageId: string): Promise<GeneratedImage | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: imageKey(orderId, imageId), ConsistentRead: true }));
    return Item ? strip<GeneratedImage>(Item) : undefined;
  }

  /** Every image of an order (at most 5 styles × 9 poses × 3), by image ID. */
  async list(orderId: string): Promise<GeneratedImage[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':prefix': 'IMAGE#' },
      ConsistentRead: true,
    });
    return items.map((item) => strip<GeneratedImage>(item));
  }

  /** The identity lock's counters, per engine and style. */
  async lockStats(): Promise<LockStats[]> {
    const items = await queryAll(this.doc, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'LOCK_STATS' } });
    return items.map((item) => ({
      engine: String(item.engine),
      styleId: String(item.styleId),
      judged: Number(item.judged ?? 0),
      rejected: Number(item.rejected ?? 0),
      slotsRejected: Number(item.slotsRejected ?? 0),
    }));
  }
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
