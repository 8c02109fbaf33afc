import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ddb, sfnClient } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger, metrics } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { OrderConflictError, type Orders, OrderStore } from '#functions/orders/order-store';
import { NoImagesKept } from './errors';

/**
 * Every batch is settled: the order waits for the artists' review
 * (PENDING_REVIEW) with its kept images, and its delivery pipeline starts
 * (one execution per order, `<orderId>-delivery`, whose first step is the
 * review gate); or it fails when the identity lock kept none. Safe to retry.
 */
export const finishGenerationHandler = ({
  orders,
  sfn,
  deliveryPipeline,
}: {
  readonly orders: Pick<Orders, 'get' | 'transition'>;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly deliveryPipeline: string;
}) =>
  taskHandler<{ orderId: string }, { orderId: string; status: 'PENDING_REVIEW' }>(async ({ orderId }) => {
    const startDelivery = async () => {
      try {
        await sfn.send(new StartExecutionCommand({ stateMachineArn: deliveryPipeline, name: `${orderId}-delivery`, input: JSON.stringify({ orderId }) }));
      } catch (error) {
        // A retried step: the delivery pipeline runs already.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
    };
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (order.status === 'PENDING_REVIEW') {
      await startDelivery();
      return { orderId, status: 'PENDING_REVIEW' };
    }
    const kept = order.imagesKept ?? 0;
    const rejected = order.imagesRejected ?? 0;
    if (kept === 0) throw new NoImagesKept(`None of the ${rejected} images looked enough like the customer`);
    try {
      await orders.transition(orderId, ['GENERATING'], 'PENDING_REVIEW', {
        detail: `${kept} headshots ready for review${rejected ? ` (${rejected} set aside: they did not look enough like you)` : ''}`,
      });
    } catch (error) {
      if (!(error instanceof OrderConflictError) || (await orders.get(orderId))?.status !== 'PENDING_REVIEW') throw error;
    }
    await startDelivery();
    metrics.addMetric('OrdersGenerated', 'Count', 1);
    logger.info('Order generated', { orderId, kept, rejected });
    return { orderId, status: 'PENDING_REVIEW' };
  });

export const handler = finishGenerationHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  sfn: sfnClient(),
  deliveryPipeline: requireEnv('DeliveryPipeline'),
});
