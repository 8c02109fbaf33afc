import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { updateStudio } from '#shared/api/studios';
import { signerFor, type StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { asApiError, toStudioView } from './studio-views';

/** PUT /v1/admin/studios/{studioId} — replaces the studio's own fields. */
export const updateStudioHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(updateStudio, async ({ params, body }) => {
    try {
      await studios.update(params.studioId, body);
      return toStudioView((await studios.get(params.studioId))!, sign, true);
    } catch (error) {
      throw asApiError(error);
    }
  });

export const handler = updateStudioHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: signerFor(s3Client(), requireEnv('StudioMediaBucket')) });
