import type { StudioSummary, StudioView } from '#shared/studios';
import { ApiError } from '#lib/errors';
import { type StoredImage, StudioConflictError, type StudioRecord, type StudioWithStyles } from './studio-store';

/** Signs a link to a key of the studio media bucket. */
export type SignImage = (key: string) => Promise<string>;

/** A studio as the marketplace lists it. */
export async function toSummary(studio: StudioRecord, sign: SignImage): Promise<StudioSummary> {
  return {
    studioId: studio.studioId,
    name: studio.name,
    photographer: studio.photographer,
    description: studio.description,
    tags: studio.tags,
    styleCount: studio.styleCount,
    fromCredits: studio.fromCredits,
    coverUrl: studio.coverKey ? await sign(studio.coverKey) : undefined,
    updatedAt: studio.updatedAt,
  };
}

/**
 * A studio with its styles and signed image links. Customers see sample
 * images; admins (`withReferences`) also the reference images that guide the generator.
 */
export async function toStudioView({ studio, styles }: StudioWithStyles, sign: SignImage, withReferences = false): Promise<StudioView> {
  const images = async (list: readonly StoredImage[]) =>
    Promise.all(list.filter((i) => withReferences || i.kind === 'sample').map(async (i) => ({ imageId: i.imageId, kind: i.kind, url: await sign(i.key) })));
  return {
    ...(await toSummary(studio, sign)),
    createdAt: studio.createdAt,
    styles: await Promise.all(
      styles.map(async (style) => ({
        styleId: style.styleId,
        name: style.name,
        backdrop: style.backdrop,
        wardrobe: style.wardrobe,
        lighting: style.lighting,
        prompt: style.prompt,
        priceCredits: style.priceCredits,
        ...(style.poseSet && { poseSet: style.poseSet }),
        images: await images(style.images),
      })),
    ),
  };
}

/** A refused studio change as the API answers it; anything else unchanged. */
export function asApiError(error: unknown): unknown {
  return error instanceof StudioConflictError ? new ApiError(error.reason, error.message) : error;
}
