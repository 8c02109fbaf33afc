import { payingWallet } from '#functions/orders/order-store';
import type { Ledger } from '#functions/wallets/ledger-store';
import { logger } from '#lib/powertools';

/** Gives back what the images not delivered cost, once per order (the key is the order's). */
export async function refundUndelivered(ledger: Pick<Ledger, 'refund'>, order: Parameters<typeof payingWallet>[0] & { readonly orderId: string; readonly credits: number }, returned: number): Promise<number> {
  const amount = Math.min(returned, order.credits);
  if (amount <= 0) return 0;
  const { applied } = await ledger.refund(payingWallet(order), { amount, reference: order.orderId, idempotencyKey: `delivery-refund/${order.orderId}` });
  if (applied) logger.info('Credits of images not delivered given back', { orderId: order.orderId, amount });
  return amount;
}
