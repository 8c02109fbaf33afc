import { randomBytes, randomUUID } from 'node:crypto';
import { ApiKeyError, type ApiKeys, type NewApiKey } from '#functions/apikeys/api-key-store';
import { MAX_API_KEYS } from '#shared/apikeys';

/** The behaviour every API key store keeps; run against DynamoDB Local (ApiKeyStore) and the in-memory fake. */
export function apiKeyStoreBehaviour(makeStore: () => Promise<ApiKeys> | ApiKeys): void {
  let store: ApiKeys;
  beforeEach(async () => {
    store = await makeStore();
  });

  const personal = (sub: string, over: Partial<NewApiKey> = {}): NewApiKey => ({
    keyId: randomBytes(12).toString('hex'),
    name: 'Nightly export',
    secretHash: 'a'.repeat(64),
    scope: 'person',
    rateLimitPerMinute: 100,
    createdBy: sub,
    ...over,
  });

  it('files a key and finds it by its ID with its hash, never a secret', async () => {
    const sub = randomUUID();
    const created = await store.create(personal(sub));
    expect(await store.get(created.keyId)).toEqual({ ...created, createdAt: expect.any(String) });
    expect(Object.keys(created)).not.toContain('secret');
  });

  it("lists a person's live personal keys, newest first, and no one else's", async () => {
    const sub = randomUUID();
    const first = await store.create(personal(sub, { name: 'first' }));
    await new Promise((r) => setTimeout(r, 5));
    const second = await store.create(personal(sub, { name: 'second' }));
    await store.create(personal(randomUUID()));
    expect((await store.list({ kind: 'person', id: sub })).map((k) => k.keyId)).toEqual([second.keyId, first.keyId]);
  });

  it("keeps an organisation's keys apart from its creator's personal keys", async () => {
    const sub = randomUUID();
    const orgId = randomUUID();
    const orgKey = await store.create(personal(sub, { scope: 'organisation', organisationId: orgId, role: 'admin' }));
    expect(await store.list({ kind: 'person', id: sub })).toEqual([]);
    expect((await store.list({ kind: 'organisation', id: orgId })).map((k) => [k.keyId, k.role])).toEqual([[orgKey.keyId, 'admin']]);
  });

  it('revokes a live key once: it leaves the list, keeps who revoked it, and a second revoke is API_KEY_NOT_FOUND', async () => {
    const sub = randomUUID();
    const key = await store.create(personal(sub));
    const revoked = await store.revoke(key.keyId, sub);
    expect(revoked).toMatchObject({ keyId: key.keyId, revokedAt: expect.any(String), revokedBy: sub });
    expect(await store.list({ kind: 'person', id: sub })).toEqual([]);
    expect(await store.get(key.keyId)).toMatchObject({ revokedAt: expect.any(String) });
    await expect(store.revoke(key.keyId, sub)).rejects.toMatchObject({ reason: 'API_KEY_NOT_FOUND' });
    await expect(store.revoke(randomBytes(12).toString('hex'), sub)).rejects.toBeInstanceOf(ApiKeyError);
  });

  it(`holds a person to ${MAX_API_KEYS} live keys, and frees a place when one is revoked`, async () => {
    const sub = randomUUID();
    const keys = [];
    for (let i = 0; i < MAX_API_KEYS; i++) keys.push(await store.create(personal(sub)));
    await expect(store.create(personal(sub))).rejects.toMatchObject({ reason: 'TOO_MANY_API_KEYS' });
    await store.revoke(keys[0]!.keyId, sub);
    await expect(store.create(personal(sub))).resolves.toMatchObject({ createdBy: sub });
  });
}
