import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { failureFromError, isTerminal, PRODUCTION_STATUSES } from '#shared/orders';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { ProviderLimits } from './provider-limits';

export interface FailGenerationInput {
  readonly orderId: string;
  readonly error?: { readonly Error?: string; readonly Cause?: string };
}

/**
 * Production stopped: the order ends FAILED with a reason the customer reads,
 * and every provider slot it still held (batches cut short when the Map
 * failed) is given back at once rather than when its lease runs out.
 */
export const failGenerationHandler = ({ orders, limits }: { readonly orders: Pick<Orders, 'get' | 'transition'>; readonly limits: Pick<ProviderLimits, 'holders' | 'release'> }) =>
  taskHandler<FailGenerationInput, { orderId: string; status: string }>(async ({ orderId, error }) => {
    const held = Object.keys(await limits.holders()).filter((holder) => holder.startsWith(`${orderId}/`));
    await Promise.all(held.map((holder) => limits.release(holder)));
    const current = await orders.get(orderId);
    if (!current) throw new Error(`Order ${orderId} does not exist`);
    if (isTerminal(current.status)) return { orderId, status: current.status };
    const { reason } = failureFromError(error);
    await orders.transition(orderId, PRODUCTION_STATUSES, 'FAILED', { failureReason: reason, detail: reason });
    metrics.addMetric('OrdersFailedInProduction', 'Count', 1);
    logger.error('Production failed', { orderId, error: error?.Error, cause: error?.Cause, slotsFreed: held.length });
    return { orderId, status: 'FAILED' };
  });

export const handler = failGenerationHandler({ orders: new OrderStore(ddb(), requireEnv('Table')), limits: new ProviderLimits(ddb(), requireEnv('Table'), 'fal') });
