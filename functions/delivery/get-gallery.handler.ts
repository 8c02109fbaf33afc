import { type GeneratedImages, ImageStore } from '#functions/generation/image-store';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { getGallery } from '#shared/api/delivery';
import { approvedImages } from './approved-images';
import { deliveredOrder } from './customer-order';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { LINK_LIFETIME_SECONDS, mediaLinksOf } from './media-cdn';
import type { MediaLinks } from './media-links';

/** How long gallery links work: the page asks again for fresh ones when it is opened later. */
export const GALLERY_LINK_SECONDS = Math.min(LINK_LIFETIME_SECONDS, 12 * 3600);

/**
 * GET /v1/orders/{orderId}/gallery — the approved headshots of a delivered
 * order, each with signed, expiring links to its preview, its full size and
 * every file (every size and format).
 */
export const getGalleryHandler = ({
  orders,
  images,
  deliveries,
  links,
  now = () => new Date(),
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly images: Pick<GeneratedImages, 'list'>;
  readonly deliveries: Pick<Deliveries, 'get'>;
  readonly links: () => Promise<MediaLinks>;
  readonly now?: () => Date;
}) =>
  apiHandler(getGallery, async ({ params, caller }) => {
    const { order, delivery } = await deliveredOrder(orders, deliveries, params.orderId, caller);
    const [approved, signer] = await Promise.all([approvedImages(images, order.orderId), links()]);
    const validUntil = new Date(now().getTime() + GALLERY_LINK_SECONDS * 1000);
    const sign = (key: string) => signer.sign(key, validUntil);
    const names = new Map(order.styleDetails.map((style) => [style.styleId, style.name]));
    return {
      orderId: order.orderId,
      studioName: order.studioName,
      deliveredAt: delivery.deliveredAt ?? delivery.archive.builtAt,
      linksValidUntil: validUntil.toISOString(),
      images: approved.map((image) => {
        const preview = image.variants.find((v) => v.name === 'preview') ?? image.variants[0]!;
        // The viewer shows the largest JPEG (the print size when there is one).
        const full = [...image.variants].filter((v) => v.format === 'jpeg').sort((a, b) => b.width - a.width)[0] ?? preview;
        return {
          imageId: image.imageId,
          styleId: image.styleId,
          styleName: names.get(image.styleId) ?? image.styleId,
          poseId: image.poseId,
          previewUrl: sign(preview.key),
          fullUrl: sign(full.key),
          files: image.variants.map((v) => ({ name: v.name, format: v.format, width: v.width, height: v.height, size: v.size, url: sign(v.key) })),
          retouched: false,
        };
      }),
      archive: { size: delivery.archive.size, entries: delivery.archive.entries, builtAt: delivery.archive.builtAt },
    };
  });

export const handler = getGalleryHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  links: mediaLinksOf(requireEnv('MediaCdn')),
});
