import { MAX_PHOTO_BYTES, MIN_PHOTO_SIDE, type PhotoType } from '../../../shared/photos';

/**
 * The checks the browser runs on a selfie before it uploads anything: the
 * format by its first bytes (never by its name), the size, and the dimensions
 * where the browser can decode the photo. The server checks all of it again;
 * these only spare the customer a wait for a verdict we can give at once.
 */

/** How many leading bytes {@link sniffType} needs. */
export const SNIFF_BYTES = 64;

/** ISO-BMFF major/compatible brands of HEIF images with HEVC (or generic HEIF) content. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);
/** Generic HEIF brands also carry AV1 (AVIF), which the studio does not take. */
const AVIF_BRANDS = new Set(['avif', 'avis']);

const ascii = (bytes: Uint8Array, from: number, length: number) => String.fromCharCode(...bytes.subarray(from, from + length));

/**
 * The photo type the first bytes of a file show, or undefined for anything
 * else: JPEG (FF D8 FF), PNG (its 8-byte signature), WebP (RIFF….WEBP) and
 * HEIC/HEIF (an `ftyp` box naming a HEIF brand; AVIF is refused).
 */
export function sniffType(bytes: Uint8Array): PhotoType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp') {
    const boxSize = (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    const end = Math.min(bytes.length, boxSize >= 16 ? boxSize : 16);
    const brands = [ascii(bytes, 8, 4)];
    // After the major brand come the minor version (4 bytes) and the compatible brands.
    for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return undefined;
    if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'image/heic';
    if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'image/heif';
  }
  return undefined;
}

/** Whether the browser can decode this type to measure it (HEIC: no browser but Safari can). */
export function canMeasure(type: PhotoType): boolean {
  return type === 'image/jpeg' || type === 'image/png' || type === 'image/webp';
}

/** What is wrong with a photo of these dimensions, or undefined when it is large enough. */
export function dimensionProblem(width: number, height: number, minSide = MIN_PHOTO_SIDE): string | undefined {
  if (Math.min(width, height) >= minSide) return undefined;
  return `This photo is ${width} × ${height} pixels; photos need at least ${minSide} pixels on the shorter side. Use the original from your camera, not a thumbnail.`;
}

/** What is wrong with a file of this size, or undefined. */
export function sizeProblem(bytes: number, max = MAX_PHOTO_BYTES): string | undefined {
  if (bytes === 0) return 'This file is empty. Pick the photo again.';
  if (bytes <= max) return undefined;
  return `This photo is ${formatBytes(bytes)}; photos can be at most ${formatBytes(max)}. Export a smaller copy.`;
}

/** "2.4 MB", "830 kB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

export type CheckResult =
  | {
      readonly ok: true;
      readonly contentType: PhotoType;
      readonly width?: number;
      readonly height?: number;
      /** Something the customer should know though the photo goes ahead (HEIC is measured by the server). */
      readonly note?: string;
    }
  | { readonly ok: false; readonly reason: string };

/** How the checks reach the file; the browser's defaults are {@link browserFileAccess}. */
export interface FileAccess {
  /** The first `count` bytes of the file. */
  head(file: Blob, count: number): Promise<Uint8Array>;
  /** The decoded dimensions (upright, as the browser shows the photo); rejects when the file cannot be decoded. */
  measure(file: Blob): Promise<{ width: number; height: number }>;
}

export const browserFileAccess: FileAccess = {
  head: async (file, count) => new Uint8Array(await file.slice(0, count).arrayBuffer()),
  measure: async (file) => {
    // createImageBitmap applies the EXIF orientation by default, as the server's normaliser does.
    const bitmap = await createImageBitmap(file);
    try {
      return { width: bitmap.width, height: bitmap.height };
    } finally {
      bitmap.close();
    }
  },
};

export const HEIC_NOTE = 'HEIC photos are checked by the studio once uploaded.';

/** Runs the instant checks on one picked file. */
export async function checkPhoto(file: Blob, access: FileAccess = browserFileAccess): Promise<CheckResult> {
  const size = sizeProblem(file.size);
  if (size) return { ok: false, reason: size };
  let head: Uint8Array;
  try {
    head = await access.head(file, SNIFF_BYTES);
  } catch {
    return { ok: false, reason: 'This file could not be read. Pick it again, or try another photo.' };
  }
  const contentType = sniffType(head);
  if (!contentType) return { ok: false, reason: 'This is not a photo the studio can use. Upload a JPEG, PNG, WebP or HEIC photo.' };
  if (!canMeasure(contentType)) return { ok: true, contentType, note: HEIC_NOTE };
  let dimensions: { width: number; height: number };
  try {
    dimensions = await access.measure(file);
  } catch {
    return { ok: false, reason: 'This photo could not be opened; it may be damaged or cut short. Try another one.' };
  }
  const problem = dimensionProblem(dimensions.width, dimensions.height);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, contentType, ...dimensions };
}
