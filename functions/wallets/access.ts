import type { Caller } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import type { Organisations } from '#functions/organisations/organisation-store';
import { readsWalletHistory } from '#shared/organisations';
import type { WalletView } from '#shared/wallets';
import type { Ledger } from './ledger-store';

/** The ID of a person's own wallet: their `sub`, so it is found without an index. */
export const personalWalletId = (sub: string): string => sub;

/** The ID of an organisation's shared wallet: the organisation's ID. */
export const organisationWalletId = (orgId: string): string => orgId;

/** What deciding who may use a wallet reads: the wallet, and the caller's membership of an organisation that owns one. */
export interface WalletAccessDeps {
  readonly ledger: Pick<Ledger, 'get'>;
  readonly organisations: Pick<Organisations, 'membership'>;
}

/** What the caller reads: the balance (any member may), or the history too (an organisation's owners and admins). */
export type WalletReading = 'balance' | 'history';

const notFound = () => new ApiError('WALLET_NOT_FOUND', 'No such wallet.');

/**
 * The ledger alone (as callers wrote it before organisations) reads no
 * memberships, so organisation wallets stay unreadable through it.
 */
type AccessInput = WalletAccessDeps | Pick<Ledger, 'get'>;
const depsOf = (input: AccessInput): { ledger: Pick<Ledger, 'get'>; organisations?: WalletAccessDeps['organisations'] } =>
  'ledger' in input ? input : { ledger: input };

/**
 * The wallet the caller may read: their own personal wallet; an
 * organisation's wallet when they belong to it (every member reads its
 * balance, only owners and admins its history: the history shows what each
 * member spent, which is for the people who run the organisation); any wallet
 * for an admin. Any other wallet answers WALLET_NOT_FOUND, so nobody learns
 * that it exists.
 */
export async function readableWallet(access: AccessInput, walletId: string, caller: Caller, reading: WalletReading = 'balance'): Promise<WalletView> {
  const deps = depsOf(access);
  const wallet = await deps.ledger.get(walletId);
  if (!wallet) throw notFound();
  if (caller.groups.includes('admins')) return wallet;
  if (wallet.owner.kind === 'person' && wallet.owner.id === caller.sub) return wallet;
  if (wallet.owner.kind === 'organisation' && deps.organisations) {
    const membership = await deps.organisations.membership(wallet.owner.id, caller.sub);
    if (membership && (reading === 'balance' || readsWalletHistory(membership.role))) return wallet;
  }
  throw notFound();
}

/**
 * The wallet the caller may spend from (place an order on): their own
 * personal wallet, or the wallet of an organisation they belong to, in any
 * role. Admins spend only their own, as everyone does. Anything else throws
 * WALLET_NOT_FOUND (404), which an order route answers as is.
 */
export async function spendableWallet(deps: WalletAccessDeps, walletId: string, caller: Caller): Promise<WalletView> {
  const wallet = await deps.ledger.get(walletId);
  if (!wallet) throw notFound();
  if (wallet.owner.kind === 'person' && wallet.owner.id === caller.sub) return wallet;
  if (wallet.owner.kind === 'organisation' && (await deps.organisations.membership(wallet.owner.id, caller.sub))) return wallet;
  throw notFound();
}
