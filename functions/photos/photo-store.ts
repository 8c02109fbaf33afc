import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EDITABLE_STATUSES } from '#shared/orders';
import { type FaceBox, MAX_PHOTOS_PER_ORDER, type PhotoStatus, type PhotoView } from '#shared/photos';

/** Why a photo could not be added to or removed from an order. */
export class PhotoConflictError extends Error {
  constructor(
    readonly reason: 'ORDER_NOT_FOUND' | 'ORDER_NOT_EDITABLE' | 'TOO_MANY_PHOTOS' | 'PHOTO_NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'PhotoConflictError';
  }
}

/** The stored photo: the view's fields plus where its files are. */
export interface PhotoRecord extends Omit<PhotoView, 'url'> {
  readonly orderId: string;
  readonly customerId: string;
  readonly contentType: string;
  readonly size: number;
  /** The upload as the customer sent it; deleted once the photo is checked. */
  readonly originalKey: string;
  /** The normalised JPEG and the square face crop, once accepted. */
  readonly photoKey?: string;
  readonly cropKey?: string;
  /** Perceptual hash of the normalised photo, for near-duplicates. */
  readonly hash?: string;
  /** Stable code of a refusal (`MULTIPLE_FACES`, `TOO_SMALL`, …). */
  readonly code?: string;
}

export type NewPhotoRecord = Pick<PhotoRecord, 'orderId' | 'photoId' | 'customerId' | 'fileName' | 'contentType' | 'size' | 'originalKey' | 'createdAt'>;

/** The verdict of the validation function. */
export type PhotoVerdict =
  | {
      readonly status: 'ACCEPTED';
      readonly photoKey: string;
      readonly cropKey: string;
      readonly hash: string;
      readonly width: number;
      readonly height: number;
      readonly face: FaceBox;
    }
  | { readonly status: 'REJECTED' | 'DUPLICATE'; readonly code: string; readonly reason: string; readonly hash?: string };

const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const photoKey = (orderId: string, photoId: string) => ({ pk: `ORDER#${orderId}`, sk: `PHOTO#${photoId}` });

/** `#status IN (:s0, :s1)` over the editable statuses, with its values. */
const EDITABLE = {
  condition: `#status IN (${EDITABLE_STATUSES.map((_, i) => `:s${i}`).join(', ')})`,
  values: Object.fromEntries(EDITABLE_STATUSES.map((status, i) => [`:s${i}`, status])),
};

const conditionFailed = (error: unknown, item: number) =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[item]?.Code === 'ConditionalCheckFailed';

/** What handlers need of the photo store; unit tests hand them a fake with the same behaviour. */
export type Photos = Pick<PhotoStore, 'create' | 'get' | 'list' | 'delete' | 'startValidation' | 'settle' | 'orderOwner'>;

/**
 * An order's photos in the single table, `ORDER#id / PHOTO#photoId`, beside
 * the order item whose `photoCount` counts them: adding and removing a photo
 * change both in one transaction, so an order never holds more than
 * {@link MAX_PHOTOS_PER_ORDER} photos, and only while it is editable.
 */
