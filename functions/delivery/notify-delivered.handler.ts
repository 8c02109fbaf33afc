import { type CustomerNotifier, customerNotifierOf } from '#functions/notifications/customer-notifier';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { LINK_LIFETIME_SECONDS, mediaLinksOf } from './media-cdn';
import type { MediaLinks } from './media-links';

/**
 * Tells the customer their headshots are ready: a link to the gallery (they
 * sign in) and a signed link to the ZIP that works for a week. Once: a retry
 * after the e-mail went changes nothing.
 */
export const notifyDeliveredHandler = ({
  orders,
  deliveries,
  notify,
  links,
  now = () => new Date(),
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly deliveries: Pick<Deliveries, 'get' | 'markNotified'>;
  readonly notify: CustomerNotifier;
  readonly links: () => Promise<MediaLinks>;
  readonly now?: () => Date;
}) =>
  taskHandler<{ orderId: string }, { orderId: string; notified: boolean }>(async ({ orderId }) => {
    const [order, delivery] = await Promise.all([orders.get(orderId), deliveries.get(orderId)]);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    if (!delivery?.archive || delivery.charged === undefined) throw new Error(`Order ${orderId} is not delivered yet`);
    if (delivery.notifiedAt) return { orderId, notified: false };
    const validUntil = new Date(now().getTime() + LINK_LIFETIME_SECONDS * 1000);
    const downloadLink = (await links()).sign(delivery.archive.key, validUntil);
    const told = await notify.tell(order, {
      type: 'headshots-ready',
      approved: delivery.approved ?? 0,
      downloadLink,
      linksValidUntil: validUntil.toISOString(),
      creditsCharged: delivery.charged,
      creditsReleased: delivery.returned ?? 0,
    });
    if (!told) return { orderId, notified: false };
    await deliveries.markNotified(orderId, now().toISOString());
    logger.info('Customer told the headshots are ready', { orderId });
    return { orderId, notified: true };
  });

export const handler = notifyDeliveredHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
  links: mediaLinksOf(requireEnv('MediaCdn')),
});
