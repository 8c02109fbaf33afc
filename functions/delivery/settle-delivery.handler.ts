import { ImageStore, type GeneratedImages } from '#functions/generation/image-store';
import { type Orders, OrderConflictError, OrderStore } from '#functions/orders/order-store';
import { type Reviews, ReviewStore } from '#functions/review/review-store';
import { type Ledger, LedgerStore } from '#functions/wallets/ledger-store';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { metrics, MetricUnit } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { creditsForDelivery } from '#shared/delivery';
import { approvedImages } from './approved-images';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { refundUndelivered } from './refunds';

/**
 * The order is delivered: the customer pays for the approved images only
 * (each style's price covers its planned images, rounded down in their
 * favour), the rest of what the order spent goes back to the wallet that paid
 * (a `refund` entry, once), and the order ends DELIVERED. Safe to retry.
 */
export const settleDeliveryHandler = ({
  orders,
  images,
  reviews,
  deliveries,
  ledger,
}: {
  readonly orders: Pick<Orders, 'get' | 'plans' | 'transition'>;
  readonly images: Pick<GeneratedImages, 'list'>;
  readonly reviews: Pick<Reviews, 'markDelivered'>;
  readonly deliveries: Pick<Deliveries, 'recordSettlement'>;
  readonly ledger: Pick<Ledger, 'refund'>;
}) =>
  taskHandler<{ orderId: string }, { orderId: string; status: 'DELIVERED'; approved: number; charged: number; returned: number }>(async ({ orderId }) => {
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    const [plans, approved] = await Promise.all([orders.plans(orderId), approvedImages(images, orderId)]);
    if (approved.length === 0) throw new Error(`Order ${orderId} has no approved image to deliver`);
    const byStyle: Record<string, number> = {};
    for (const image of approved) byStyle[image.styleId] = (byStyle[image.styleId] ?? 0) + 1;
    const { charged, returned } = creditsForDelivery(order.styleDetails, plans, byStyle);
    // Recorded before the refund, so a failure after it (FailDelivery) knows what was given back already.
    const deliveredAt = new Date().toISOString();
    await deliveries.recordSettlement(orderId, { charged, returned, approved: approved.length, deliveredAt });
    await refundUndelivered(ledger, order, returned);
    try {
      await orders.transition(orderId, ['PENDING_REVIEW'], 'DELIVERED', {
        detail: `${approved.length} headshot${approved.length === 1 ? '' : 's'} delivered; ${charged} credit${charged === 1 ? '' : 's'} charged${returned ? `, ${returned} given back` : ''}`,
      });
    } catch (error) {
      if (!(error instanceof OrderConflictError) || (await orders.get(orderId))?.status !== 'DELIVERED') throw error;
    }
    await reviews.markDelivered(orderId);
    metrics.addMetric('ImagesDelivered', MetricUnit.Count, approved.length);
    return { orderId, status: 'DELIVERED', approved: approved.length, charged, returned };
  });

export const handler = settleDeliveryHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  reviews: new ReviewStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  ledger: new LedgerStore(ddb(), requireEnv('Table')),
});
