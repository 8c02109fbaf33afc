import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type CustomerNotifier, customerNotifierOf, tellQuietly } from '#functions/notifications/customer-notifier';
import { isNearDuplicate } from '#functions/photos/hash-distance';
import { type PhotoRecord, type Photos, PhotoStore } from '#functions/photos/photo-store';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { UPLOAD_WINDOW_SECONDS } from '#lib/uploads';
import { logger } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { MIN_ACCEPTED_PHOTOS, missingPhotos } from '#shared/photos';
import { type Orders, OrderStore } from './order-store';

export interface CheckPhotosInput {
  readonly orderId: string;
  /** How many times this submission's photos were checked before. */
  readonly attempt: number;
}

export interface CheckPhotosOutput {
  readonly photos: 'PENDING' | 'READY' | 'NEEDS_NEW_PHOTOS';
  readonly attempt: number;
  readonly accepted: number;
}

/** Checks of a submission while photos are still being validated (the pipeline waits 3 s between them): 10 minutes. */
export const MAX_CHECKS = 200;

export interface CheckPhotosDeps {
  readonly orders: Orders;
  readonly photos: Pick<Photos, 'list' | 'settle'>;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
  readonly minAccepted?: number;
  readonly now?: () => number;
  /** Tells the customer when their photos need attention. */
  readonly notify?: CustomerNotifier;
}

/**
 * The pipeline's first step: waits (answering PENDING) while photos of the
 * order are still being checked, then decides. With at least
 * {@link MIN_ACCEPTED_PHOTOS} accepted photos it writes the training manifest
 * (the face crops) and moves the order to SUBMITTED; otherwise the order goes
 * back to the customer as NEEDS_NEW_PHOTOS, saying what is missing. A photo
 * whose upload never arrived within its window, or that could not be checked in
 * time, is refused with a reason.
 */
export const checkPhotosHandler = ({ orders, photos, s3, uploadsBucket, minAccepted = MIN_ACCEPTED_PHOTOS, now = Date.now, notify }: CheckPhotosDeps) =>
  taskHandler<CheckPhotosInput, CheckPhotosOutput>(async ({ orderId, attempt }) => {
    const all = await photos.list(orderId);
    const abandoned = (photo: PhotoRecord) => photo.status === 'UPLOADING' && now() - Date.parse(photo.createdAt) > (UPLOAD_WINDOW_SECONDS + 60) * 1000;
    const outOfTime = attempt + 1 >= MAX_CHECKS;
    const pending = all.filter((photo) => (photo.status === 'UPLOADING' || photo.status === 'VALIDATING') && !abandoned(photo));
    if (pending.length && !outOfTime) return { photos: 'PENDING', attempt: attempt + 1, accepted: all.filter((p) => p.status === 'ACCEPTED').length };

    for (const photo of all.filter((p) => p.status === 'UPLOADING' || p.status === 'VALIDATING')) {
      const reason =
        photo.status === 'UPLOADING'
          ? 'This photo never finished uploading — upload it again.'
          : 'We could not check this photo in time — upload it again.';
      await photos.settle(orderId, photo.photoId, { status: 'REJECTED', code: photo.status === 'UPLOADING' ? 'NOT_UPLOADED' : 'NOT_CHECKED', reason });
    }
    // Two near-identical photos checked at the same moment cannot see each other: the later one is the duplicate.
    const accepted: PhotoRecord[] = [];
    for (const photo of all.filter((p) => p.status === 'ACCEPTED')) {
      const twin = accepted.find((earlier) => earlier.hash && photo.hash && isNearDuplicate(earlier.hash, photo.hash));
      if (!twin) {
        accepted.push(photo);
        continue;
      }
      await photos.settle(
        orderId,
        photo.photoId,
        { status: 'DUPLICATE', code: 'DUPLICATE', reason: `This is the same picture as “${twin.fileName}” — upload a different shot (another angle, outfit or place).`, hash: photo.hash },
        ['ACCEPTED'],
      );
    }

    const missing = missingPhotos(accepted.length, minAccepted);
    if (missing) {
      await orders.transition(orderId, ['VALIDATING'], 'NEEDS_NEW_PHOTOS', { detail: missing, missing });
      logger.info('Order needs new photos', { orderId, accepted: accepted.length });
      const order = await orders.get(orderId);
      if (order) {
        const refused = (await photos.list(orderId)).filter((photo) => photo.status === 'REJECTED' || photo.status === 'DUPLICATE');
        await tellQuietly(notify, order, {
          type: 'photos-need-attention',
          rejected: refused.map((photo) => ({ fileName: photo.fileName, reason: photo.reason ?? 'This photo cannot be used.' })),
          accepted: accepted.length,
          needed: minAccepted,
        });
      }
      return { photos: 'NEEDS_NEW_PHOTOS', attempt, accepted: accepted.length };
    }
    const order = await orders.get(orderId);
    await s3.send(
      new PutObjectCommand({
        Bucket: uploadsBucket,
        Key: `orders/${orderId}/training.json`,
        ContentType: 'application/json',
        Body: JSON.stringify({
          orderId,
          customerId: order?.customerId,
          photos: accepted.map((photo) => ({ photoId: photo.photoId, photoKey: photo.photoKey, cropKey: photo.cropKey })),
        }),
      }),
    );
    await orders.transition(orderId, ['VALIDATING'], 'SUBMITTED', { detail: `${accepted.length} photos accepted` });
    return { photos: 'READY', attempt, accepted: accepted.length };
  });

export const handler = checkPhotosHandler({
  orders: new OrderStore(ddb(), requireEnv('Table')),
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
  notify: customerNotifierOf({ userPoolId: requireEnv('UserPool'), mailFrom: requireEnv('Mail'), siteUrl: requireEnv('Site') }),
});
