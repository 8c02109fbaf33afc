import * as z from './validation';
import { hasControlCharacters } from './validation';
import { POSE_SET_IDS, type PoseSetId } from './generation';

/**
 * The studio marketplace: photographer-curated virtual studios, each with the
 * styles a customer can order (backdrop, wardrobe, lighting, the prompt the
 * generator aims for, a price in credits) and sample images. Studios live in
 * DynamoDB; admins create and edit them.
 */

/** Images a style shows (samples) or guides the generator with (references), each. */
export const MAX_STYLE_IMAGES = 8;
export const MAX_STYLES_PER_STUDIO = 12;
export const MAX_TAGS = 8;
/** Largest style image an admin may upload. */
export const MAX_STYLE_IMAGE_BYTES = 10 * 1024 * 1024;
export const STYLE_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

function text(what: string, min: number, max: number) {
  return z
    .string()
    .check(
      z.trim(),
      z.minLength(min, `${what} needs at least ${min} character${min === 1 ? '' : 's'}`),
      z.maxLength(max, `Keep ${what.toLowerCase()} under ${max} characters`),
      z.refine((value) => !hasControlCharacters(value), `${what} contains control characters; type it again as plain text`),
    );
}

/** Lower-case words and hyphens: studio and style IDs, tags. */
export const slugSchema = (what: string) =>
  z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, `${what} may hold only lower-case letters, digits and single hyphens`), z.maxLength(48, `${what} is at most 48 characters`));

export const studioInputSchema = z.strictObject({
  name: text('The name', 2, 80),
  photographer: z.strictObject({ name: text("The photographer's name", 2, 80), bio: text("The photographer's bio", 10, 600) }),
  description: text('The description', 10, 1000),
  tags: z.array(slugSchema('A tag')).check(
    z.minLength(1, 'Give the studio at least one tag'),
    z.maxLength(MAX_TAGS, `A studio has at most ${MAX_TAGS} tags`),
    z.refine((tags) => new Set(tags).size === tags.length, 'Each tag may be given once'),
  ),
});
export type StudioInput = z.output<typeof studioInputSchema>;

function poseSetSchema() {
  return z.enum(POSE_SET_IDS as [PoseSetId, ...PoseSetId[]], { error: `poseSet must be one of ${POSE_SET_IDS.join(', ')}` });
}

export const styleInputSchema = z.strictObject({
  name: text('The name', 2, 60),
  backdrop: text('The backdrop', 3, 200),
  wardrobe: text('The wardrobe', 3, 200),
  lighting: text('The lighting', 3, 200),
  prompt: text('The prompt', 20, 1500),
  priceCredits: z.number().check(z.int('The price is a whole number of credits'), z.gte(1, 'The price is at least 1 credit'), z.lte(1000, 'The price is at most 1,000 credits')),
  /** The poses the style is generated in, by named set (shared/generation.ts); the default set when absent. */
  poseSet: z.optional(poseSetSchema()),
});
export type StyleInput = z.output<typeof styleInputSchema>;

export const STYLE_IMAGE_KINDS = ['sample', 'reference'] as const;
export type StyleImageKind = (typeof STYLE_IMAGE_KINDS)[number];

export const styleImageSchema = z.object({
  imageId: z.string(),
  kind: z.enum(STYLE_IMAGE_KINDS),
  /** A short-lived signed link. */
  url: z.string(),
});
export type StyleImage = z.output<typeof styleImageSchema>;

export const styleViewSchema = z.object({
  styleId: z.string(),
  name: z.string(),
  backdrop: z.string(),
  wardrobe: z.string(),
  lighting: z.string(),
  prompt: z.string(),
  priceCredits: z.number(),
  /** The named set of poses the style is generated in; the default set when absent. */
  poseSet: z.optional(z.enum(POSE_SET_IDS as [PoseSetId, ...PoseSetId[]])),
  /** Sample images for everyone; reference images only for admins. */
  images: z.array(styleImageSchema),
});
export type StyleView = z.output<typeof styleViewSchema>;

export const studioSummarySchema = z.object({
  studioId: z.string(),
  name: z.string(),
  photographer: z.object({ name: z.string(), bio: z.string() }),
  description: z.string(),
  tags: z.array(z.string()),
  styleCount: z.number(),
  /** The cheapest style's price, once the studio has a style. */
  fromCredits: z.optional(z.number()),
  /** The first sample image of the first style, signed. */
  coverUrl: z.optional(z.string()),
  updatedAt: z.string(),
});
export type StudioSummary = z.output<typeof studioSummarySchema>;

export const studioViewSchema = z.extend(studioSummarySchema, { styles: z.array(styleViewSchema), createdAt: z.string() });
export type StudioView = z.output<typeof studioViewSchema>;

/** Turns a name into a slug ID: "Corporate Grey" → `corporate-grey`. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}
