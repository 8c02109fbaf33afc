import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_IDENTITY_THRESHOLD } from './identity';

/** What admins set for production: the identity lock's threshold (0..1). */
export interface GenerationSettings {
  readonly identityThreshold: number;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

const settingsKey = { pk: 'SETTINGS', sk: 'GENERATION' } as const;

export type GenerationSettingsSource = Pick<SettingsStore, 'get'>;

/** The production settings in the single table: one item, the defaults until an admin changes them. */
export class SettingsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(): Promise<GenerationSettings> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: settingsKey, ConsistentRead: true }));
    const threshold = Number(Item?.identityThreshold);
    return {
      identityThreshold: Number.isFinite(threshold) ? threshold : DEFAULT_IDENTITY_THRESHOLD,
      ...(Item?.updatedAt && { updatedAt: String(Item.updatedAt) }),
      ...(Item?.updatedBy && { updatedBy: String(Item.updatedBy) }),
    };
  }

  async setIdentityThreshold(threshold: number, updatedBy: string): Promise<GenerationSettings> {
    const settings = { identityThreshold: threshold, updatedAt: new Date().toISOString(), updatedBy };
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...settingsKey, ...settings } }));
    return settings;
  }
}
