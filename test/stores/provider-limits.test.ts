import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Limits, ProviderLimits } from '#functions/generation/provider-limits';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';

/*
 * The provider's global limits against DynamoDB Local: the leased semaphore
 * (at most `inFlight` at once, even when many ask together; expired leases
 * freed; a retried holder keeps its slot) and the starts per second.
 */

const TABLE_NAME = `provider-limits-test-${randomUUID()}`;

describe('Class: ProviderLimits (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let clock: number;

  /** Limits of a provider of its own, so the tests do not share a semaphore. */
  const limits = (over: Partial<Limits> = {}) => new ProviderLimits(doc, TABLE_NAME, `test-${randomUUID()}`, { inFlight: 60, perSecond: 1000, leaseMs: 60_000, ...over }, () => clock);

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
  }, 60_000);

  beforeEach(() => {
    clock = Date.UTC(2030, 0, 1, 12);
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('gives at most 60 slots when 100 requests ask at once, and the rest are told NO_SLOT', async () => {
    const semaphore = limits();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => semaphore.acquire(`req-${i}`)));
    expect(answers.filter((a) => a.granted)).toHaveLength(60);
    expect(answers.filter((a) => !a.granted).every((a) => !a.granted && a.reason === 'NO_SLOT')).toBe(true);
    expect(Object.keys(await semaphore.holders())).toHaveLength(60);
  }, 60_000);

  it('gives a released slot to the next request, and releasing twice changes nothing', async () => {
    const semaphore = limits({ inFlight: 2 });
    expect((await semaphore.acquire('a')).granted).toBe(true);
    expect((await semaphore.acquire('b')).granted).toBe(true);
    expect(await semaphore.acquire('c')).toEqual({ granted: false, reason: 'NO_SLOT' });
    await semaphore.release('a');
    await semaphore.release('a');
    expect((await semaphore.acquire('c')).granted).toBe(true);
    expect(Object.keys(await semaphore.holders()).sort()).toEqual(['b', 'c']);
  });

  it('lets a retried step keep the slot it holds, renewing its lease', async () => {
    const semaphore = limits({ inFlight: 1 });
    const first = await semaphore.acquire('a');
    clock += 10_000;
    const again = await semaphore.acquire('a');
    expect(again.granted && first.granted && again.expiresAt - first.expiresAt).toBe(10_000);
  });

  it('frees the slot of a holder that crashed once its lease expires, and not before', async () => {
    const semaphore = limits({ inFlight: 1, leaseMs: 60_000 });
    expect((await semaphore.acquire('crashed')).granted).toBe(true);
    clock += 59_000;
    expect(await semaphore.acquire('next')).toEqual({ granted: false, reason: 'NO_SLOT' });
    clock += 1_000;
    expect((await semaphore.acquire('next')).granted).toBe(true);
    expect(Object.keys(await semaphore.holders())).toEqual(['next']);
  });

  it('starts at most perSecond requests in one calendar second, giving back the slot of a refused start', async () => {
    const semaphore = limits({ perSecond: 30 });
    clock = Date.UTC(2030, 0, 1, 12, 0, 0, 100);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => semaphore.acquire(`s-${i}`)));
    expect(answers.filter((a) => !a.granted && a.reason !== 'RATE_LIMITED')).toEqual([]);
    expect(answers.filter((a) => a.granted)).toHaveLength(30);
    expect(answers.filter((a) => !a.granted && a.reason === 'RATE_LIMITED')).toHaveLength(10);
    // Refused starts hold nothing.
    expect(Object.keys(await semaphore.holders())).toHaveLength(30);
    clock += 1_000;
    expect((await semaphore.acquire('next-second')).granted).toBe(true);
  }, 60_000);

  it('lets the per-second counters expire through the table’s TTL a minute later', async () => {
    const semaphore = limits();
    await semaphore.acquire('x');
    const provider = (semaphore as unknown as { provider: string }).provider;
    const second = Math.floor(clock / 1000);
    const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `LIMIT#${provider}`, sk: `SECOND#${second}` } }));
    expect(Item).toMatchObject({ starts: 1, expiresAt: second + 60 });
  });
});
