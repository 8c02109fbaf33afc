import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { presignUpload } from '#lib/uploads';
import { createStyleImageUpload } from '#shared/api/studios';
import { MAX_STYLE_IMAGE_BYTES, MAX_STYLE_IMAGES } from '#shared/studios';
import { styleImageKey, StudioStore, type Studios } from './studio-store';

export interface StyleImageUploadDeps {
  readonly studios: Studios;
  readonly s3: S3Client;
  readonly bucket: string;
}

/** POST /v1/admin/studios/{studioId}/styles/{styleId}/images — a presigned POST for one image of a style. */
export const createStyleImageUploadHandler = ({ studios, s3, bucket }: StyleImageUploadDeps) =>
  apiHandler(createStyleImageUpload, async ({ params, body }) => {
    const studio = await studios.get(params.studioId);
    if (!studio) throw new ApiError('STUDIO_NOT_FOUND', `No studio "${params.studioId}" exists.`);
    const style = studio.styles.find((s) => s.styleId === params.styleId);
    if (!style) throw new ApiError('STYLE_NOT_FOUND', `The studio has no style "${params.styleId}".`);
    if (style.images.filter((i) => i.kind === body.kind).length >= MAX_STYLE_IMAGES) {
      throw new ApiError('TOO_MANY_IMAGES', `A style has at most ${MAX_STYLE_IMAGES} ${body.kind} images; remove one first.`);
    }
    const imageId = randomUUID();
    const upload = await presignUpload(s3, {
      bucket,
      key: styleImageKey(params.studioId, params.styleId, imageId),
      contentType: body.contentType,
      maxBytes: MAX_STYLE_IMAGE_BYTES,
      metadata: { kind: body.kind },
    });
    return { imageId, upload };
  });

export const handler = createStyleImageUploadHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), s3: s3Client(), bucket: requireEnv('StudioMediaBucket') });
