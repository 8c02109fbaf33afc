import type { Caller } from '#lib/api-handler';
import { ApiError } from '#lib/errors';
import type { WalletView } from '#shared/wallets';
import type { Ledger } from './ledger-store';

/** The ID of a person's own wallet: their `sub`, so it is found without an index. */
export const personalWalletId = (sub: string): string => sub;

/**
 * The wallet the caller may read: their own personal wallet, or any for an
 * admin. Any other wallet answers WALLET_NOT_FOUND, so nobody learns that it
 * exists. (Organisation wallets and their members arrive with organisations.)
 */
export async function readableWallet(ledger: Pick<Ledger, 'get'>, walletId: string, caller: Caller): Promise<WalletView> {
  const wallet = await ledger.get(walletId);
  const mayRead = caller.groups.includes('admins') || (wallet?.owner.kind === 'person' && wallet.owner.id === caller.sub);
  if (!wallet || !mayRead) throw new ApiError('WALLET_NOT_FOUND', 'No such wallet.');
  return wallet;
}
