import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { LedgerEntryType, LedgerEntryView, WalletOwner, WalletView } from '#shared/wallets';

/** Why a ledger operation was refused; nothing was written. */
export class LedgerError extends Error {
  constructor(
    readonly reason: 'WALLET_NOT_FOUND' | 'INSUFFICIENT_CREDITS' | 'RESERVATION_NOT_FOUND' | 'RESERVATION_SETTLED',
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

/** A stored wallet: the view plus its version, which every change moves on by one. */
export interface WalletRecord extends WalletView {
  readonly version: number;
}

export type ReservationStatus = 'HELD' | 'CONSUMED' | 'RELEASED';

export interface ReservationRecord {
  readonly walletId: string;
  readonly orderId: string;
  readonly amount: number;
  readonly status: ReservationStatus;
  readonly createdAt: string;
  readonly settledAt?: string;
  /** The wallet versions of the hold's entry and of its settlement's. */
  readonly entryVersion: number;
  readonly settledVersion?: number;
}

/** The answer of a change: the wallet after it and the entry written (or, for a repeat, the first one). */
export interface LedgerResult {
  readonly wallet: WalletView;
  readonly entry: LedgerEntryView;
  /** False when an idempotent repeat wrote nothing. */
  readonly applied: boolean;
}

export interface EntryPage {
  readonly entries: LedgerEntryView[];
  readonly nextKey?: Record<string, unknown>;
}

/** Credits added to a wallet, at most once per idempotency key (a Stripe session or event ID, …). */
export interface Credit {
  readonly amount: number;
  readonly reference: string;
  /** A second change with the same key on the same wallet writes nothing and answers the first. */
  readonly idempotencyKey: string;
}

/** What handlers need of the ledger; unit tests hand them a fake with the same behaviour. */
export type Ledger = Pick<
  LedgerStore,
  'open' | 'openPersonal' | 'get' | 'entries' | 'grant' | 'purchase' | 'refund' | 'reserve' | 'consume' | 'release' | 'adjust' | 'reservation' | 'sweepReservations'
>;

const walletKey = (walletId: string) => ({ pk: `WALLET#${walletId}`, sk: 'WALLET' });
const reservationKey = (walletId: string, orderId: string) => ({ pk: `WALLET#${walletId}`, sk: `RESERVATION#${orderId}` });
const idempotencyKey = (walletId: string, key: string) => ({ pk: `WALLET#${walletId}`, sk: `KEY#${key}` });
const grantMarkerKey = (email: string) => ({ pk: `GRANT#${email.trim().toLowerCase()}`, sk: 'GRANT' });
/** Entries sort by the wallet's version, the order the balance changed in (clocks of two sandboxes may disagree). */
const entrySortKey = (version: number) => `ENTRY#${String(version).padStart(12, '0')}`;

/** The sparse index of held reservations: only HELD ones carry gsi2pk, so the sweeper reads nothing else. */
export const RESERVATION_INDEX = { name: 'gsi2', partition: 'RESERVATION' } as const;

/** How often a change re-reads the wallet after another change won the race for its version. */
const MAX_ATTEMPTS = 25;

const cancelledBy = (error: unknown, item: number, code = 'ConditionalCheckFailed') =>
  error instanceof TransactionCanceledException && error.CancellationReasons?.[item]?.Code === code;
/** Another change won the race for the wallet's version (or DynamoDB saw the transactions collide): read again and retry. */
const lostRace = (error: unknown) =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict');
const isConflict = (error: unknown) => lostRace(error) || (error instanceof Error && error.name === 'TransactionConflictException');

const pause = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));

/**
 * Credit wallets and their ledger in the single table:
 *
 * - `WALLET#id / WALLET`: the balance (credits that can be spent), `reserved`
 *   (credits orders hold) and a `version`;
 * - `WALLET#id / ENTRY#<version>`: one entry per change, with the balance after it;
 * - `WALLET#id / RESERVATION#<orderId>`: an order's hold, `HELD` until it is
 *   consumed or released (and only then on the sparse `gsi2`, `RESERVATION`, by time);
 * - `WALLET#id / KEY#<key>`: the first result of an idempotent credit;
 * - `GRANT#<email> / GRANT`: the sign-up credits were given to this address.
 *
 * Every change is one TransactWriteItems: the wallet's update, conditioned on
 * the version it was computed from, with the entry (and the reservation or the
 * key). So the balance always equals the sum of the entries, never goes below
 * zero, and two concurrent changes never both apply from the same balance: the
 * loser reads again and recomputes (or finds it was a repeat).
 */
