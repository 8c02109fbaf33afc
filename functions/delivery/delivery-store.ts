import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Archive } from '#shared/delivery';

/** What delivering an order produced: its ZIP, what was charged and what went back. */
export interface DeliveryRecord {
  readonly orderId: string;
  readonly archive?: Archive;
  readonly charged?: number;
  readonly returned?: number;
  readonly approved?: number;
  readonly deliveredAt?: string;
  /** When the customer was told (the "headshots ready" e-mail), once. */
  readonly notifiedAt?: string;
}

const deliveryKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'DELIVERY' });

export type Deliveries = Pick<DeliveryStore, 'get' | 'saveArchive' | 'recordSettlement' | 'markNotified'>;

/** `ORDER#id / DELIVERY` in the single table: written by the delivery pipeline's steps, read by the gallery and the download. */
export class DeliveryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(orderId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: deliveryKey(orderId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, ...rest } = Item;
    return rest as DeliveryRecord;
  }

  /** Records the order's ZIP; the first one built stays (a retried step reuses it). Answers the archive kept. */
  async saveArchive(orderId: string, archive: Archive): Promise<Archive> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(orderId),
          UpdateExpression: 'SET orderId = :order, #archive = :archive',
          ConditionExpression: 'attribute_not_exists(#archive)',
          // ARCHIVE is a reserved word of DynamoDB expressions.
          ExpressionAttributeNames: { '#archive': 'archive' },
          ExpressionAttributeValues: { ':order': orderId, ':archive': archive },
        }),
      );
      return archive;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(orderId))!.archive!;
    }
  }

  /** Records what the delivery charged and gave back, once. */
  async recordSettlement(orderId: string, settlement: { readonly charged: number; readonly returned: number; readonly approved: number; readonly deliveredAt: string }): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: deliveryKey(orderId),
        UpdateExpression:
          'SET orderId = :order, charged = if_not_exists(charged, :charged), returned = if_not_exists(returned, :returned), approved = if_not_exists(approved, :approved), deliveredAt = if_not_exists(deliveredAt, :at)',
        ExpressionAttributeValues: { ':order': orderId, ':charged': settlement.charged, ':returned': settlement.returned, ':approved': settlement.approved, ':at': settlement.deliveredAt },
      }),
    );
  }

  /** Marks the customer told; false when they were told already (the e-mail goes once). */
  async markNotified(orderId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: deliveryKey(orderId),
          UpdateExpression: 'SET orderId = :order, notifiedAt = :at',
          ConditionExpression: 'attribute_not_exists(notifiedAt)',
          ExpressionAttributeValues: { ':order': orderId, ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
