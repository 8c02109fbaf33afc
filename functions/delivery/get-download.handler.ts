import { type Orders, OrderStore } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getDownload } from '#shared/api/delivery';
import { deliveredOrder } from './customer-order';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { mediaLinksOf } from './media-cdn';
import type { MediaLinks } from './media-links';

/** How long a download link works: long enough for a slow connection, short enough not to be passed around. */
export const DOWNLOAD_LINK_SECONDS = 3600;

/** GET /v1/orders/{orderId}/download — a signed link to the order's ZIP (built once, at delivery). */
export const getDownloadHandler = ({
  orders,
  deliveries,
  links,
  now = () => new Date(),
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly deliveries: Pick<Deliveries, 'get'>;
  readonly links: () => Promise<MediaLinks>;
  readonly now?: () => Date;
}) =>
  apiHandler(getDownload, async ({ params, caller }) => {
    const { delivery } = await deliveredOrder(orders, deliveries, params.orderId, caller);
    const validUntil = new Date(now().getTime() + DOWNLOAD_LINK_SECONDS * 1000);
    return {
      url: (await links()).sign(delivery.archive.key, validUntil),
      validUntil: validUntil.toISOString(),
      size: delivery.archive.size,
      entries: delivery.archive.entries,
      fileName: delivery.archive.key.split('/').pop()!,
    };
  });

export const handler = getDownloadHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  links: mediaLinksOf(requireEnv('MediaCdn')),
});
