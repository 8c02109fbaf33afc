import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { presignUpload } from '#lib/uploads';
import { createPhotoUpload } from '#shared/api/photos';
import { MAX_PHOTO_BYTES } from '#shared/photos';
import { PhotoConflictError, photoKeys, type Photos, PhotoStore } from './photo-store';

export interface CreatePhotoUploadDeps {
  readonly photos: Photos;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
}

/**
 * POST /v1/orders/{orderId}/photos — records an UPLOADING photo on the
 * caller's editable order and answers a presigned POST for exactly its key,
 * its declared image type and at most 25 MB. The record exists before the
 * upload can, so the validation function always finds it.
 */
export const createPhotoUploadHandler = ({ photos, s3, uploadsBucket }: CreatePhotoUploadDeps) =>
  apiHandler(createPhotoUpload, async ({ params, body, caller }) => {
    const photoId = randomUUID();
    const keys = photoKeys(caller.sub, params.orderId, photoId);
    // Sign first: a failure here leaves nothing written.
    const upload = await presignUpload(s3, { bucket: uploadsBucket, key: keys.original, contentType: body.contentType, maxBytes: MAX_PHOTO_BYTES });
    await photos
      .create({
        orderId: params.orderId,
        photoId,
        customerId: caller.sub,
        fileName: body.fileName,
        contentType: body.contentType,
        size: body.size,
        originalKey: keys.original,
        createdAt: new Date().toISOString(),
      })
      .catch((error: unknown) => {
        if (!(error instanceof PhotoConflictError)) throw error;
        // The store answers ORDER_NOT_FOUND for missing orders and other customers' alike (full or not), so IDs cannot be probed.
        if (error.reason === 'TOO_MANY_PHOTOS' || error.reason === 'ORDER_NOT_EDITABLE') throw new ApiError(error.reason, error.message);
        throw new ApiError('ORDER_NOT_FOUND', 'No such order.');
      });
    return { photoId, upload };
  });

export const handler = createPhotoUploadHandler({ photos: new PhotoStore(ddb(), requireEnv('Table')), s3: s3Client(), uploadsBucket: requireEnv('UploadsBucket') });
