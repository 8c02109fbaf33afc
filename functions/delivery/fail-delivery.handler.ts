import { type CustomerNotifier, customerNotifierOf } from '#functions/notifications/customer-notifier';
import { type Orders, OrderStore, payingWallet } from '#functions/orders/order-store';
import { type Reviews, ReviewStore } from '#functions/review/review-store';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { failureFromError, isTerminal } from '#shared/orders';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { refundUndelivered } from './refunds';

export interface FailDeliveryInput {
  readonly orderId: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/**
 * The review timed out or delivering failed: the review gate closes, the
 * credits the order spent go back to the wallet that paid (a `refund`, once),
 * the order ends FAILED with a reason the customer reads, and they are told
 * by e-mail. Safe to retry: nothing is refunded or sent twice.
 */
export const failDeliveryHandler = ({
  orders,
  reviews,
  deliveries,
  ledger,
  notify,
}: {
  readonly orders: Pick<Orders, 'get' | 'transition'>;
  readonly reviews: Pick<Reviews, 'close'>;
  readonly deliveries: Pick<Deliveries, 'get'>;
  readonly ledger: Pick<Ledger, 'refund'>;
  readonly notify: CustomerNotifier;
}) =>
  taskHandler<FailDeliveryInput, { orderId: string; status: string }>(async ({ orderId, error }) => {
    await reviews.close(orderId);
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (isTerminal(order.status)) return { orderId, status: order.status };
    // The pipeline names the review gate's own timeout ReviewExpired; anything else failed on our side.
    const { reason } = failureFromError(error?.Error === 'ReviewExpired' ? error : { Error: 'DeliveryFailed', Cause: error?.Cause });
    // Refunded before the order ends, so a retry after a lost answer still refunds. Once, whatever ran before:
    // a settlement that had begun gave back (or now gives back, under its own key) the images not delivered,
    // and this refunds the rest, so the order's credits come back exactly once in all.
    let refunded = 0;
    if (order.credits > 0) {
      const settled = (await deliveries.get(orderId))?.returned;
      const partly = settled === undefined ? 0 : await refundUndelivered(ledger, order, settled);
      const rest = order.credits - partly;
      if (rest > 0) {
        const { applied } = await ledger.refund(payingWallet(order), { amount: rest, reference: orderId, idempotencyKey: `delivery-failed-refund/${orderId}` });
        if (applied) logger.info('Credits refunded', { orderId, amount: rest });
      }
      refunded = order.credits;
    }
    // Told before the order ends: a failed send is retried with the step, and an ended order is never told twice.
    await notify.tell(order, { type: 'order-failed', reason, creditsRefunded: refunded });
    await orders.transition(orderId, ['PENDING_REVIEW'], 'FAILED', { failureReason: reason, detail: reason });
    metrics.addMetric('OrdersFailedInDelivery', 'Count', 1);
    logger.error('Delivery failed', { orderId, error: error?.Error, cause: error?.Cause });
    return { orderId, status: 'FAILED' };
  });

export const handler = failDeliveryHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  reviews: new ReviewStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
});
