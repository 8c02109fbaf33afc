import type { S3Client } from '@aws-sdk/client-s3';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { signedDownload } from '#lib/uploads';
import { listOrderImages } from '#shared/api/generation';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { type GeneratedImages, ImageStore } from './image-store';
import { storageFor } from './layout';
import { bucketsByResource } from './storage-buckets';

/** GET /v1/admin/orders/{orderId}/images — every generated image of an order, for admins: scores, seeds, attempts, prices, a preview link. */
export const listOrderImagesHandler = ({
  orders,
  images,
  s3,
  bucketOf,
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly images: Pick<GeneratedImages, 'list'>;
  readonly s3: S3Client;
  readonly bucketOf: (resourceId: string) => string;
}) =>
  apiHandler(listOrderImages, async ({ params }) => {
    const order = await orders.get(params.orderId);
    if (!order) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    const stored = await images.list(order.orderId);
    return {
      orderId: order.orderId,
      status: order.status,
      imagesPlanned: order.imagesPlanned ?? 0,
      images: await Promise.all(
        stored.map(async ({ variants, storageVersion, attempts, orderId: _order, ...image }) => {
          const preview = variants.find((v) => v.name === 'preview') ?? variants[0];
          return {
            ...image,
            attempts: [...attempts],
            previewUrl: preview ? await signedDownload(s3, bucketOf(storageFor(storageVersion).bucket), preview.key) : '',
            variants: variants.map(({ name, format, width, height, size, sha256 }) => ({ name, format, width, height, size, sha256 })),
          };
        }),
      ),
    };
  });

export const handler = listOrderImagesHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  bucketOf: bucketsByResource({ OutputsBucket: requireEnv('OutputsBucket') }),
});
