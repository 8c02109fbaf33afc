import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiKeyStore } from '#functions/apikeys/api-key-store';
import { DynamoRateLimiter } from '#lib/rate-limit';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { rateLimitTableInput } from '../../infra/local/cloud';
import { FakeApiKeyStore } from '../unit/helpers/fake-api-key-store';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';
import { apiKeyStoreBehaviour } from './apikeys-behaviour';

jest.setTimeout(60_000);

let dynamo: RunningDynamoDb;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const TABLE = `apikeys-${randomUUID().slice(0, 8)}`;
const COUNTERS = `counters-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
  doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  await createStudioTable(client, TABLE);
  await client.send(new CreateTableCommand(rateLimitTableInput(COUNTERS)));
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
});

describe('ApiKeyStore against DynamoDB Local', () => {
  apiKeyStoreBehaviour(() => new ApiKeyStore(doc, TABLE));

  it('keeps a live key on gsi1 under its holder and takes it off when revoked (a sparse list)', async () => {
    const store = new ApiKeyStore(doc, TABLE);
    const sub = randomUUID();
    const key = await store.create({ keyId: 'ab'.repeat(12), name: 'k', secretHash: 'f'.repeat(64), scope: 'person', rateLimitPerMinute: 5, createdBy: sub });
    const item = async () => (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: `APIKEY#${key.keyId}`, sk: 'KEY' } }))).Item!;
    expect(await item()).toMatchObject({ gsi1pk: `APIKEYS#PERSON#${sub}`, gsi1sk: `${key.createdAt}#${key.keyId}` });
    await store.revoke(key.keyId, sub);
    const revoked = await item();
    expect(revoked.gsi1pk).toBeUndefined();
    expect(revoked.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('FakeApiKeyStore keeps the same behaviour', () => {
  apiKeyStoreBehaviour(() => new FakeApiKeyStore());
});

describe('DynamoRateLimiter against DynamoDB Local', () => {
  it('allows `limit` requests a window, then refuses with the seconds left; the next window starts afresh', async () => {
    let now = Date.UTC(2030, 0, 1, 0, 0, 10);
    const limiter = new DynamoRateLimiter(doc, COUNTERS, () => now);
    const caller = `KEY#${randomUUID()}`;
    for (let i = 1; i <= 3; i++) expect(await limiter.take(caller, 3)).toEqual({ allowed: true, count: i });
    expect(await limiter.take(caller, 3)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    now += 50_000;
    expect(await limiter.take(caller, 3)).toEqual({ allowed: true, count: 1 });
  });

  it('counts concurrent requests exactly: of 20 at once against a limit of 7, 7 pass', async () => {
    const limiter = new DynamoRateLimiter(doc, COUNTERS);
    const caller = `SUB#${randomUUID()}`;
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.take(caller, 7)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
  });

  it('gives each counter a TTL a window after its window ends', async () => {
    const now = Date.UTC(2030, 0, 1, 0, 1, 30);
    const caller = `SUB#${randomUUID()}`;
    await new DynamoRateLimiter(doc, COUNTERS, () => now).take(caller, 5);
    const windowStart = Date.UTC(2030, 0, 1, 0, 1, 0) / 1000;
    const { Item } = await doc.send(new GetCommand({ TableName: COUNTERS, Key: { pk: `${caller}#${windowStart}` } }));
    expect(Item).toMatchObject({ count: 1, expiresAt: windowStart + 120 });
  });
});
