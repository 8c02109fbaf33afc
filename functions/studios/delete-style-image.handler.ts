import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { deleteStyleImage } from '#shared/api/studios';
import { signerFor } from './deps';
import { StudioStore, type Studios } from './studio-store';
import { asApiError, toStudioView } from './studio-views';

/** DELETE …/images/{imageId} — removes an image from its style, then its file. */
export const deleteStyleImageHandler = ({ studios, s3, bucket }: { readonly studios: Studios; readonly s3: S3Client; readonly bucket: string }) =>
  apiHandler(deleteStyleImage, async ({ params }) => {
    try {
      const image = await studios.removeImage(params.studioId, params.styleId, params.imageId);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: image.key }));
      return toStudioView((await studios.get(params.studioId))!, signerFor(s3, bucket), true);
    } catch (error) {
      throw asApiError(error);
    }
  });

export const handler = deleteStyleImageHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), s3: s3Client(), bucket: requireEnv('StudioMediaBucket') });
