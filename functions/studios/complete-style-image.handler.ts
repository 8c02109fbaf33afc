import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { detectFormat } from '#functions/photos/format';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { completeStyleImage } from '#shared/api/studios';
import { STYLE_IMAGE_KINDS, type StyleImageKind } from '#shared/studios';
import { signerFor } from './deps';
import { StudioConflictError, styleImageKey, StudioStore, type Studios } from './studio-store';
import { asApiError, toStudioView } from './studio-views';

export interface CompleteStyleImageDeps {
  readonly studios: Studios;
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * POST …/images/{imageId}/complete — adds an uploaded image to its style once
 * it is there and really a JPEG, PNG or WebP (by its bytes, not its name); a
 * file that is not is deleted.
 */
export const completeStyleImageHandler = ({ studios, s3, bucket }: CompleteStyleImageDeps) =>
  apiHandler(completeStyleImage, async ({ params }) => {
    const key = styleImageKey(params.studioId, params.styleId, params.imageId);
    let bytes: Buffer;
    let kind: StyleImageKind;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      bytes = Buffer.from(await object.Body!.transformToByteArray());
      const declared = object.Metadata?.kind;
      kind = STYLE_IMAGE_KINDS.find((k) => k === declared) ?? 'sample';
      const format = detectFormat(bytes, { contentType: object.ContentType });
      if (!format.ok || format.format === 'heif') {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        throw new ApiError('IMAGE_NOT_UPLOADED', `${format.ok ? 'HEIC images are not used for styles.' : format.reason} Upload a JPEG, PNG or WebP image.`);
      }
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') {
        throw new ApiError('IMAGE_NOT_UPLOADED', 'The image has not arrived. Upload it (within 15 minutes of starting) and then complete it.');
      }
      throw error;
    }
    try {
      await studios.addImage(params.studioId, params.styleId, { imageId: params.imageId, kind, key });
    } catch (error) {
      // Refused (the style is full or gone): nothing will ever point at the file, so it goes.
      if (error instanceof StudioConflictError) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      throw asApiError(error);
    }
    return toStudioView((await studios.get(params.studioId))!, signerFor(s3, bucket), true);
  });

export const handler = completeStyleImageHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), s3: s3Client(), bucket: requireEnv('StudioMediaBucket') });
