import { randomUUID } from 'node:crypto';
import { type Credit, type EntryPage, type Ledger, LedgerError, type LedgerResult, type ReservationRecord } from '#functions/wallets/ledger-store';
import type { LedgerEntryType, LedgerEntryView, WalletOwner, WalletView } from '#shared/wallets';

type Method = keyof Ledger;

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

interface Stored {
  wallet: WalletView;
  /** Oldest first. */
  entries: LedgerEntryView[];
  keys: Map<string, LedgerEntryView>;
  holds: Map<string, ReservationRecord>;
}

/**
 * An in-memory {@link Ledger} with the observable behaviour of `LedgerStore`
 * (functions/wallets/ledger-store.ts, tested on DynamoDB Local in
 * test/stores/ledger-store.test.ts): every change writes one entry with the
 * balance after it, a refused change writes nothing, credits are idempotent by
 * key, reservations are settled once, the sign-up grant is given once per e-mail.
 */
export class FakeLedgerStore implements Ledger {
  private readonly wallets = new Map<string, Stored>();
  private readonly grantedEmails = new Set<string>();
  private readonly failures = new Map<Method, Error[]>();
  readonly calls: { readonly method: Method; readonly args: readonly unknown[] }[] = [];
  private clock = Date.UTC(2030, 0, 1);

  /** Opens a wallet with a balance, without entries beyond one grant of it. */
  seed(walletId: string, owner: WalletOwner, balance = 0): this {
    const at = this.now();
    const entries: LedgerEntryView[] = balance ? [{ entryId: randomUUID(), type: 'grant', amount: balance, balanceAfter: balance, reference: 'seed', at }] : [];
    this.wallets.set(walletId, { wallet: { walletId, owner, balance, reserved: 0, updatedAt: at }, entries, keys: new Map(), holds: new Map() });
    return this;
  }

  /** The next call of `method` rejects with `error`. */
  failNext(method: Method, error: Error = new Error(`${method} failed (injected by the test)`)): this {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
    return this;
  }

  /** A wallet and its entries (oldest first), read without counting as a call. */
  peek(walletId: string): { wallet: WalletView; entries: LedgerEntryView[] } | undefined {
    const stored = this.wallets.get(walletId);
    return stored && copy({ wallet: stored.wallet, entries: stored.entries });
  }

  async open(walletId: string, owner: WalletOwner): Promise<WalletView> {
    this.record('open', walletId, owner);
    if (!this.wallets.has(walletId)) this.seed(walletId, owner);
    return copy(this.wallets.get(walletId)!.wallet);
  }

  async openPersonal(walletId: string, personId: string, email: string | undefined, credits: number): Promise<WalletView> {
    this.record('openPersonal', walletId, personId, email, credits);
    if (!this.wallets.has(walletId)) {
      const address = email?.trim().toLowerCase();
      const grant = address !== undefined && !this.grantedEmails.has(address);
      if (address !== undefined) this.grantedEmails.add(address);
      this.seed(walletId, { kind: 'person', id: personId });
      if (grant) this.apply(this.wallets.get(walletId)!, 'grant', credits, { reference: 'signup' });
    }
    return copy(this.wallets.get(walletId)!.wallet);
  }

  async get(walletId: string): Promise<WalletView | undefined> {
    this.record('get', walletId);
    const stored = this.wallets.get(walletId);
    return stored && copy(stored.wallet);
  }

  async entries(walletId: string, page: { readonly limit: number; readonly startKey?: Record<string, unknown> }): Promise<EntryPage> {
    this.record('entries', walletId, page);
    const all = [...(this.wallets.get(walletId)?.entries ?? [])].reverse();
    const start = page.startKey ? all.findIndex((e) => e.entryId === String(page.startKey!.sk).slice('ENTRY#'.length)) + 1 : 0;
    const entries = all.slice(start, start + page.limit);
    const more = start + page.limit < all.length;
    return { entries: copy(entries), nextKey: more ? { pk: `WALLET#${walletId}`, sk: `ENTRY#${entries.at(-1)!.entryId}` } : undefined };
  }

  grant(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit('grant', walletId, credit);
  }

  purchase(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit('purchase', walletId, credit);
  }

  refund(walletId: string, credit: Credit): Promise<LedgerResult> {
    return this.credit('refund', walletId, credit);
  }

