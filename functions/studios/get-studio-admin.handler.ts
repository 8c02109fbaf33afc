import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { getStudioAdmin } from '#shared/api/studios';
import { signerFor, type StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { toStudioView } from './studio-views';

/** GET /v1/admin/studios/{studioId} — one studio for its editor, reference images included. */
export const getStudioAdminHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(getStudioAdmin, async ({ params }) => {
    const studio = await studios.get(params.studioId);
    if (!studio) throw new ApiError('STUDIO_NOT_FOUND', `No studio "${params.studioId}" exists.`);
    return toStudioView(studio, sign, true);
  });

export const handler = getStudioAdminHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: signerFor(s3Client(), requireEnv('StudioMediaBucket')) });