export class PhotoStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly maxPhotos = MAX_PHOTOS_PER_ORDER,
  ) {}

  /** Adds an UPLOADING photo to an editable order of its customer with room for it. */
  async create(photo: NewPhotoRecord): Promise<PhotoRecord> {
    const record: PhotoRecord = { ...photo, status: 'UPLOADING', updatedAt: photo.createdAt };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: orderKey(photo.orderId),
                UpdateExpression: 'SET photoCount = if_not_exists(photoCount, :zero) + :one',
                ConditionExpression: `attribute_exists(pk) AND customerId = :customer AND ${EDITABLE.condition} AND (attribute_not_exists(photoCount) OR photoCount < :max)`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': this.maxPhotos, ':customer': photo.customerId, ...EDITABLE.values },
              },
            },
            { Put: { TableName: this.tableName, Item: { ...photoKey(photo.orderId, photo.photoId), ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 0)) throw await this.whyNotEditable(photo.orderId, photo.customerId);
      throw error;
    }
    return record;
  }

  async get(orderId: string, photoId: string): Promise<PhotoRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: photoKey(orderId, photoId), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /** Every photo of an order (at most {@link MAX_PHOTOS_PER_ORDER}, so one page), oldest first. */
  async list(orderId: string): Promise<PhotoRecord[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
        ExpressionAttributeValues: { ':pk': `ORDER#${orderId}`, ':photo': 'PHOTO#' },
        ConsistentRead: true,
      }),
    );
    return Items.map(toRecord).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.photoId.localeCompare(b.photoId));
  }

  /** Removes a photo from an editable order, answering the record removed and the order's new count. */
  async delete(orderId: string, photoId: string): Promise<{ photo: PhotoRecord; photoCount: number }> {
    const photo = await this.get(orderId, photoId);
    if (!photo) throw new PhotoConflictError('PHOTO_NOT_FOUND', 'The order has no such photo.');
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: orderKey(orderId),
                UpdateExpression: 'SET photoCount = photoCount - :one',
                ConditionExpression: `photoCount > :zero AND ${EDITABLE.condition}`,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ...EDITABLE.values },
              },
            },
            { Delete: { TableName: this.tableName, Key: photoKey(orderId, photoId), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      );
    } catch (error) {
      if (conditionFailed(error, 1)) throw new PhotoConflictError('PHOTO_NOT_FOUND', 'The order has no such photo.');
      if (conditionFailed(error, 0)) throw await this.whyNotEditable(orderId);
      throw error;
    }
    // Consistent: an eventually consistent read may still see the count before this delete.
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ProjectionExpression: 'photoCount', ConsistentRead: true }));
    return { photo, photoCount: Number(Item?.photoCount ?? 0) };
  }

  /**
   * Marks an uploaded photo as being checked. False when it is not waiting for
   * its upload (checked already: S3 delivers events at least once; or deleted).
   */
  async startValidation(orderId: string, photoId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: photoKey(orderId, photoId),
          UpdateExpression: 'SET #status = :validating, updatedAt = :at',
          ConditionExpression: '#status IN (:uploading, :validating)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':validating': 'VALIDATING', ':uploading': 'UPLOADING', ':at': new Date().toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Records a verdict on a photo still being checked (or, for DUPLICATE, on an
   * accepted one found to repeat another). False when the photo is gone or has
   * its verdict already.
   */
  async settle(orderId: string, photoId: string, verdict: PhotoVerdict, from: readonly PhotoStatus[] = ['UPLOADING', 'VALIDATING']): Promise<boolean> {
    const fields: Record<string, unknown> = { ...verdict, updatedAt: new Date().toISOString() };
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    // An absent field (a refusal before any hash) is left out, never written as an undefined value.
    const sets = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    from.forEach((status, i) => (values[`:from${i}`] = status));
    names['#status'] = 'status';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: photoKey(orderId, photoId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The customer an order belongs to, or undefined when it does not exist. */
  async orderOwner(orderId: string): Promise<string | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ProjectionExpression: 'customerId' }));
    return Item?.customerId as string | undefined;
  }

  /**
   * The precise reason a change to an order's photos was refused, read after the
   * refusal. With `customerId`, an order of another customer is ORDER_NOT_FOUND
   * whatever its state, so nothing about it (not even that it is full) shows.
   */
  private async whyNotEditable(orderId: string, customerId?: string): Promise<PhotoConflictError> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: orderKey(orderId), ConsistentRead: true }));
    if (!Item || (customerId !== undefined && Item.customerId !== customerId)) return new PhotoConflictError('ORDER_NOT_FOUND', 'No such order.');
    if ((EDITABLE_STATUSES as readonly string[]).includes(String(Item.status)) && Number(Item.photoCount ?? 0) >= this.maxPhotos) {
      return new PhotoConflictError('TOO_MANY_PHOTOS', `An order holds at most ${this.maxPhotos} photos. Remove one before adding another.`);
    }
    return new PhotoConflictError('ORDER_NOT_EDITABLE', 'This order has been sent to the studio; its photos can no longer change.');
  }
}

function toRecord(item: Record<string, unknown>): PhotoRecord {
  const { pk, sk, ...rest } = item;
  return rest as unknown as PhotoRecord;
}

/** The customer-facing view of a photo, with a signed link when it has a normalised copy. */
export function toPhotoView(record: PhotoRecord, url?: string): PhotoView {
  const { orderId, customerId, contentType, size, originalKey, photoKey: _photo, cropKey, hash, code, ...view } = record;
  return url ? { ...view, url } : view;
}

/** Where an order's photos live in the uploads bucket. */
export const photoKeys = (customerId: string, orderId: string, photoId: string) => ({
  original: `originals/${customerId}/${orderId}/${photoId}`,
  photo: `photos/${customerId}/${orderId}/${photoId}.jpg`,
  crop: `crops/${customerId}/${orderId}/${photoId}.jpg`,
});

/** The prefix the validation function listens on. */
export const ORIGINALS_PREFIX = 'originals/';

/** `originals/<customer>/<order>/<photo>` → its parts, or undefined for any other key. */
export function parseOriginalKey(key: string): { customerId: string; orderId: string; photoId: string } | undefined {
  const match = /^originals\/([^/]+)\/([0-9a-f-]{36})\/([0-9a-f-]{36})$/.exec(key);
  return match ? { customerId: match[1]!, orderId: match[2]!, photoId: match[3]! } : undefined;
}
