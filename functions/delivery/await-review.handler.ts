import { type Orders, OrderStore } from '#functions/orders/order-store';
import { type Reviews, ReviewStore } from '#functions/review/review-store';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';

export interface AwaitReviewInput {
  readonly orderId: string;
  readonly taskToken: string;
}

/**
 * Called with `.waitForTaskToken`: opens the review gate of a generated order
 * (PENDING_REVIEW), keeping the token server-side with the number of images
 * to decide. The execution stays paused until a reviewer delivers the order
 * (DeliverOrder resumes it) or the wait's timeout ends it.
 */
export const awaitReviewHandler = ({ orders, reviews }: { readonly orders: Pick<Orders, 'get'>; readonly reviews: Pick<Reviews, 'open'> }) =>
  taskHandler<AwaitReviewInput, { orderId: string }>(async ({ orderId, taskToken }) => {
    if (!taskToken) throw new Error('AwaitReview was called without a task token');
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (order.status !== 'PENDING_REVIEW') throw new Error(`Order ${orderId} is ${order.status}, not waiting for review`);
    await reviews.open({ orderId, customerId: order.customerId, toDecide: order.imagesKept ?? 0, taskToken });
    logger.info('Order waiting for review', { orderId, toDecide: order.imagesKept ?? 0 });
    return { orderId };
  });

export const handler = awaitReviewHandler({ orders: new OrderStore(ddb(), requireEnv('Table')), reviews: new ReviewStore(ddb(), requireEnv('Table')) });