export class LedgerStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  /** Opens an empty wallet, or answers the existing one. */
  async open(walletId: string, owner: WalletOwner): Promise<WalletView> {
    const wallet: WalletRecord = { walletId, owner, balance: 0, reserved: 0, updatedAt: this.now(), version: 0 };
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...walletKey(walletId), ...wallet }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return toView(wallet);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return toView((await this.read(walletId))!);
    }
  }

  /**
   * A person's own wallet, opened on first use with `credits` granted once per
   * e-mail address: the marker of the address is written in the same
   * transaction as the grant, so a person who deletes their account and signs
   * up again with the same address gets an empty wallet.
   */
  async openPersonal(walletId: string, personId: string, email: string | undefined, credits: number): Promise<WalletView> {
    const existing = await this.read(walletId);
    if (existing) return toView(existing);
    if (!email) return this.open(walletId, { kind: 'person', id: personId });
    const at = this.now();
    const wallet: WalletRecord = { walletId, owner: { kind: 'person', id: personId }, balance: credits, reserved: 0, updatedAt: at, version: 1 };
    const entry: LedgerEntryView = { entryId: randomUUID(), type: 'grant', amount: credits, balanceAfter: credits, reference: 'signup', at };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...walletKey(walletId), ...wallet }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.tableName, Item: { ...walletKey(walletId), sk: entrySortKey(1), walletId, ...entry } } },
            { Put: { TableName: this.tableName, Item: { ...grantMarkerKey(email), walletId, at }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return toView(wallet);
    } catch (error) {
      if (cancelledBy(error, 2)) return this.open(walletId, { kind: 'person', id: personId });
      if (isConflict(error)) return toView((await this.read(walletId)) ?? (await this.openPersonalAgain(walletId, personId)));
      throw error;
    }
  }

  async get(walletId: string): Promise<WalletView | undefined> {
    const wallet = await this.read(walletId);
    return wallet && toView(wallet);
  }

  /** A page of a wallet's entries, newest first. */
  async entries(walletId: string, page: { readonly limit: number; readonly startKey?: Record<string, unknown> }): Promise<EntryPage> {
    const { Items = [], LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
        ExpressionAttributeValues: { ':pk': `WALLET#${walletId}`, ':entry': 'ENTRY#' },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: page.startKey,
      }),
    );
    return { entries: Items.map(toEntry), nextKey: LastEvaluatedKey };
  }

  /** Free credits (sign-up, goodwill), once per key. */
  grant(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit(walletId, 'grant', credit);
  }

  /** Paid credits, once per key: the Stripe Checkout Session's ID. */
  purchase(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit(walletId, 'purchase', credit);
  }

  /** Credits given back for spent ones (an order that consumed its hold and then failed), once per key. */
  refund(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit(walletId, 'refund', credit);
  }

  /**
   * Holds `amount` credits for an order: they leave the balance for `reserved`.
   * Refused with INSUFFICIENT_CREDITS, writing nothing, when the balance is
   * short. Once per order: a repeat answers the first hold.
   */
  async reserve(walletId: string, orderId: string, amount: number): Promise<LedgerResult> {
    assertPositive(amount);
    for (let attempt = 0; ; attempt++) {
      const wallet = await this.required(walletId);
      const held = await this.reservation(walletId, orderId);
      if (held) return { wallet: toView(wallet), entry: await this.entryOf(walletId, held.entryVersion), applied: false };
      if (wallet.balance < amount) {
        throw new LedgerError('INSUFFICIENT_CREDITS', `The wallet holds ${wallet.balance} credits; this needs ${amount}.`);
      }
      const at = this.now();
      const next = { ...wallet, balance: wallet.balance - amount, reserved: wallet.reserved + amount, version: wallet.version + 1, updatedAt: at };
      const entry: LedgerEntryView = { entryId: randomUUID(), type: 'reserve', amount: -amount, balanceAfter: next.balance, reference: orderId, at };
      const reservation = {
        ...reservationKey(walletId, orderId),
        walletId,
        orderId,
        amount,
        status: 'HELD',
        createdAt: at,
        entryVersion: next.version,
        gsi2pk: RESERVATION_INDEX.partition,
        gsi2sk: `${at}#${walletId}#${orderId}`,
      };
      try {
        await this.commit(wallet, next, entry, [{ Put: { TableName: this.tableName, Item: reservation, ConditionExpression: 'attribute_not_exists(pk)' } }]);
        return { wallet: toView(next), entry, applied: true };
      } catch (error) {
        await this.retryOn(error, attempt);
      }
    }
  }

  /** Spends an order's hold. Once: a repeat writes nothing; a released hold cannot be consumed. */
  consume(walletId: string, orderId: string): Promise<LedgerResult> {
    return this.settle(walletId, orderId, 'CONSUMED');
  }

  /** Gives an order's hold back to the balance. Once: a repeat writes nothing; a consumed hold cannot be released. */
  release(walletId: string, orderId: string): Promise<LedgerResult> {
    return this.settle(walletId, orderId, 'RELEASED');
  }

  /** An admin's change, with the reason and the admin's `sub`; refused with INSUFFICIENT_CREDITS below zero. */
  async adjust(walletId: string, change: { readonly amount: number; readonly reason: string; readonly actor: string }): Promise<LedgerResult> {
    if (!Number.isInteger(change.amount) || change.amount === 0) throw new RangeError('An adjustment is a non-zero whole number of credits');
    for (let attempt = 0; ; attempt++) {
      const wallet = await this.required(walletId);
      if (wallet.balance + change.amount < 0) {
        throw new LedgerError('INSUFFICIENT_CREDITS', `The wallet holds ${wallet.balance} credits; a balance never goes below zero.`);
      }
      const at = this.now();
      const next = { ...wallet, balance: wallet.balance + change.amount, version: wallet.version + 1, updatedAt: at };
      const entry: LedgerEntryView = { entryId: randomUUID(), type: 'adjustment', amount: change.amount, balanceAfter: next.balance, reason: change.reason, actor: change.actor, at };
      try {
        await this.commit(wallet, next, entry, []);
        return { wallet: toView(next), entry, applied: true };
      } catch (error) {
        await this.retryOn(error, attempt);
      }
    }
  }

  async reservation(walletId: string, orderId: string): Promise<ReservationRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: reservationKey(walletId, orderId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk, sk, gsi2pk, gsi2sk, ...rest } = Item;
    return rest as unknown as ReservationRecord;
  }

  /**
   * Releases every hold older than `olderThan` (ISO time) whose order is no
   * longer open, so no reservation outlives its order. Answers how many it released.
   */
  async sweepReservations(olderThan: string, isOrderOpen: (orderId: string) => Promise<boolean>): Promise<number> {
    let released = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: RESERVATION_INDEX.name,
          KeyConditionExpression: 'gsi2pk = :reservation AND gsi2sk < :cutoff',
          ExpressionAttributeValues: { ':reservation': RESERVATION_INDEX.partition, ':cutoff': olderThan },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of Items) {
        const { walletId, orderId } = item as { walletId: string; orderId: string };
        if (await isOrderOpen(orderId)) continue;
        // The index is eventually consistent: a hold settled meanwhile is refused, and skipped.
        const result = await this.release(walletId, orderId).catch((error: unknown) => {
          if (error instanceof LedgerError && error.reason === 'RESERVATION_SETTLED') return undefined;
          throw error;
        });
        if (result?.applied) released++;
      }
      startKey = LastEvaluatedKey;
    } while (startKey);
    return released;
  }

  private async settle(walletId: string, orderId: string, to: 'CONSUMED' | 'RELEASED'): Promise<LedgerResult> {
    for (let attempt = 0; ; attempt++) {
      const wallet = await this.required(walletId);
      const held = await this.reservation(walletId, orderId);
      if (!held) throw new LedgerError('RESERVATION_NOT_FOUND', 'The order holds no credits in this wallet.');
      if (held.status === to) return { wallet: toView(wallet), entry: await this.entryOf(walletId, held.settledVersion!), applied: false };
      if (held.status !== 'HELD') {
        throw new LedgerError('RESERVATION_SETTLED', `The order's credits were ${held.status === 'CONSUMED' ? 'spent' : 'given back'} already.`);
      }
      const at = this.now();
      const back = to === 'RELEASED' ? held.amount : 0;
      const next = { ...wallet, balance: wallet.balance + back, reserved: wallet.reserved - held.amount, version: wallet.version + 1, updatedAt: at };
      const entry: LedgerEntryView = {
        entryId: randomUUID(),
        type: to === 'RELEASED' ? 'release' : 'consume',
        amount: back,
        balanceAfter: next.balance,
        reference: orderId,
        at,
      };
      const update = {
        Update: {
          TableName: this.tableName,
          Key: reservationKey(walletId, orderId),
          UpdateExpression: 'SET #status = :to, settledAt = :at, settledVersion = :version REMOVE gsi2pk, gsi2sk',
          ConditionExpression: '#status = :held',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':at': at, ':held': 'HELD', ':version': next.version },
        },
      };
      try {
        await this.commit(wallet, next, entry, [update]);
        return { wallet: toView(next), entry, applied: true };
      } catch (error) {
        await this.retryOn(error, attempt);
      }
    }
  }

  private async credit(walletId: string, type: LedgerEntryType, credit: Credit): Promise<LedgerResult> {
    assertPositive(credit.amount);
    for (let attempt = 0; ; attempt++) {
      const wallet = await this.required(walletId);
      const first = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: idempotencyKey(walletId, credit.idempotencyKey), ConsistentRead: true }));
      if (first.Item) return { wallet: toView(wallet), entry: await this.entryOf(walletId, Number(first.Item.entryVersion)), applied: false };
      const at = this.now();
      const next = { ...wallet, balance: wallet.balance + credit.amount, version: wallet.version + 1, updatedAt: at };
      const entry: LedgerEntryView = { entryId: randomUUID(), type, amount: credit.amount, balanceAfter: next.balance, reference: credit.reference, at };
      const key = { ...idempotencyKey(walletId, credit.idempotencyKey), walletId, entryVersion: next.version, at };
      try {
        await this.commit(wallet, next, entry, [{ Put: { TableName: this.tableName, Item: key, ConditionExpression: 'attribute_not_exists(pk)' } }]);
        return { wallet: toView(next), entry, applied: true };
      } catch (error) {
        await this.retryOn(error, attempt);
      }
    }
  }

  /** The one transaction of a change: the wallet (from the version it was read at), its entry, and the items that go with it. */
  private async commit(from: WalletRecord, next: WalletRecord, entry: LedgerEntryView, others: NonNullable<TransactWriteCommand['input']['TransactItems']>): Promise<void> {
    await this.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: walletKey(from.walletId),
              UpdateExpression: 'SET balance = :balance, reserved = :reserved, version = :next, updatedAt = :at',
              // The balance and reservations were computed (and checked never negative) from this version.
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':balance': next.balance, ':reserved': next.reserved, ':next': next.version, ':version': from.version, ':at': next.updatedAt },
            },
          },
          { Put: { TableName: this.tableName, Item: { ...walletKey(from.walletId), sk: entrySortKey(next.version), walletId: from.walletId, ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...others,
        ],
      }),
    );
  }

  private async retryOn(error: unknown, attempt: number): Promise<void> {
    if (!isConflict(error) || attempt + 1 >= MAX_ATTEMPTS) throw error;
    await pause(attempt);
  }

  private async openPersonalAgain(walletId: string, personId: string): Promise<WalletRecord> {
    await this.open(walletId, { kind: 'person', id: personId });
    return (await this.read(walletId))!;
  }

  private async required(walletId: string): Promise<WalletRecord> {
    const wallet = await this.read(walletId);
    if (!wallet) throw new LedgerError('WALLET_NOT_FOUND', 'No such wallet.');
    return wallet;
  }

  private async read(walletId: string): Promise<WalletRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: walletKey(walletId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk, sk, ...rest } = Item;
    return rest as WalletRecord;
  }

  private async entryOf(walletId: string, version: number): Promise<LedgerEntryView> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `WALLET#${walletId}`, sk: entrySortKey(version) }, ConsistentRead: true }));
    if (!Item) throw new Error(`Wallet ${walletId} has no entry ${version}`);
    return toEntry(Item);
  }
}

function assertPositive(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0) throw new RangeError('An amount of credits is a positive whole number');
}

function toView({ walletId, owner, balance, reserved, updatedAt }: WalletRecord): WalletView {
  return { walletId, owner, balance, reserved, updatedAt };
}

function toEntry(item: Record<string, unknown>): LedgerEntryView {
  const { entryId, type, amount, balanceAfter, reference, reason, actor, at } = item as unknown as LedgerEntryView;
  return { entryId, type, amount, balanceAfter, ...(reference !== undefined && { reference }), ...(reason !== undefined && { reason }), ...(actor !== undefined && { actor }), at };
}

/** The key attributes of an entry page's cursor. */
export const ENTRY_CURSOR_ATTRIBUTES = ['pk', 'sk'] as const;
