import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger } from '#lib/powertools';
import { deletePhoto } from '#shared/api/photos';
import { PhotoConflictError, photoKeys, type Photos, PhotoStore } from './photo-store';

export interface DeletePhotoDeps {
  readonly photos: Photos;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
}

/**
 * DELETE /v1/orders/{orderId}/photos/{photoId} — removes the photo from the
 * caller's editable order, then every file of it (the original, should it
 * still be there, the normalised copy and the crop).
 */
export const deletePhotoHandler = ({ photos, s3, uploadsBucket }: DeletePhotoDeps) =>
  apiHandler(deletePhoto, async ({ params, caller }) => {
    if ((await photos.orderOwner(params.orderId)) !== caller.sub) throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
    const { photoCount } = await photos.delete(params.orderId, params.photoId).catch((error: unknown) => {
      if (error instanceof PhotoConflictError) {
        throw new ApiError(error.reason === 'PHOTO_NOT_FOUND' || error.reason === 'ORDER_NOT_FOUND' ? error.reason : 'ORDER_NOT_EDITABLE', error.message);
      }
      throw error;
    });
    const keys = photoKeys(caller.sub, params.orderId, params.photoId);
    const results = await Promise.allSettled([keys.original, keys.photo, keys.crop].map((Key) => s3.send(new DeleteObjectCommand({ Bucket: uploadsBucket, Key }))));
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
    // The record is gone, so nothing links to a file left behind; the bucket's lifecycle expiry removes it.
    if (errors.length) logger.error('Could not delete every file of a removed photo', { orderId: params.orderId, photoId: params.photoId, errors });
    return { orderId: params.orderId, photoId: params.photoId, photoCount };
  });

export const handler = deletePhotoHandler({ photos: new PhotoStore(ddb(), requireEnv('Table')), s3: s3Client(), uploadsBucket: requireEnv('UploadsBucket') });
