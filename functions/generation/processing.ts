import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { CONTENT_TYPES, EXTENSIONS, type VariantFormat, type VariantName } from '#functions/generation/layout';

/*
 * What sharp makes of each kept image (issue 8, item 7):
 *
 * - `preview`: WebP, long side exactly 1024 px (Lanczos3), for the order page and review.
 * - `master`: the full-resolution picture as **PNG** (lossless). Decision: the master is
 *   what artists retouch from and what any later app version derives its own formats
 *   from, so it must not lose a JPEG generation each time; PNG is also what the FLUX
 *   presets ask fal for. It costs bytes (3.7 MB against 0.5 MB for the JPEG q92 of a
 *   2048 px picture), which S3 holds for 30 days at most (the retention schedule).
 * - `print`: the deliverable formats of the app version that placed the order, by
 *   default JPEG (quality 92, 4:4:4) and PNG, full resolution, marked 300 DPI.
 *
 * Every variant is 8-bit sRGB without any metadata: no EXIF, XMP, IPTC or ICC profile
 * (sharp writes none unless told to; untagged pixels are sRGB by definition). The
 * deliverables' density is the only thing written, in the format's own header field
 * (JPEG's JFIF APP0 density, PNG's `pHYs` chunk) rather than through sharp's
 * `withDensity`, which adds an EXIF block to carry it.
 *
 * The input is decoded once (under a pixel cap) into raw pixels that every variant is
 * encoded from, and the print PNG is the master's bytes with the `pHYs` chunk added:
 * one PNG encode, not two.
 */

/** The preview's long side in pixels. */
export const PREVIEW_LONG_SIDE = 1024;
/** The largest generated image decoded: Seedream's 4096×4096 maximum. */
export const GENERATED_MAX_PIXELS = 4096 * 4096;
export const PRINT_DENSITY = 300;
export const PREVIEW_WEBP_QUALITY = 82;
export const PRINT_JPEG_QUALITY = 92;
export const PNG_COMPRESSION = 6;

export type { VariantFormat, VariantName };

/** One deliverable format of an app version. */
export interface DeliverableFormat {
  readonly format: 'jpeg' | 'png';
  /** Pixels per inch written into the file. */
  readonly density: number;
}

/**
 * The deliverables each app version promises its customers, by the version that
 * placed the order (recorded on the order). A new app version adds a row; orders keep
 * the formats they were sold with.
 */
export const DELIVERABLES_BY_APP_VERSION: Readonly<Record<string, readonly DeliverableFormat[]>> = {
  '1': [
    { format: 'jpeg', density: PRINT_DENSITY },
    { format: 'png', density: PRINT_DENSITY },
  ],
};
export const DEFAULT_APP_VERSION = '1';

export function deliverablesFor(appVersion: string = DEFAULT_APP_VERSION): readonly DeliverableFormat[] {
  const formats = DELIVERABLES_BY_APP_VERSION[appVersion];
  if (!formats) throw new RangeError(`No deliverable formats for app version "${appVersion}"`);
  return formats;
}

export interface Variant {
  readonly name: VariantName;
  readonly format: VariantFormat;
  readonly contentType: string;
  /** File extension, without the dot (`jpg` for JPEG). */
  readonly extension: string;
  readonly bytes: Buffer;
  readonly width: number;
  readonly height: number;
  /** Bytes. */
  readonly size: number;
  /** SHA-256 of `bytes`, hex (for records) … */
  readonly sha256: string;
  /** … and base64 (S3's `ChecksumSHA256`, so S3 checks the upload). */
  readonly checksumSha256: string;
  /** Pixels per inch written into the file, for the deliverables. */
  readonly density?: number;
}

export interface ProcessedImage {
  /** The generated image's size, upright. */
  readonly width: number;
  readonly height: number;
  /** preview, master, then the deliverables in the order asked. */
  readonly variants: readonly Variant[];
}

export interface ProcessOptions {
  /** Default: those of {@link DEFAULT_APP_VERSION}. */
  readonly deliverables?: readonly DeliverableFormat[];
}

