import sharp, { type Sharp } from 'sharp';
import heicDecode from 'heic-decode';
import { MAX_INPUT_PIXELS, UNTRUSTED_INPUT } from '#functions/photos/untrusted-input';

export { MAX_INPUT_PIXELS, UNTRUSTED_INPUT };
import { detectFormat, refusal, type DeclaredType, type PhotoFormat, type PhotoRefusal } from '#functions/photos/format';

/*
 * Every uploaded photo becomes one normalised JPEG before anything else looks at it:
 * decoded under a pixel cap, turned upright, converted to 8-bit sRGB, stripped of
 * every metadata block (EXIF with GPS, XMP, IPTC, ICC: sharp keeps none unless told
 * to), refused when too small, and capped at 2048 px on its long side.
 */

/** The shorter side of a photo, upright, below which it cannot train a face model. */
export const MIN_SHORT_SIDE = 512;
/** The long side of the normalised JPEG. */
export const NORMALISED_LONG_SIDE = 2048;
export const NORMALISED_QUALITY = 90;

export interface NormalisedPhoto {
  /** Baseline JPEG, 8-bit sRGB, upright, without any metadata. */
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
  readonly sourceFormat: PhotoFormat;
  /** The upload's dimensions, upright. */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
}

export type NormaliseResult = { readonly ok: true; readonly photo: NormalisedPhoto } | PhotoRefusal;


const tooLarge = (width: number, height: number): PhotoRefusal =>
  refusal(
    'TOO_LARGE_PIXELS',
    `This photo is ${width}×${height} pixels (${((width * height) / 1e6).toFixed(0)} MP); photos up to ${MAX_INPUT_PIXELS / 1e6} MP are accepted. Upload a smaller copy, for example as exported by your phone.`,
  );

const tooSmall = (width: number, height: number): PhotoRefusal =>
  refusal(
    'TOO_SMALL',
    `This photo is ${width}×${height} pixels; each side must be at least ${MIN_SHORT_SIDE} pixels. Upload the original photo rather than a thumbnail or a screenshot.`,
  );

const unreadable = (): PhotoRefusal =>
  refusal('UNREADABLE', 'We could not read this photo: the file is damaged. Open it on your device to check it, then export or save it again and upload the new copy.');

/** Validates and normalises one uploaded photo; refusals carry a stable code and a reason for the customer. */
export async function normalisePhoto(bytes: Buffer, declared: DeclaredType = {}): Promise<NormaliseResult> {
  const detected = detectFormat(bytes, declared);
  if (!detected.ok) return detected;
  try {
    return detected.format === 'heif' ? await normaliseHeif(bytes) : await normaliseWithSharp(bytes, detected.format);
  } catch (error) {
    return refusalOfSharpError(error);
  }
}

async function normaliseWithSharp(bytes: Buffer, format: PhotoFormat): Promise<NormaliseResult> {
  // The header alone: dimensions and orientation, nothing decoded yet (so no pixel limit is needed to read it).
  const meta = await sharp(bytes, { ...UNTRUSTED_INPUT, limitInputPixels: false }).metadata();
  const { width, height } = meta;
  if (!width || !height) return unreadable();
  if (width * height > MAX_INPUT_PIXELS) return tooLarge(width, height);
  const swapped = (meta.orientation ?? 1) >= 5;
  const upright = swapped ? { width: height, height: width } : { width, height };
  if (Math.min(width, height) < MIN_SHORT_SIDE) return tooSmall(upright.width, upright.height);
  return encode(sharp(bytes, UNTRUSTED_INPUT).autoOrient(), format, upright);
}

async function normaliseHeif(bytes: Buffer): Promise<NormaliseResult> {
  // heic-decode only opens files whose major brand it lists; libheif itself reads the
  // compatible brands, which detectFormat has checked.
  const input = ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(bytes.subarray(8, 12).toString('latin1')) ? bytes : withMajorBrand(bytes, 'mif1');
  let images: Awaited<ReturnType<typeof heicDecode.all>>;
  try {
    images = await heicDecode.all({ buffer: input });
  } catch {
    return unreadable();
  }
  try {
    const primary = images[0];
    if (!primary) return unreadable();
    // libheif reports the dimensions with the file's rotation (irot) applied, and applies it when decoding;
    // HEIF says an EXIF orientation is informative only, so there is nothing more to turn.
    const { width, height } = primary;
    if (width * height > MAX_INPUT_PIXELS) return tooLarge(width, height);
    if (Math.min(width, height) < MIN_SHORT_SIDE) return tooSmall(width, height);
    let decoded: Awaited<ReturnType<typeof primary.decode>>;
    try {
      decoded = await primary.decode();
    } catch {
      return unreadable();
    }
    const pixels = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
    const raw = { width: decoded.width, height: decoded.height, channels: 4 } as const;
    return await encode(sharp(pixels, { ...UNTRUSTED_INPUT, raw }), 'heif', { width: decoded.width, height: decoded.height });
  } finally {
    images.dispose();
  }
}

