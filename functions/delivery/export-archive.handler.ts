import type { S3Client } from '@aws-sdk/client-s3';
import { type GeneratedImages, ImageStore } from '#functions/generation/image-store';
import { EXTENSIONS, storageFor } from '#functions/generation/layout';
import { bucketsByResource } from '#functions/generation/storage-buckets';
import { type Orders, OrderStore } from '#functions/orders/order-store';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import type { Archive } from '#shared/delivery';
import { approvedImages, type ReviewedImage } from './approved-images';
import { type Deliveries, DeliveryStore } from './delivery-store';
import { exportZip } from './zip-export';

/** Where an order's ZIP lives in the outputs bucket: beside, never inside, the image layout. */
export function archiveKey(stage: string, order: { readonly customerId: string; readonly orderId: string }): string {
  return `deliveries/${stage}/${order.customerId}/${order.orderId}/headshots-${order.orderId.slice(0, 8)}.zip`;
}

/** A file's path inside the ZIP: `<style>/<pose>-<slot>/<variant>.<ext>`, readable in any unzip tool. */
export function entryName(image: Pick<ReviewedImage, 'styleId' | 'poseId' | 'slot'>, variant: { readonly name: string; readonly format: keyof typeof EXTENSIONS }): string {
  return `${image.styleId}/${image.poseId}-${image.slot}/${variant.name}.${EXTENSIONS[variant.format]}`;
}

/** What `metadata.json` in the ZIP says: the order, its studio and styles, and per image its pose, seed, engine, score, sizes and checksums. */
export function archiveMetadata(
  order: { readonly orderId: string; readonly studioId: string; readonly studioName?: string; readonly styleDetails: readonly { readonly styleId: string; readonly name: string }[]; readonly engine?: string },
  images: readonly ReviewedImage[],
  builtAt: string,
) {
  return {
    order: { orderId: order.orderId, studioId: order.studioId, ...(order.studioName && { studioName: order.studioName }), engine: order.engine, builtAt },
    styles: order.styleDetails.map((style) => ({ styleId: style.styleId, name: style.name })),
    images: images.map((image) => ({
      imageId: image.imageId,
      styleId: image.styleId,
      pose: image.poseId,
      slot: image.slot,
      seed: image.seed,
      seedIndex: image.seedIndex,
      engine: image.engine,
      identityScore: image.identityScore,
      approvedBy: image.review?.by,
      approvedAt: image.review?.at,
      files: image.variants.map((variant) => ({
        path: entryName(image, variant),
        variant: variant.name,
        format: variant.format,
        width: variant.width,
        height: variant.height,
        size: variant.size,
        sha256: variant.sha256,
      })),
    })),
  };
}

/**
 * Builds the ZIP of a delivered order: every approved image in every size and
 * format plus `metadata.json`, streamed from the outputs bucket into a
 * multipart upload (never the whole archive in memory). Built once: a retried
 * step, or a second download, reuses the first.
 */
export const exportArchiveHandler = ({
  orders,
  images,
  deliveries,
  s3,
  bucketOf,
  stage,
}: {
  readonly orders: Pick<Orders, 'get'>;
  readonly images: Pick<GeneratedImages, 'list'>;
  readonly deliveries: Pick<Deliveries, 'get' | 'saveArchive'>;
  readonly s3: S3Client;
  readonly bucketOf: (resourceId: string) => string;
  readonly stage: string;
}) =>
  taskHandler<{ orderId: string }, { orderId: string; archive: Archive }>(async ({ orderId }) => {
    const existing = (await deliveries.get(orderId))?.archive;
    if (existing) return { orderId, archive: existing };
    const order = await orders.get(orderId);
    if (!order) throw new Error(`Order ${orderId} does not exist`);
    const approved = await approvedImages(images, orderId);
    if (approved.length === 0) throw new Error(`Order ${orderId} has no approved image to deliver`);
    const bucket = bucketOf(storageFor(order.storageVersion).bucket);
    const builtAt = new Date().toISOString();
    const result = await exportZip({
      s3,
      sourceBucket: bucket,
      entries: approved.flatMap((image) => image.variants.map((variant) => ({ key: variant.key, name: entryName(image, variant) }))),
      extraFiles: [{ name: 'metadata.json', body: `${JSON.stringify(archiveMetadata(order, approved, builtAt), null, 2)}\n` }],
      targetBucket: bucket,
      targetKey: archiveKey(stage, order),
      contentType: 'application/zip',
    });
    const archive = await deliveries.saveArchive(orderId, { key: result.key, size: result.size, sha256: result.sha256, entries: result.entries, builtAt });
    logger.info('Archive built', { orderId, size: archive.size, entries: archive.entries });
    return { orderId, archive };
  });

export const handler = exportArchiveHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  images: new ImageStore(ddb(), requireEnv('Table')),
  deliveries: new DeliveryStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  bucketOf: bucketsByResource({ OutputsBucket: requireEnv('OutputsBucket') }),
  stage: process.env.STAGE_NAME ?? 'dev',
});