/** Makes every variant of one generated image (PNG, JPEG or WebP bytes from the provider). */
export async function processGeneratedImage(input: Buffer, options: ProcessOptions = {}): Promise<ProcessedImage> {
  const deliverables = options.deliverables ?? deliverablesFor();
  const { data, info } = await sharp(input, { limitInputPixels: GENERATED_MAX_PIXELS, failOn: 'error', animated: false })
    .autoOrient()
    // A transparent pixel becomes white, not the black JPEG would make of it.
    .flatten({ background: '#ffffff' })
    // Embedded profiles are applied; 16-bit, greyscale and CMYK leave as 8-bit sRGB.
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const pixels = () => sharp(data, { raw: { width, height, channels } });

  const landscape = width >= height;
  const preview = pixels()
    .resize({ ...(landscape ? { width: PREVIEW_LONG_SIDE } : { height: PREVIEW_LONG_SIDE }), kernel: 'lanczos3' })
    .webp({ quality: PREVIEW_WEBP_QUALITY })
    .toBuffer({ resolveWithObject: true });
  const needsJpeg = deliverables.some((d) => d.format === 'jpeg');
  const master = pixels().png({ compressionLevel: PNG_COMPRESSION }).toBuffer();
  const jpeg = needsJpeg ? pixels().jpeg({ quality: PRINT_JPEG_QUALITY, chromaSubsampling: '4:4:4', mozjpeg: false }).toBuffer() : undefined;
  const [previewOut, masterBytes, jpegBytes] = await Promise.all([preview, master, jpeg]);

  const variants: Variant[] = [
    variant('preview', 'webp', previewOut.data, previewOut.info.width, previewOut.info.height),
    variant('master', 'png', masterBytes, width, height),
  ];
  for (const deliverable of deliverables) {
    const bytes = deliverable.format === 'png' ? withPngDensity(masterBytes, deliverable.density) : withJpegDensity(jpegBytes!, deliverable.density);
    variants.push(variant('print', deliverable.format, bytes, width, height, deliverable.density));
  }
  return { width, height, variants };
}

function variant(name: VariantName, format: VariantFormat, bytes: Buffer, width: number, height: number, density?: number): Variant {
  const digest = createHash('sha256').update(bytes).digest();
  return {
    name,
    format,
    contentType: CONTENT_TYPES[format],
    extension: EXTENSIONS[format],
    bytes,
    width,
    height,
    size: bytes.length,
    sha256: digest.toString('hex'),
    checksumSha256: digest.toString('base64'),
    ...(density === undefined ? {} : { density }),
  };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The PNG with a `pHYs` chunk saying `dpi` (in pixels per metre, unit 1), placed
 * after IHDR as the PNG spec requires (before the first IDAT); an existing `pHYs`
 * is replaced. Nothing else changes, so the pixels are the master's.
 */
export function withPngDensity(png: Buffer, dpi: number): Buffer {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('withPngDensity: not a PNG');
  const perMetre = Math.round(dpi / 0.0254);
  const body = Buffer.alloc(13);
  body.write('pHYs', 0, 'latin1');
  body.writeUInt32BE(perMetre, 4);
  body.writeUInt32BE(perMetre, 8);
  body.writeUInt8(1, 12);
  const chunk = Buffer.alloc(21);
  chunk.writeUInt32BE(9, 0);
  body.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(body) >>> 0, 17);
  // Drop any pHYs already there, then insert ours right after IHDR.
  const parts: Buffer[] = [png.subarray(0, 8)];
  let at = 8;
  let inserted = false;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) throw new Error('withPngDensity: truncated chunk');
    if (type !== 'pHYs') parts.push(png.subarray(at, end));
    if (type === 'IHDR' && !inserted) {
      parts.push(chunk);
      inserted = true;
    }
    at = end;
    if (type === 'IEND') break;
  }
  return Buffer.concat(parts);
}

/**
 * The JPEG with its JFIF APP0 density set to `dpi` (units 1 = dots per inch); a JPEG
 * without JFIF APP0 gets one right after SOI. The entropy-coded data is untouched.
 */
export function withJpegDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('withJpegDensity: not a JPEG');
  const density = Math.round(dpi);
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0 && jpeg.toString('latin1', 6, 11) === 'JFIF\0') {
    const copy = Buffer.from(jpeg);
    copy.writeUInt8(1, 13);
    copy.writeUInt16BE(density, 14);
    copy.writeUInt16BE(density, 16);
    return copy;
  }
  const app0 = Buffer.alloc(18);
  app0.writeUInt16BE(0xffe0, 0);
  app0.writeUInt16BE(16, 2);
  app0.write('JFIF\0', 4, 'latin1');
  app0.writeUInt16BE(0x0101, 9);
  app0.writeUInt8(1, 11);
  app0.writeUInt16BE(density, 12);
  app0.writeUInt16BE(density, 14);
  // thumbnail 0×0 (bytes 16, 17 already zero)
  return Buffer.concat([jpeg.subarray(0, 2), app0, jpeg.subarray(2)]);
}