function withMajorBrand(bytes: Buffer, brand: string): Buffer {
  const copy = Buffer.from(bytes);
  copy.write(brand, 8, 'latin1');
  return copy;
}

async function encode(image: Sharp, sourceFormat: PhotoFormat, upright: { width: number; height: number }): Promise<NormaliseResult> {
  const { data, info } = await image
    .resize({ width: NORMALISED_LONG_SIDE, height: NORMALISED_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    // Transparent pixels of PNG/WebP/HEIC become white, not the black JPEG would make of them.
    .flatten({ background: '#ffffff' })
    // CMYK, 16-bit, greyscale and wide-gamut inputs all leave as 8-bit sRGB (embedded profiles are applied first).
    .toColourspace('srgb')
    .jpeg({ quality: NORMALISED_QUALITY, mozjpeg: false, progressive: false })
    .toBuffer({ resolveWithObject: true });
  return {
    ok: true,
    photo: { jpeg: data, width: info.width, height: info.height, sourceFormat, sourceWidth: upright.width, sourceHeight: upright.height },
  };
}

function refusalOfSharpError(error: unknown): PhotoRefusal {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return refusal('TOO_LARGE_PIXELS', `This photo has more than ${MAX_INPUT_PIXELS / 1e6} million pixels. Upload a smaller copy, for example as exported by your phone.`);
  }
  if (/premature end|truncated|unexpected end|not enough data|read error/i.test(message)) {
    return refusal('TRUNCATED', 'This photo is incomplete: the file ends before the picture does, usually because the upload or a copy was cut short. Upload it again.');
  }
  return unreadable();
}

/** A face's bounding box in the normalised photo's pixels, as the face analyser reports it. */
export interface FaceBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface FaceCropOptions {
  /** Side of the square crop in pixels (default 1024, the LoRA training size). */
  readonly size?: number;
  /** Side of the square around the face as a multiple of the face box's longer side (default 2: head, hair and shoulders). */
  readonly scale?: number;
}

export interface FaceCrop {
  readonly jpeg: Buffer;
  readonly size: number;
  /** The square taken from the normalised photo, before resizing. */
  readonly region: { readonly left: number; readonly top: number; readonly side: number };
  /** True when the region was smaller than `size` and had to be enlarged. */
  readonly upscaled: boolean;
}

/**
 * A square JPEG centred on a face, with margin, clamped to the photo: when the square
 * would leave the photo it is moved back inside, and shrunk only when the photo is
 * narrower than the square.
 */
export async function faceCrop(normalised: Buffer, box: FaceBox, options: FaceCropOptions = {}): Promise<FaceCrop> {
  const size = options.size ?? 1024;
  const scale = options.scale ?? 2;
  const { width, height } = await sharp(normalised, UNTRUSTED_INPUT).metadata();
  if (!width || !height) throw new RangeError('faceCrop: the photo has no dimensions');
  const values = [box.left, box.top, box.width, box.height];
  if (!values.every(Number.isFinite) || box.width <= 0 || box.height <= 0) throw new RangeError(`faceCrop: invalid face box ${JSON.stringify(box)}`);
  if (box.left >= width || box.top >= height || box.left + box.width <= 0 || box.top + box.height <= 0) {
    throw new RangeError(`faceCrop: the face box ${JSON.stringify(box)} lies outside the ${width}×${height} photo`);
  }
  const side = Math.max(1, Math.min(width, height, Math.round(Math.max(box.width, box.height) * scale)));
  const centreX = box.left + box.width / 2;
  const centreY = box.top + box.height / 2;
  const left = clamp(Math.round(centreX - side / 2), 0, width - side);
  const top = clamp(Math.round(centreY - side / 2), 0, height - side);
  const jpeg = await sharp(normalised, UNTRUSTED_INPUT)
    .extract({ left, top, width: side, height: side })
    .resize(size, size)
    .jpeg({ quality: NORMALISED_QUALITY, mozjpeg: false })
    .toBuffer();
  return { jpeg, size, region: { left, top, side }, upscaled: side < size };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
