import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { createStudio } from '#shared/api/studios';
import { slugify } from '#shared/studios';
import type { StudioDeps } from './deps';
import { StudioStore } from './studio-store';
import { asApiError, toStudioView } from './studio-views';

/** POST /v1/admin/studios — a new studio, its ID made from its name. */
export const createStudioHandler = ({ studios, sign }: StudioDeps) =>
  apiHandler(createStudio, async ({ body }) => {
    const studioId = slugify(body.name);
    if (!studioId) throw new ApiError('VALIDATION_FAILED', 'name: use at least one letter or digit, so the studio gets an ID.');
    const studio = await studios.create(studioId, body).catch((error: unknown) => {
      throw asApiError(error);
    });
    return toStudioView({ studio, styles: [] }, sign, true);
  });

/** A new studio has no images, so no link is ever signed (and the function has no bucket grant). */
const noImages = (key: string) => Promise.reject(new Error(`A new studio has no image to sign (${key})`));

export const handler = createStudioHandler({ studios: new StudioStore(ddb(), requireEnv('Table')), sign: noImages });
