import { failureFromError, isOpen, OPEN_STATUSES } from '#shared/orders';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { taskHandler } from '#lib/task-handler';
import { logger } from '#lib/powertools';
import { type CustomerNotifier, customerNotifierOf, tellQuietly } from '#functions/notifications/customer-notifier';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { settleCredits } from './credits';
import { type Orders, OrderStore } from './order-store';

export interface FailOrderInput {
  readonly orderId: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/** Ends an order visibly: rejected, expired or failed, with a reason the customer can read; the credits it held go back, and the customer is told. */
export const failOrderHandler = ({ orders: store, ledger, notify }: { readonly orders: Orders; readonly ledger: Pick<Ledger, 'release'>; readonly notify?: CustomerNotifier }) =>
  taskHandler<FailOrderInput, { orderId: string; status: string }>(async ({ orderId, error }) => {
    const { status, reason } = failureFromError(error);
    const current = await store.get(orderId);
    if (!current) throw new Error(`Order ${orderId} does not exist`);
    // Confirmed orders spent their credits and are in production, whose own pipeline ends them.
    if (!isOpen(current.status)) return { orderId, status: current.status };
    // Released before the order ends, so a retry after a lost answer still releases (once).
    await settleCredits(ledger, 'release', current);
    await store.transition(orderId, OPEN_STATUSES, status, { failureReason: reason, detail: reason });
    logger.warn('Order ended without confirmation', { orderId, status, error: error?.Error });
    // A draft the customer never sent is not news to them; anything that reached the studio is.
    if (current.status !== 'DRAFT') await tellQuietly(notify, current, { type: 'order-failed', reason, creditsRefunded: current.credits });
    return { orderId, status };
  });

export const handler = failOrderHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
});
