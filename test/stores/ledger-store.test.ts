import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { LedgerError, type LedgerResult, LedgerStore } from '#functions/wallets/ledger-store';
import type { LedgerEntryView } from '#shared/wallets';
import { createStudioTable, LOCAL_CLIENT_CONFIG, type RunningDynamoDb, startDynamoDbLocal } from '../support/dynamodb-local';

/*
 * The ledger's transactions against DynamoDB Local: each change moves the
 * wallet's version, balance and reservations with its entry in one
 * transaction. A model-based test drives random sequences (with concurrent
 * duplicates) and checks the ledger's invariants after each.
 */

const TABLE_NAME = `ledger-store-test-${randomUUID()}`;

describe('Class: LedgerStore (DynamoDB Local)', () => {
  let dynamo: RunningDynamoDb;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let ledger: LedgerStore;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    await createStudioTable(client, TABLE_NAME);
    ledger = new LedgerStore(doc, TABLE_NAME);
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  const newWallet = async () => (await ledger.open(randomUUID(), { kind: 'person', id: randomUUID() })).walletId;
  const funded = async (credits: number) => {
    const walletId = await newWallet();
    await ledger.purchase(walletId, { amount: credits, reference: 'cs_test', idempotencyKey: `seed-${walletId}` });
    return walletId;
  };
  const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  /** Every entry of a wallet, oldest first. */
  async function allEntries(walletId: string): Promise<LedgerEntryView[]> {
    const entries: LedgerEntryView[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await ledger.entries(walletId, { limit: 100, startKey });
      entries.push(...page.entries);
      startKey = page.nextKey;
    } while (startKey);
    return entries.reverse();
  }

  async function heldReservations(walletId: string): Promise<Record<string, unknown>[]> {
    const { Items = [] } = await doc.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :r)',
        FilterExpression: '#status = :held',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': `WALLET#${walletId}`, ':r': 'RESERVATION#', ':held': 'HELD' },
        ConsistentRead: true,
      }),
    );
    return Items;
  }

  describe('Wallets', () => {
    it('opens an empty wallet once', async () => {
      // Prepare
      const walletId = randomUUID();
      const owner = { kind: 'person' as const, id: randomUUID() };

      // Act
      const first = await ledger.open(walletId, owner);
      await ledger.purchase(walletId, { amount: 5, reference: 'cs_1', idempotencyKey: 'k1' });
      const again = await ledger.open(walletId, owner);

      // Assess
      expect(first).toMatchObject({ walletId, owner, balance: 0, reserved: 0 });
      expect(again).toMatchObject({ balance: 5 });
    });

    it('answers undefined for an unknown wallet and refuses changes to it', async () => {
      // Act & Assess
      expect(await ledger.get(randomUUID())).toBeUndefined();
      expect(await rejection(ledger.purchase(randomUUID(), { amount: 1, reference: 'r', idempotencyKey: 'k' }))).toMatchObject({ reason: 'WALLET_NOT_FOUND' });
    });
  });

  describe('Sign-up credits', () => {
    it('opens a personal wallet with the credits and a grant entry', async () => {
      // Prepare
      const sub = randomUUID();

      // Act
      const wallet = await ledger.openPersonal(sub, sub, `${sub}@example.com`, 10);

      // Assess
      expect(wallet).toMatchObject({ walletId: sub, owner: { kind: 'person', id: sub }, balance: 10, reserved: 0 });
      expect(await allEntries(sub)).toEqual([expect.objectContaining({ type: 'grant', amount: 10, balanceAfter: 10, reference: 'signup' })]);
    });

    it('grants once per wallet however often it is opened, even concurrently', async () => {
      // Prepare
      const sub = randomUUID();

      // Act
      await Promise.all([1, 2, 3].map(() => ledger.openPersonal(sub, sub, `${sub}@example.com`, 10)));
      await ledger.openPersonal(sub, sub, `${sub}@example.com`, 10);

      // Assess
      expect((await ledger.get(sub))?.balance).toBe(10);
      expect(await allEntries(sub)).toHaveLength(1);
    });

    it('grants nothing to a second person with the same e-mail, whatever its case', async () => {
      // Prepare
      const email = `${randomUUID()}@Example.com`;
      const first = randomUUID();
      const second = randomUUID();
      await ledger.openPersonal(first, first, email, 10);

      // Act
      const wallet = await ledger.openPersonal(second, second, email.toUpperCase(), 10);

      // Assess
      expect(wallet).toMatchObject({ walletId: second, balance: 0 });
      expect(await allEntries(second)).toEqual([]);
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `GRANT#${email.toLowerCase()}`, sk: 'GRANT' } }));
      expect(Item).toMatchObject({ walletId: first });
    });
  });

  describe('Credits and reservations', () => {
    it('answers the first result to a repeated purchase and writes nothing more', async () => {
      // Prepare
      const walletId = await newWallet();
      const credit = { amount: 50, reference: 'cs_test_1', idempotencyKey: 'evt_1' };

      // Act
      const results = await Promise.all([ledger.purchase(walletId, credit), ledger.purchase(walletId, credit), ledger.purchase(walletId, credit)]);

      // Assess
      expect(results.filter((r) => r.applied)).toHaveLength(1);
      expect(new Set(results.map((r) => r.entry.entryId)).size).toBe(1);
      expect((await ledger.get(walletId))?.balance).toBe(50);
      expect(await allEntries(walletId)).toHaveLength(1);
    });

    it('refuses a reservation beyond the balance without writing anything', async () => {
      // Prepare
      const walletId = await funded(5);
      const orderId = randomUUID();

      // Act
      const error = await rejection(ledger.reserve(walletId, orderId, 6));

      // Assess
      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ reason: 'INSUFFICIENT_CREDITS' });
      expect(await ledger.get(walletId)).toMatchObject({ balance: 5, reserved: 0 });
      expect(await ledger.reservation(walletId, orderId)).toBeUndefined();
      expect(await allEntries(walletId)).toHaveLength(1);
    });

    it('holds credits for an order, and consumes them once', async () => {
      // Prepare
      const walletId = await funded(20);
      const orderId = randomUUID();

      // Act
      const held = await ledger.reserve(walletId, orderId, 12);
      const consumed = await Promise.all([ledger.consume(walletId, orderId), ledger.consume(walletId, orderId)]);

      // Assess
      expect(held.wallet).toMatchObject({ balance: 8, reserved: 12 });
      expect(consumed.filter((r) => r.applied)).toHaveLength(1);
      expect(await ledger.get(walletId)).toMatchObject({ balance: 8, reserved: 0 });
      expect((await allEntries(walletId)).map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
        ['purchase', 20, 20],
        ['reserve', -12, 8],
        ['consume', 0, 8],
      ]);
    });

    it('never releases a consumed reservation, nor consumes a released one', async () => {
      // Prepare
      const walletId = await funded(20);
      const [spent, returned] = [randomUUID(), randomUUID()];
      await ledger.reserve(walletId, spent, 5);
      await ledger.reserve(walletId, returned, 5);
      await ledger.consume(walletId, spent);
      await ledger.release(walletId, returned);

      // Act & Assess
      expect(await rejection(ledger.release(walletId, spent))).toMatchObject({ reason: 'RESERVATION_SETTLED' });
      expect(await rejection(ledger.consume(walletId, returned))).toMatchObject({ reason: 'RESERVATION_SETTLED' });
      expect(await rejection(ledger.consume(walletId, randomUUID()))).toMatchObject({ reason: 'RESERVATION_NOT_FOUND' });
      expect(await ledger.get(walletId)).toMatchObject({ balance: 15, reserved: 0 });
    });

    it('keeps a held reservation on the sparse index only while it is held', async () => {
      // Prepare
      const walletId = await funded(20);
      const orderId = randomUUID();
      await ledger.reserve(walletId, orderId, 5);
      const key = { pk: `WALLET#${walletId}`, sk: `RESERVATION#${orderId}` };
      const before = (await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: key }))).Item;

      // Act
      await ledger.consume(walletId, orderId);

      // Assess
      expect(before).toMatchObject({ gsi2pk: 'RESERVATION', status: 'HELD' });
      expect((await doc.send(new GetCommand({ TableName: TABLE_NAME, Key: key }))).Item).not.toHaveProperty('gsi2pk');
    });

    it('records an adjustment with its reason and admin, and never below zero', async () => {
      // Prepare
      const walletId = await funded(10);

      // Act
      const result = await ledger.adjust(walletId, { amount: -4, reason: 'Duplicate purchase', actor: 'admin-1' });
      const error = await rejection(ledger.adjust(walletId, { amount: -7, reason: 'Too much', actor: 'admin-1' }));

      // Assess
      expect(result.entry).toMatchObject({ type: 'adjustment', amount: -4, balanceAfter: 6, reason: 'Duplicate purchase', actor: 'admin-1' });
      expect(error).toMatchObject({ reason: 'INSUFFICIENT_CREDITS' });
      expect((await ledger.get(walletId))?.balance).toBe(6);
    });

    it('pages through the history newest first', async () => {
      // Prepare
      const walletId = await newWallet();
      for (let i = 1; i <= 5; i++) await ledger.grant(walletId, { amount: i, reference: `r${i}`, idempotencyKey: `g${i}` });

      // Act
      const first = await ledger.entries(walletId, { limit: 3 });
      const second = await ledger.entries(walletId, { limit: 3, startKey: first.nextKey });

      // Assess
      expect([...first.entries, ...second.entries].map((e) => e.amount)).toEqual([5, 4, 3, 2, 1]);
      expect(second.nextKey).toBeUndefined();
    });
  });

  describe('Sweeper', () => {
    it('releases old holds of orders no longer open, and leaves the rest', async () => {
      // Prepare
      const walletId = await funded(30);
      const [closed, open] = [randomUUID(), randomUUID()];
      await ledger.reserve(walletId, closed, 10);
      await ledger.reserve(walletId, open, 10);
      const ours = new Set<string>([closed, open]);

      // Act
      const released = await ledger.sweepReservations('9999', async (orderId) => !ours.has(orderId) || orderId === open);

      // Assess
      expect(released).toBe(1);
      expect((await ledger.reservation(walletId, closed))?.status).toBe('RELEASED');
      expect((await ledger.reservation(walletId, open))?.status).toBe('HELD');
      expect(await ledger.get(walletId)).toMatchObject({ balance: 20, reserved: 10 });
    });

    it('leaves holds younger than the cutoff', async () => {
      // Prepare
      const walletId = await funded(30);
      const orderId = randomUUID();
      await ledger.reserve(walletId, orderId, 10);

      // Act
      await ledger.sweepReservations('2000-01-01T00:00:00.000Z', async () => false);

      // Assess
      expect((await ledger.reservation(walletId, orderId))?.status).toBe('HELD');
    });
  });

  describe('Model: random sequences with concurrent duplicates', () => {
    type Command =
      | { readonly kind: 'purchase' | 'refund' | 'grant'; readonly key: number; readonly amount: number; readonly twice: boolean }
      | { readonly kind: 'reserve'; readonly order: number; readonly amount: number; readonly twice: boolean }
      | { readonly kind: 'consume' | 'release'; readonly order: number; readonly twice: boolean }
      | { readonly kind: 'adjust'; readonly amount: number; readonly twice: boolean };

    const twice = fc.boolean();
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({ kind: fc.constantFrom('purchase' as const, 'refund' as const, 'grant' as const), key: fc.nat(3), amount: fc.integer({ min: 1, max: 50 }), twice }),
      fc.record({ kind: fc.constant('reserve' as const), order: fc.nat(4), amount: fc.integer({ min: 1, max: 60 }), twice }),
      fc.record({ kind: fc.constantFrom('consume' as const, 'release' as const), order: fc.nat(4), twice }),
      fc.record({ kind: fc.constant('adjust' as const), amount: fc.integer({ min: -40, max: 40 }).filter((n) => n !== 0), twice: fc.constant(false) }),
    );

    interface Model {
      balance: number;
      reserved: number;
      keys: Set<string>;
      holds: Map<string, { amount: number; status: 'HELD' | 'CONSUMED' | 'RELEASED' }>;
    }

    /** What the model says a command does: the outcome code, and its effect when it applies. */
    function expected(model: Model, c: Command, orders: string[]): { outcome: string; apply?: () => void } {
      switch (c.kind) {
        case 'purchase':
        case 'refund':
        case 'grant': {
          const key = `${c.kind}-${c.key}`;
          if (model.keys.has(key)) return { outcome: 'repeat' };
          return { outcome: 'applied', apply: () => (model.keys.add(key), (model.balance += c.amount)) };
        }
        case 'reserve': {
          const orderId = orders[c.order]!;
          if (model.holds.has(orderId)) return { outcome: 'repeat' };
          if (model.balance < c.amount) return { outcome: 'INSUFFICIENT_CREDITS' };
          return { outcome: 'applied', apply: () => (model.holds.set(orderId, { amount: c.amount, status: 'HELD' }), (model.balance -= c.amount), (model.reserved += c.amount)) };
        }
        case 'consume':
        case 'release': {
          const hold = model.holds.get(orders[c.order]!);
          const to = c.kind === 'consume' ? 'CONSUMED' : 'RELEASED';
          if (!hold) return { outcome: 'RESERVATION_NOT_FOUND' };
          if (hold.status === to) return { outcome: 'repeat' };
          if (hold.status !== 'HELD') return { outcome: 'RESERVATION_SETTLED' };
          return {
            outcome: 'applied',
            apply: () => {
              hold.status = to;
              model.reserved -= hold.amount;
              if (to === 'RELEASED') model.balance += hold.amount;
            },
          };
        }
        case 'adjust':
          if (model.balance + c.amount < 0) return { outcome: 'INSUFFICIENT_CREDITS' };
          return { outcome: 'applied', apply: () => (model.balance += c.amount) };
      }
    }

    function run(walletId: string, c: Command, orders: string[]): Promise<LedgerResult> {
      switch (c.kind) {
        case 'purchase':
        case 'refund':
        case 'grant':
          return ledger[c.kind](walletId, { amount: c.amount, reference: `${c.kind}-${c.key}`, idempotencyKey: `${c.kind}-${c.key}` });
        case 'reserve':
          return ledger.reserve(walletId, orders[c.order]!, c.amount);
        case 'consume':
          return ledger.consume(walletId, orders[c.order]!);
        case 'release':
          return ledger.release(walletId, orders[c.order]!);
        case 'adjust':
          return ledger.adjust(walletId, { amount: c.amount, reason: 'Model test', actor: 'model' });
      }
    }

    const outcomeOf = (promise: Promise<LedgerResult>) =>
      promise.then(
        (result) => (result.applied ? 'applied' : 'repeat'),
        (error: unknown) => (error instanceof LedgerError ? error.reason : Promise.reject(error)),
      );

    it('keeps balance = sum of entries, never negative, no double effect and no dangling reservation', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
          const walletId = await newWallet();
          const orders: string[] = Array.from({ length: 5 }, () => randomUUID());
          const model: Model = { balance: 0, reserved: 0, keys: new Set(), holds: new Map() };

          for (const c of commands) {
            const { outcome, apply } = expected(model, c, orders);
            if (c.twice) {
              // The same call delivered twice at once: it applies once, the other answers as a repeat (or both are refused).
              const outcomes = (await Promise.all([outcomeOf(run(walletId, c, orders)), outcomeOf(run(walletId, c, orders))])).sort();
              expect(outcomes).toEqual(outcome === 'applied' ? ['applied', 'repeat'] : [outcome, outcome]);
            } else {
              expect(await outcomeOf(run(walletId, c, orders))).toBe(outcome);
            }
            apply?.();
          }

          const check = async () => {
            const wallet = (await ledger.get(walletId))!;
            const entries = await allEntries(walletId);
            expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({ balance: model.balance, reserved: model.reserved });
            expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(wallet.balance);
            let running = 0;
            for (const e of entries) {
              running += e.amount;
              expect(e.balanceAfter).toBe(running);
              expect(e.balanceAfter).toBeGreaterThanOrEqual(0);
            }
            const held = await heldReservations(walletId);
            expect(held.reduce((sum, r) => sum + Number(r.amount), 0)).toBe(wallet.reserved);
          };
          await check();

          // Every order of this run is over: the sweeper releases what they still hold.
          const ours = new Set<string>(orders);
          await ledger.sweepReservations('9999', async (orderId) => !ours.has(orderId));
          for (const hold of model.holds.values()) {
            if (hold.status === 'HELD') {
              hold.status = 'RELEASED';
              model.balance += hold.amount;
              model.reserved -= hold.amount;
            }
          }
          await check();
          expect(await heldReservations(walletId)).toEqual([]);
        }),
        { numRuns: 25 },
      );
    }, 90_000);
  });
});