  async reserve(walletId: string, orderId: string, amount: number): Promise<LedgerResult> {
    this.record('reserve', walletId, orderId, amount);
    const stored = this.required(walletId);
    const held = stored.holds.get(orderId);
    if (held) return { wallet: copy(stored.wallet), entry: copy(stored.entries[held.entryVersion - 1]!), applied: false };
    if (stored.wallet.balance < amount) throw new LedgerError('INSUFFICIENT_CREDITS', `The wallet holds ${stored.wallet.balance} credits; this needs ${amount}.`);
    const entry = this.apply(stored, 'reserve', -amount, { reference: orderId }, amount);
    stored.holds.set(orderId, { walletId, orderId, amount, status: 'HELD', createdAt: entry.at, entryVersion: stored.entries.length });
    return { wallet: copy(stored.wallet), entry: copy(entry), applied: true };
  }

  consume(walletId: string, orderId: string): Promise<LedgerResult> {
    return this.settle('consume', walletId, orderId);
  }

  release(walletId: string, orderId: string): Promise<LedgerResult> {
    return this.settle('release', walletId, orderId);
  }

  async adjust(walletId: string, change: { readonly amount: number; readonly reason: string; readonly actor: string }): Promise<LedgerResult> {
    this.record('adjust', walletId, change);
    const stored = this.required(walletId);
    if (stored.wallet.balance + change.amount < 0) throw new LedgerError('INSUFFICIENT_CREDITS', `The wallet holds ${stored.wallet.balance} credits; a balance never goes below zero.`);
    const entry = this.apply(stored, 'adjustment', change.amount, { reason: change.reason, actor: change.actor });
    return { wallet: copy(stored.wallet), entry: copy(entry), applied: true };
  }

  async reservation(walletId: string, orderId: string): Promise<ReservationRecord | undefined> {
    this.record('reservation', walletId, orderId);
    const held = this.wallets.get(walletId)?.holds.get(orderId);
    return held && copy(held);
  }

  async sweepReservations(olderThan: string, isOrderOpen: (orderId: string) => Promise<boolean>): Promise<number> {
    this.record('sweepReservations', olderThan);
    let released = 0;
    for (const stored of this.wallets.values()) {
      for (const hold of [...stored.holds.values()]) {
        if (hold.status !== 'HELD' || hold.createdAt >= olderThan || (await isOrderOpen(hold.orderId))) continue;
        await this.settle('release', stored.wallet.walletId, hold.orderId, false);
        released++;
      }
    }
    return released;
  }

  private async credit(type: 'grant' | 'purchase' | 'refund', walletId: string, credit: Credit): Promise<LedgerResult> {
    this.record(type, walletId, credit);
    const stored = this.required(walletId);
    const first = stored.keys.get(credit.idempotencyKey);
    if (first) return { wallet: copy(stored.wallet), entry: copy(first), applied: false };
    const entry = this.apply(stored, type, credit.amount, { reference: credit.reference });
    stored.keys.set(credit.idempotencyKey, entry);
    return { wallet: copy(stored.wallet), entry: copy(entry), applied: true };
  }

  private async settle(type: 'consume' | 'release', walletId: string, orderId: string, counted = true): Promise<LedgerResult> {
    if (counted) this.record(type, walletId, orderId);
    const stored = this.required(walletId);
    const held = stored.holds.get(orderId);
    const to = type === 'consume' ? 'CONSUMED' : 'RELEASED';
    if (!held) throw new LedgerError('RESERVATION_NOT_FOUND', 'The order holds no credits in this wallet.');
    if (held.status === to) return { wallet: copy(stored.wallet), entry: copy(stored.entries[held.settledVersion! - 1]!), applied: false };
    if (held.status !== 'HELD') throw new LedgerError('RESERVATION_SETTLED', 'The reservation is settled already.');
    const entry = this.apply(stored, type, type === 'release' ? held.amount : 0, { reference: orderId }, -held.amount);
    stored.holds.set(orderId, { ...held, status: to, settledAt: entry.at, settledVersion: stored.entries.length });
    return { wallet: copy(stored.wallet), entry: copy(entry), applied: true };
  }

  private apply(stored: Stored, type: LedgerEntryType, amount: number, extra: Partial<LedgerEntryView>, reservedChange = 0): LedgerEntryView {
    const at = this.now();
    const balance = stored.wallet.balance + amount;
    stored.wallet = { ...stored.wallet, balance, reserved: stored.wallet.reserved + reservedChange, updatedAt: at };
    const entry: LedgerEntryView = { entryId: randomUUID(), type, amount, balanceAfter: balance, ...extra, at };
    stored.entries.push(entry);
    return entry;
  }

  private required(walletId: string): Stored {
    const stored = this.wallets.get(walletId);
    if (!stored) throw new LedgerError('WALLET_NOT_FOUND', 'No such wallet.');
    return stored;
  }

  private record(method: Method, ...args: unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
  }

  private now(): string {
    return new Date(this.clock++).toISOString();
  }
}
