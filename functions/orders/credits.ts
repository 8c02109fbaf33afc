import { logger } from '#lib/powertools';
import { type Ledger, LedgerError } from '#functions/wallets/ledger-store';
import { payingWallet } from './order-store';

/**
 * Settles the credits an order holds on its wallet: `consume` when it is
 * confirmed, `release` when it ends any other way. Each is once per order (a
 * retry writes nothing). An order that holds nothing (free, or submitted
 * before it had to pay) has nothing to settle; a hold settled the other way
 * already is logged as an error for finance, not retried for ever.
 */
export async function settleCredits<How extends 'consume' | 'release'>(
  ledger: Pick<Ledger, How>,
  how: How,
  order: { readonly orderId: string; readonly customerId: string; readonly walletId?: string; readonly credits: number },
): Promise<void> {
  const walletId = payingWallet(order);
  try {
    const { applied, entry } = await (ledger as Pick<Ledger, 'consume' | 'release'>)[how](walletId, order.orderId);
    if (applied) logger.info(how === 'consume' ? 'Credits spent' : 'Credits released', { orderId: order.orderId, walletId, amount: entry.amount });
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    if (error.reason === 'RESERVATION_NOT_FOUND' || error.reason === 'WALLET_NOT_FOUND') {
      if (order.credits > 0) logger.warn('The order held no credits to settle', { orderId: order.orderId, walletId, how });
      return;
    }
    logger.error('The order’s credits were settled the other way already', { orderId: order.orderId, walletId, how, reason: error.reason });
  }
}
