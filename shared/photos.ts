import * as z from './validation';
import { hasControlCharacters } from './validation';

/**
 * Customers' selfies: what an upload may be, the statuses a photo goes
 * through, and how many an order needs. The browser checks the same limits
 * before it uploads; the presigned POST policy and the validation function
 * enforce them.
 */

/** Largest selfie accepted (the presigned POST's content-length-range). */
export const MAX_PHOTO_BYTES = 25 * 1024 * 1024;
/** Photo records one order may hold, accepted or not. */
export const MAX_PHOTOS_PER_ORDER = 20;
/** Accepted photos an order needs before it can be submitted. */
export const MIN_ACCEPTED_PHOTOS = 6;
/** Shorter side of a usable photo, in pixels. */
export const MIN_PHOTO_SIDE = 512;
/** Types a customer may upload (the policy's Content-Type condition). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
/** File extensions the browser offers in its file picker. */
export const PHOTO_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.heic', '.heif'] as const;

export const PHOTO_STATUSES = ['UPLOADING', 'VALIDATING', 'ACCEPTED', 'REJECTED', 'DUPLICATE'] as const;
export type PhotoStatus = (typeof PHOTO_STATUSES)[number];
/** Statuses with a verdict; the others are still on their way. */
export const SETTLED_PHOTO_STATUSES: readonly PhotoStatus[] = ['ACCEPTED', 'REJECTED', 'DUPLICATE'];

export const newPhotoSchema = z.strictObject({
  fileName: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'fileName is empty'),
      z.maxLength(200, 'fileName is at most 200 characters'),
      z.refine((name) => !hasControlCharacters(name) && !/[\\/]/.test(name), 'fileName is a bare file name, without folders or control characters'),
    ),
  contentType: z.enum(PHOTO_TYPES, { error: `contentType must be one of ${PHOTO_TYPES.join(', ')}: upload a JPEG, PNG, WebP or HEIC photo` }),
  size: z.number().check(
    z.int('size is a whole number of bytes'),
    z.gte(1, 'The file is empty'),
    z.lte(MAX_PHOTO_BYTES, `The photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB; export a smaller one`),
  ),
});
export type NewPhoto = z.output<typeof newPhotoSchema>;

/** A presigned POST: the form's action URL and the fields to send before the file. */
export const presignedPostSchema = z.object({ url: z.string(), fields: z.record(z.string(), z.string()) });
export type PresignedPost = z.output<typeof presignedPostSchema>;

export const faceBoxSchema = z.object({ left: z.number(), top: z.number(), width: z.number(), height: z.number() });
export type FaceBox = z.output<typeof faceBoxSchema>;

export const photoViewSchema = z.object({
  photoId: z.string(),
  fileName: z.string(),
  status: z.enum(PHOTO_STATUSES),
  /** Why the photo was refused, in words a customer can act on. */
  reason: z.optional(z.string()),
  /** A short-lived signed link to the normalised JPEG, once accepted. */
  url: z.optional(z.string()),
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  /** The face found, as fractions of the normalised photo (admins see it drawn). */
  face: z.optional(faceBoxSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PhotoView = z.output<typeof photoViewSchema>;

/** What an order still lacks before it can go to the studio, or undefined when it has enough. */
export function missingPhotos(accepted: number, required = MIN_ACCEPTED_PHOTOS): string | undefined {
  if (accepted >= required) return undefined;
  const more = required - accepted;
  return `${accepted} of ${required} photos accepted: upload ${more} more clear photo${more === 1 ? '' : 's'} of just you.`;
}
