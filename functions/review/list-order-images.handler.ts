import type { S3Client } from '@aws-sdk/client-s3';
import { type Photos, PhotoStore } from '#functions/photos/photo-store';
import { type GeneratedImage, type GeneratedImages, ImageStore } from '#functions/generation/image-store';
import { storageFor } from '#functions/generation/layout';
import { bucketsByResource } from '#functions/generation/storage-buckets';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { signedDownload } from '#lib/uploads';
import { type ImageReview, listOrderImages, reviewImageId } from '#shared/api/review';
import { isAdmin, orderNotFound, visibleReview } from './access';
import { type Reviews, ReviewStore, toSummary } from './review-store';

/**
 * GET /v1/admin/orders/{orderId}/images — every generated image of an order
 * with its scores, seeds, attempts, prices, review and a preview link, beside
 * the customer's accepted selfies. Admins see any order, artists their own.
 */
export const listOrderImagesHandler = ({
  orders,
  images,
  photos,
  reviews,
  s3,
  bucketOf,
  uploadsBucket,
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly images: Pick<GeneratedImages, 'list'>;
  readonly photos: Pick<Photos, 'list'>;
  readonly reviews: Pick<Reviews, 'get'>;
  readonly s3: S3Client;
  readonly bucketOf: (resourceId: string) => string;
  readonly uploadsBucket: string;
}) =>
  apiHandler(listOrderImages, async ({ params, caller }) => {
    const [order, review] = await Promise.all([orders.get(params.orderId), reviews.get(params.orderId)]);
    if (!order || (!isAdmin(caller) && !visibleReview(caller, review))) throw orderNotFound();
    const [stored, selfies] = await Promise.all([images.list(order.orderId), photos.list(order.orderId)]);
    return {
      orderId: order.orderId,
      status: order.status,
      imagesPlanned: order.imagesPlanned ?? 0,
      images: await Promise.all(
        stored.map(async (record) => {
          const { variants, storageVersion, attempts, orderId: _order, ...image } = record as GeneratedImage & { review?: ImageReview };
          const preview = variants.find((v) => v.name === 'preview') ?? variants[0];
          return {
            ...image,
            reviewImageId: reviewImageId(order.orderId, image.imageId),
            attempts: [...attempts],
            previewUrl: preview ? await signedDownload(s3, bucketOf(storageFor(storageVersion).bucket), preview.key) : '',
            variants: variants.map(({ name, format, width, height, size, sha256 }) => ({ name, format, width, height, size, sha256 })),
          };
        }),
      ),
      selfies: await Promise.all(
        selfies
          .filter((photo) => photo.status === 'ACCEPTED' && photo.photoKey)
          .map(async (photo) => ({ photoId: photo.photoId, url: await signedDownload(s3, uploadsBucket, photo.photoKey!) })),
      ),
      ...(review && { review: toSummary(review) }),
    };
  });

export const handler = listOrderImagesHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  reviews: new ReviewStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  bucketOf: bucketsByResource({ OutputsBucket: requireEnv('OutputsBucket') }),
  uploadsBucket: requireEnv('UploadsBucket'),
});
