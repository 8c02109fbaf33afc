import { ApiKeyError, type ApiKeyRecord, type ApiKeys, holderOf, type KeyHolder, type NewApiKey } from '#functions/apikeys/api-key-store';
import { MAX_API_KEYS } from '#shared/apikeys';

/** The API key store in memory, held to the same behaviour as ApiKeyStore (test/stores/apikeys-behaviour.ts). */
export class FakeApiKeyStore implements ApiKeys {
  readonly keys = new Map<string, ApiKeyRecord>();
  /** Every write, for "nothing was written" checks. */
  readonly writes: string[] = [];

  constructor(public now: () => Date = () => new Date()) {}

  async create(input: NewApiKey): Promise<ApiKeyRecord> {
    const holder = holderOf(input);
    if (this.keys.has(input.keyId)) throw new Error('ConditionalCheckFailed: the key exists');
    if (this.live(holder).length >= MAX_API_KEYS) throw new ApiKeyError('TOO_MANY_API_KEYS', `At most ${MAX_API_KEYS} live API keys.`);
    const record: ApiKeyRecord = { ...input, createdAt: this.now().toISOString() };
    this.keys.set(record.keyId, record);
    this.writes.push(`create ${record.keyId}`);
    return record;
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.keys.get(keyId);
  }

  async list(holder: KeyHolder): Promise<ApiKeyRecord[]> {
    return this.live(holder).sort((a, b) => `${b.createdAt}#${b.keyId}`.localeCompare(`${a.createdAt}#${a.keyId}`));
  }

  async revoke(keyId: string, by: string): Promise<ApiKeyRecord> {
    const key = this.keys.get(keyId);
    if (!key || key.revokedAt) throw new ApiKeyError('API_KEY_NOT_FOUND', 'No live API key with this ID is yours to manage.');
    const revoked = { ...key, revokedAt: this.now().toISOString(), revokedBy: by };
    this.keys.set(keyId, revoked);
    this.writes.push(`revoke ${keyId}`);
    return revoked;
  }

  private live(holder: KeyHolder): ApiKeyRecord[] {
    return [...this.keys.values()].filter((key) => !key.revokedAt && holderOf(key).kind === holder.kind && holderOf(key).id === holder.id);
  }
}
