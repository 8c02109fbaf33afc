import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { failureFromError, isTerminal, PRODUCTION_STATUSES } from '#shared/orders';
import { type Orders, OrderStore, payingWallet } from '#functions/orders/order-store';
import { type CustomerNotifier, customerNotifierOf, tellQuietly } from '#functions/notifications/customer-notifier';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { ProviderLimits } from './provider-limits';

export interface FailGenerationInput {
  readonly orderId: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/**
 * Production stopped: the order ends FAILED with a reason the customer reads,
 * the credits it spent go back to the wallet that paid (a `refund` entry, once
 * per order however often the step runs), and every provider slot it still
 * held (batches cut short when the Map failed) is given back at once rather
 * than when its lease runs out.
 */
export const failGenerationHandler = ({
  orders,
  limits,
  ledger,
  notify,
}: {
  readonly orders: Pick<Orders, 'get' | 'transition'>;
  readonly limits: Pick<ProviderLimits, 'holders' | 'release'>;
  readonly ledger: Pick<Ledger, 'refund'>;
  /** Tells the customer the order failed and was refunded. */
  readonly notify?: CustomerNotifier;
}) =>
  taskHandler<FailGenerationInput, { orderId: string; status: string }>(async ({ orderId, error }) => {
    const held = Object.keys(await limits.holders()).filter((holder) => holder.startsWith(`${orderId}/`));
    await Promise.all(held.map((holder) => limits.release(holder)));
    const current = await orders.get(orderId);
    if (!current) throw new Error(`Order ${orderId} does not exist`);
    // Refunded before the order ends, so a retry after a lost answer still refunds (once: the key is the order's).
    if (current.credits > 0) {
      const { applied } = await ledger.refund(payingWallet(current), { amount: current.credits, reference: orderId, idempotencyKey: `production-refund/${orderId}` });
      if (applied) logger.info('Credits refunded', { orderId, amount: current.credits });
    }
    if (isTerminal(current.status)) return { orderId, status: current.status };
    const { reason } = failureFromError(error);
    await orders.transition(orderId, PRODUCTION_STATUSES, 'FAILED', { failureReason: reason, detail: reason });
    metrics.addMetric('OrdersFailedInProduction', 'Count', 1);
    logger.error('Production failed', { orderId, error: error?.Error, cause: error?.Cause, slotsFreed: held.length });
    await tellQuietly(notify, current, { type: 'order-failed', reason, creditsRefunded: current.credits });
    return { orderId, status: 'FAILED' };
  });

export const handler = failGenerationHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  limits: new ProviderLimits(ddb(), requireEnv('Table'), 'fal'),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
});
