import { apiHandler } from '#lib/api-handler';
import { ddb, s3Client } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { getStudio } from '#shared/api/studios';
import { signerFor, type StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { toStudioView } from './studio-views';

/** GET /v1/studios/{studioId} — one studio, its styles and their sample images. */
export const getStudioHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(getStudio, async ({ params }) => {
    const studio = await studios.get(params.studioId);
    if (!studio) throw new ApiError('STUDIO_NOT_FOUND', `No studio "${params.studioId}" exists.`);
    return toStudioView(studio, sign);
  });

export const handler = getStudioHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: signerFor(s3Client(), requireEnv('StudioMediaBucket')) });
