import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { OPEN_STATUSES } from '#shared/orders';
import { type Ledger, LedgerStore } from './ledger-store';

/** Holds younger than this are left alone: their order may be being written right now. */
export const SWEEP_GRACE_MINUTES = 15;

export interface SweepReservationsInput {
  /** ISO time: only holds placed before it are considered; defaults to {@link SWEEP_GRACE_MINUTES} ago. */
  readonly olderThan?: string;
}

/**
 * Releases every credit hold whose order is no longer open (ended, or never
 * written), so no reservation outlives its order. Meant to run hourly.
 */
export const sweepReservationsHandler = ({ ledger, orders, now = () => Date.now() }: { readonly ledger: Pick<Ledger, 'sweepReservations'>; readonly orders: Pick<Orders, 'get'>; readonly now?: () => number }) =>
  taskHandler<SweepReservationsInput | undefined, { released: number }>(async (input) => {
    const olderThan = input?.olderThan ?? new Date(now() - SWEEP_GRACE_MINUTES * 60_000).toISOString();
    const open = new Set<string>(OPEN_STATUSES);
    const released = await ledger.sweepReservations(olderThan, async (orderId) => open.has((await orders.get(orderId))?.status ?? ''));
    if (released) logger.warn('Released credits held by orders no longer open', { released, olderThan });
    return { released };
  });

export const handler = sweepReservationsHandler({ ledger: new LedgerStore(ddb(), requireEnv('Table')), orders: new OrderStore(ddb(), requireEnv('Table')) });
