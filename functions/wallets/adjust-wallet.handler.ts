import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { adjustWallet } from '#shared/api/wallets';
import { type Ledger, LedgerError, LedgerStore } from './ledger-store';

/**
 * POST /v1/admin/wallets/{walletId}/adjustments — an admin adds or takes
 * credits, with a reason; the entry records the admin. A balance never goes below zero.
 */
export const adjustWalletHandler = ({ ledger }: { readonly ledger: Pick<Ledger, 'adjust'> }) =>
  apiHandler(adjustWallet, async ({ params, body, caller }) => {
    try {
      const { wallet, entry } = await ledger.adjust(params.walletId, { amount: body.amount, reason: body.reason, actor: caller.sub });
      logger.info('Wallet adjusted', { walletId: wallet.walletId, amount: entry.amount, actor: caller.sub });
      return { wallet, entry };
    } catch (error) {
      if (error instanceof LedgerError && (error.reason === 'WALLET_NOT_FOUND' || error.reason === 'INSUFFICIENT_CREDITS')) throw new ApiError(error.reason, error.message);
      throw error;
    }
  });

export const handler = adjustWalletHandler({ ledger: new LedgerStore(ddb(), requireEnv('Table')) });
