import * as z from './validation';

/**
 * What a delivered order costs: each style's price covers the images planned
 * for it, and the customer pays for the images delivered (approved) only,
 * rounded down in their favour. The rest of what the order held goes back.
 */
export function creditsForDelivery(
  styles: readonly { readonly styleId: string; readonly priceCredits: number }[],
  plans: readonly { readonly styleId: string; readonly images: number }[],
  approvedByStyle: Readonly<Record<string, number>>,
): { readonly charged: number; readonly returned: number; readonly perStyle: readonly { styleId: string; approved: number; planned: number; charged: number }[] } {
  const perStyle = styles.map((style) => {
    const planned = plans.find((plan) => plan.styleId === style.styleId)?.images ?? 0;
    const approved = Math.min(approvedByStyle[style.styleId] ?? 0, planned);
    const charged = planned === 0 ? 0 : Math.floor((style.priceCredits * approved) / planned);
    return { styleId: style.styleId, approved, planned, charged };
  });
  const total = styles.reduce((sum, style) => sum + style.priceCredits, 0);
  const charged = perStyle.reduce((sum, style) => sum + style.charged, 0);
  return { charged, returned: total - charged, perStyle };
}

/** An approved image as the customer's gallery shows it, with signed links to every file. */
export const galleryImageSchema = z.object({
  imageId: z.string(),
  styleId: z.string(),
  styleName: z.string(),
  poseId: z.string(),
  /** Signed, expiring links: the preview (WebP, long side 1024) and the full size for the viewer. */
  previewUrl: z.string(),
  fullUrl: z.string(),
  files: z.array(
    z.object({
      name: z.string(),
      format: z.string(),
      width: z.number(),
      height: z.number(),
      size: z.number(),
      url: z.string(),
    }),
  ),
  /** Replaced by an artist's retouch. */
  retouched: z.boolean(),
});
export type GalleryImage = z.output<typeof galleryImageSchema>;

/** The ZIP of a delivered order, once built. */
export const archiveSchema = z.object({
  key: z.string(),
  size: z.number(),
  sha256: z.string(),
  entries: z.number(),
  builtAt: z.string(),
});
export type Archive = z.output<typeof archiveSchema>;
