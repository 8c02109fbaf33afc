import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { putStyle } from '#shared/api/studios';
import { signerFor, type StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { asApiError, toStudioView } from './studio-views';

/** PUT /v1/admin/studios/{studioId}/styles/{styleId} — creates or replaces a style, keeping its images. */
export const putStyleHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(putStyle, async ({ params, body }) => {
    try {
      await studios.putStyle(params.studioId, params.styleId, body);
      return toStudioView((await studios.get(params.studioId))!, sign, true);
    } catch (error) {
      throw asApiError(error);
    }
  });

export const handler = putStyleHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: signerFor(s3Client(), requireEnv('StudioMediaBucket')) });
