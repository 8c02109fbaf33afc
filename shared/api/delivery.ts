import { archiveSchema, galleryImageSchema } from '../delivery';
import * as z from '../validation';
import { defineRoute } from './contract';
import { orderIdParams } from './orders';

/** What the customer receives: the gallery of approved headshots and the ZIP of all of them. */
export const getGallery = defineRoute({
  operationId: 'getGallery',
  method: 'GET',
  path: '/v1/orders/{orderId}/gallery',
  auth: 'user',
  tag: 'delivery',
  summary: "A delivered order's approved headshots, each with signed links to its preview, full size and every file",
  description: 'Links are signed and expire (`linksValidUntil`); ask again for fresh ones. Only the order\'s customer (and admins) may open it.',
  params: orderIdParams,
  status: 200,
  response: z.object({
    orderId: z.string(),
    studioName: z.string(),
    deliveredAt: z.string(),
    linksValidUntil: z.string(),
    images: z.array(galleryImageSchema),
    archive: z.optional(z.pick(archiveSchema, { size: true, entries: true, builtAt: true })),
  }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_DELIVERED'],
});

export const getDownload = defineRoute({
  operationId: 'getDownload',
  method: 'GET',
  path: '/v1/orders/{orderId}/download',
  auth: 'user',
  tag: 'delivery',
  summary: 'A signed link to the ZIP of every approved headshot in every size and format, with metadata.json',
  description: 'The archive is built once, when the order is delivered, and reused; the link expires (`validUntil`).',
  params: orderIdParams,
  status: 200,
  response: z.object({ url: z.string(), validUntil: z.string(), size: z.number(), entries: z.number(), fileName: z.string() }),
  errors: ['ORDER_NOT_FOUND', 'ORDER_NOT_DELIVERED'],
});
