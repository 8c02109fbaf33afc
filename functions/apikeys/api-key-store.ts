import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ApiKeyScope, MAX_API_KEYS } from '#shared/apikeys';
import type { OrganisationRole } from '#shared/organisations';
import { queryAll } from '#lib/query-all';

/** A key as the table keeps it: the SHA-256 of its secret, never the secret. */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly name: string;
  /** SHA-256 (hex) of the key's secret part. */
  readonly secretHash: string;
  readonly scope: ApiKeyScope;
  /** The organisation of an organisation key. */
  readonly organisationId?: string;
  /** The creator's role in the organisation when they created it. */
  readonly role?: OrganisationRole;
  readonly rateLimitPerMinute: number;
  readonly createdAt: string;
  /** The person the key acts as. */
  readonly createdBy: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
}

export type NewApiKey = Omit<ApiKeyRecord, 'createdAt' | 'revokedAt' | 'revokedBy'>;

/** Who holds a key: a person (personal keys) or an organisation. */
export type KeyHolder = { readonly kind: 'person'; readonly id: string } | { readonly kind: 'organisation'; readonly id: string };

export class ApiKeyError extends Error {
  constructor(
    readonly reason: 'TOO_MANY_API_KEYS' | 'API_KEY_NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'ApiKeyError';
  }
}

/** What handlers and the authorizer need of the store; unit tests hand them a fake with the same behaviour. */
export type ApiKeys = Pick<ApiKeyStore, 'create' | 'get' | 'list' | 'revoke'>;

export const holderOf = (key: Pick<ApiKeyRecord, 'scope' | 'organisationId' | 'createdBy'>): KeyHolder =>
  key.scope === 'organisation' && key.organisationId ? { kind: 'organisation', id: key.organisationId } : { kind: 'person', id: key.createdBy };

const keyItem = (keyId: string) => ({ pk: `APIKEY#${keyId}`, sk: 'KEY' });
/** The holder's list of live keys on gsi1, and its counter of live keys. */
const holderPartition = (holder: KeyHolder) => `APIKEYS#${holder.kind === 'person' ? 'PERSON' : 'ORG'}#${holder.id}`;
const counterItem = (holder: KeyHolder) => ({ pk: holderPartition(holder), sk: 'COUNT' });

/** Revoked keys are kept this long (who revoked them, when), then DynamoDB's TTL removes them. */
const KEEP_REVOKED_DAYS = 30;

/**
 * API keys in the single table:
 *
 * - `APIKEY#keyId / KEY`: the key (name, scope, SHA-256 of the secret, rate
 *   limit), found by the authorizer with one GetItem. While it is live it
 *   carries `gsi1pk = APIKEYS#PERSON#sub` or `APIKEYS#ORG#orgId` and
 *   `gsi1sk = createdAt#keyId`, so a holder's live keys are one query on
 *   gsi1 (a revoked key leaves the index);
 * - `APIKEYS#PERSON#sub / COUNT` (or `…ORG#orgId`): the holder's live keys,
 *   moved in the same transaction as the key and conditioned on
 *   {@link MAX_API_KEYS}.
 */
export class ApiKeyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Files a new key; TOO_MANY_API_KEYS when its holder has {@link MAX_API_KEYS} live ones. */
  async create(input: NewApiKey): Promise<ApiKeyRecord> {
    const createdAt = this.now().toISOString();
    const record: ApiKeyRecord = { ...input, createdAt };
    const holder = holderOf(record);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keyItem(record.keyId), ...record, gsi1pk: holderPartition(holder), gsi1sk: `${createdAt}#${record.keyId}` },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: counterItem(holder),
                UpdateExpression: 'ADD live :one',
                ConditionExpression: 'attribute_not_exists(live) OR live < :max',
                ExpressionAttributeValues: { ':one': 1, ':max': MAX_API_KEYS },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') {
        throw new ApiKeyError('TOO_MANY_API_KEYS', `${holder.kind === 'person' ? 'You hold' : 'The organisation holds'} ${MAX_API_KEYS} live API keys, as many as allowed; revoke one first.`);
      }
      throw error;
    }
    return record;
  }

  /** A key by its ID, live or revoked (until the TTL removes it). */
  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keyItem(keyId), ConsistentRead: true }));
    return Item && toRecord(Item);
  }

  /** The holder's live keys, newest first. */
  async list(holder: KeyHolder): Promise<ApiKeyRecord[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :holder',
      ExpressionAttributeValues: { ':holder': holderPartition(holder) },
      ScanIndexForward: false,
    });
    return items.map(toRecord).filter((key) => !key.revokedAt);
  }

  /** Revokes a live key; API_KEY_NOT_FOUND when there is none with this ID (or it was revoked already). */
  async revoke(keyId: string, by: string): Promise<ApiKeyRecord> {
    const key = await this.get(keyId);
    if (!key || key.revokedAt) throw notFound();
    const at = this.now();
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: keyItem(keyId),
                UpdateExpression: 'SET revokedAt = :at, revokedBy = :by, expiresAt = :ttl REMOVE gsi1pk, gsi1sk',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
                ExpressionAttributeValues: { ':at': at.toISOString(), ':by': by, ':ttl': Math.floor(at.getTime() / 1000) + KEEP_REVOKED_DAYS * 86_400 },
              },
            },
            { Update: { TableName: this.tableName, Key: counterItem(holderOf(key)), UpdateExpression: 'ADD live :minus', ExpressionAttributeValues: { ':minus': -1 } } },
          ],
        }),
      );
    } catch (error) {
      // Revoked meanwhile by someone else: it is gone either way, but this call did not do it.
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw notFound();
      throw error;
    }
    return { ...key, revokedAt: at.toISOString(), revokedBy: by };
  }
}

const notFound = () => new ApiKeyError('API_KEY_NOT_FOUND', 'No live API key with this ID is yours to manage.');

function toRecord(item: Record<string, unknown>): ApiKeyRecord {
  const { keyId, name, secretHash, scope, organisationId, role, rateLimitPerMinute, createdAt, createdBy, revokedAt, revokedBy } = item as unknown as ApiKeyRecord;
  return {
    keyId,
    name,
    secretHash,
    scope,
    ...(organisationId !== undefined && { organisationId }),
    ...(role !== undefined && { role }),
    rateLimitPerMinute,
    createdAt,
    createdBy,
    ...(revokedAt !== undefined && { revokedAt }),
    ...(revokedBy !== undefined && { revokedBy }),
  };
}
