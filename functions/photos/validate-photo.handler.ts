import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { objectCreatedEventSchema } from '#lib/object-events';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { taskHandler } from '#lib/task-handler';
import { MAX_PHOTO_BYTES } from '#shared/photos';
import { describeIssues } from '#shared/validation';
import type { FaceAnalyzer } from './faces/port';
import { faceAnalyzerFor } from './faces/select';
import { parseOriginalKey, photoKeys, type Photos, PhotoStore } from './photo-store';
import { checkPhoto } from './validate';

export interface ValidatePhotoDeps {
  readonly photos: Photos;
  readonly s3: S3Client;
  readonly uploadsBucket: string;
  readonly analyzer: () => Promise<FaceAnalyzer>;
}

export type ValidationOutcome = 'ACCEPTED' | 'REJECTED' | 'DUPLICATE' | 'IGNORED';

/**
 * Runs for every object created under `originals/` in the uploads bucket (S3
 * "Object Created" events through EventBridge; the local S3 front sends the
 * same). Checks the photo, stores the normalised JPEG and the face crop of an
 * accepted one, records the verdict and deletes the original in every case.
 * Delivery is at least once: a photo with a verdict already is left alone.
 */
export const validatePhotoHandler = ({ photos, s3, uploadsBucket, analyzer }: ValidatePhotoDeps) =>
  taskHandler<unknown, { outcome: ValidationOutcome }>(async (input) => {
    const parsed = objectCreatedEventSchema.safeParse(input);
    if (!parsed.success) {
      logger.error('Not an S3 Object Created event', { issues: describeIssues(parsed.error) });
      return { outcome: 'IGNORED' };
    }
    const { bucket, object } = parsed.data.detail;
    const ids = bucket.name === uploadsBucket ? parseOriginalKey(object.key) : undefined;
    if (!ids) {
      logger.warn('An object outside the photo uploads', { bucket: bucket.name, key: object.key });
      return { outcome: 'IGNORED' };
    }
    const { orderId, photoId, customerId } = ids;
    const remove = () => s3.send(new DeleteObjectCommand({ Bucket: uploadsBucket, Key: object.key }));
    const record = await photos.get(orderId, photoId);
    if (!record || record.customerId !== customerId) {
      // Removed while it was uploading: nothing may keep the file.
      await remove();
      return { outcome: 'IGNORED' };
    }
    if (!(await photos.startValidation(orderId, photoId))) return { outcome: 'IGNORED' };

    let bytes: Buffer;
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: uploadsBucket, Key: object.key }));
      // The upload policy caps the size; a larger object never came through it.
      if ((got.ContentLength ?? 0) > MAX_PHOTO_BYTES) throw new RangeError(`object of ${got.ContentLength} bytes`);
      bytes = Buffer.from(await got.Body!.transformToByteArray());
    } catch (error) {
      if (error instanceof NoSuchKey) return { outcome: 'IGNORED' };
      throw error;
    }
    const earlier = (await photos.list(orderId)).filter((p) => p.status === 'ACCEPTED' && p.hash && p.photoId !== photoId);
    const check = await checkPhoto(bytes, { contentType: record.contentType, fileName: record.fileName }, await analyzer(), earlier.map((p) => ({ photoId: p.photoId, fileName: p.fileName, hash: p.hash! })));

    if (check.ok) {
      const keys = photoKeys(customerId, orderId, photoId);
      await Promise.all([
        s3.send(new PutObjectCommand({ Bucket: uploadsBucket, Key: keys.photo, Body: check.photo, ContentType: 'image/jpeg' })),
        s3.send(new PutObjectCommand({ Bucket: uploadsBucket, Key: keys.crop, Body: check.crop, ContentType: 'image/jpeg' })),
      ]);
      const settled = await photos.settle(orderId, photoId, {
        status: 'ACCEPTED',
        photoKey: keys.photo,
        cropKey: keys.crop,
        hash: check.hash,
        width: check.width,
        height: check.height,
        face: check.face,
      });
      // Removed while it was being checked (its files were deleted before these were written): keep no copy of the face.
      if (!settled && (await photos.get(orderId, photoId))?.photoKey !== keys.photo) {
        await Promise.all([keys.photo, keys.crop].map((Key) => s3.send(new DeleteObjectCommand({ Bucket: uploadsBucket, Key }))));
        await remove();
        return { outcome: 'IGNORED' };
      }
    } else {
      await photos.settle(orderId, photoId, { status: check.status, code: check.code, reason: check.reason, hash: check.hash });
    }
    // Only the normalised copy is kept: no original metadata (GPS, camera) survives.
    await remove();
    const outcome = check.ok ? 'ACCEPTED' : check.status;
    metrics.addDimension('outcome', outcome);
    metrics.addMetric('PhotosValidated', MetricUnit.Count, 1);
    logger.info('Photo validated', { orderId, photoId, outcome, ...(check.ok ? {} : { code: check.code }) });
    return { outcome };
  });

let analyzer: Promise<FaceAnalyzer> | undefined;
export const handler = validatePhotoHandler({
  photos: new PhotoStore(ddb(), requireEnv('Table')),
  s3: s3Client(),
  uploadsBucket: requireEnv('UploadsBucket'),
  // Loaded once per container; the local adapter loads its models from the package.
  analyzer: () => (analyzer ??= faceAnalyzerFor(requireEnv('FaceDetection'))),
});
