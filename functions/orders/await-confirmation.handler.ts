import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { taskHandler } from '#lib/task-handler';
import { logger } from '#lib/powertools';
import { type Orders, OrderStore } from './order-store';

export interface AwaitConfirmationInput {
  readonly orderId: string;
  readonly taskToken: string;
}

/**
 * Called with `.waitForTaskToken`: stores the token on the order and moves it
 * to PENDING_EDITOR_CONFIRMATION. The execution stays paused until DecideOrder
 * resumes it. A retried call replaces the token with the newer one.
 */
export const awaitConfirmationHandler = ({ orders: store }: { readonly orders: Orders }) =>
  taskHandler<AwaitConfirmationInput, { orderId: string }>(async ({ orderId, taskToken }) => {
    if (!taskToken) throw new Error('ConfirmationGate was called without a task token');
    await store.transition(orderId, ['SUBMITTED', 'PENDING_EDITOR_CONFIRMATION'], 'PENDING_EDITOR_CONFIRMATION', { taskToken });
    logger.info('Order waiting for confirmation', { orderId });
    return { orderId };
  });

export const handler = awaitConfirmationHandler({ orders: new OrderStore(ddb(), requireEnv('Table')) });
