/**
 * Which photo a customer uploaded, read from its bytes alone (never from its name or
 * declared content type, which are only checked against the bytes).
 *
 * Accepted: JPEG, PNG, WebP and HEIC/HEIF (ISO-BMFF `ftyp` with a HEVC or generic
 * HEIF brand). Refused, each with a reason the customer can act on: every other
 * format (GIF, TIFF and camera RAW, BMP, PDF, SVG/HTML/XML, ZIP, AVIF, JPEG XL, PSD,
 * videos…), truncated files, files whose declared type or extension names another
 * format, and polyglots.
 *
 * Polyglots: what we refuse, and what we let through.
 * - Refused (`POLYGLOT`): an accepted image that is *also* something a browser, a PDF
 *   reader or an unzip tool would open: active markup anywhere in the bytes (`<script`,
 *   `<html`, `<svg`, `<iframe`, `<?php`, `<!doctype`, `javascript:`), a `%PDF-` header in
 *   the first 1,024 bytes, or a consistent ZIP end-of-central-directory record at the
 *   end. Compressed image data is effectively random, so the chance that a real photo
 *   carries one of these strings by accident is negligible (about 2^-40 per megabyte for
 *   the shortest); XMP metadata is XML but carries none of these tags.
 * - Let through: bytes after a JPEG's end-of-image marker or a PNG's IEND chunk that are
 *   none of the above. Phones append data there on purpose (Google and Samsung motion
 *   photos append an MP4, Samsung appends its SEFT trailer), refusing those would refuse
 *   ordinary phone photos, and normalisation re-encodes the pixels so the trailer never
 *   reaches storage or a reader.
 */

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'heif';

/** Stable codes of a refused photo; `reason` is for the customer, the code for code. */
export type PhotoRefusalCode =
  | 'EMPTY'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'TYPE_MISMATCH'
  | 'POLYGLOT'
  | 'TRUNCATED'
  | 'TOO_SMALL'
  | 'TOO_LARGE_PIXELS'
  | 'UNREADABLE';

export interface PhotoRefusal {
  readonly ok: false;
  readonly code: PhotoRefusalCode;
  readonly reason: string;
}

export type FormatResult = { readonly ok: true; readonly format: PhotoFormat; readonly mimeType: string } | PhotoRefusal;

/** What the upload claimed to be: the S3 object's content type and/or its file name. */
export interface DeclaredType {
  readonly contentType?: string;
  readonly fileName?: string;
}

/** The largest upload accepted, in bytes; a 50 MP phone JPEG or HEIC is 8–25 MB. */
export const MAX_UPLOAD_BYTES = 40 * 1024 * 1024;

export const ACCEPTED_FORMATS_SENTENCE = 'Upload a JPEG, PNG, WebP or HEIC photo.';

const FORMAT_NAMES: Record<PhotoFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', heif: 'HEIC' };
const MIME_TYPES: Record<PhotoFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heif: 'image/heic' };

/** `ftyp` brands of HEVC-coded or generic HEIF stills and sequences. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);
/** Brands that name HEVC content for sure (the generic `mif1`/`msf1` may carry AV1: AVIF). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const VIDEO_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'm4v ', 'M4V ', 'qt  ', '3gp4', '3gp5', '3gp6', '3g2a', 'avc1', 'dash', 'MSNV', 'f4v ']);

export function refusal(code: PhotoRefusalCode, reason: string): PhotoRefusal {
  return { ok: false, code, reason };
}

function unsupported(name: string): PhotoRefusal {
  return refusal('UNSUPPORTED_FORMAT', `This file is ${name}. ${ACCEPTED_FORMATS_SENTENCE}`);
}

const truncated = (): PhotoRefusal =>
  refusal('TRUNCATED', 'This photo is incomplete: the file ends before the picture does, usually because the upload or a copy was cut short. Upload it again.');

/**
 * Reads the format from the bytes and checks the container is whole and is nothing
 * else besides; decoding (pixel limits, corrupt data, size) is `normalisePhoto`'s job.
 */
export function detectFormat(bytes: Buffer, declared: DeclaredType = {}): FormatResult {
  if (bytes.length === 0) return refusal('EMPTY', 'This file is empty. Upload the photo again.');
  if (bytes.length > MAX_UPLOAD_BYTES) {
    return refusal('FILE_TOO_LARGE', `This file is ${(bytes.length / 1024 / 1024).toFixed(0)} MB; photos up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MB are accepted. Upload a smaller copy.`);
  }
  const sniffed = sniff(bytes);
  if (!sniffed.ok) return sniffed;
  const { format } = sniffed;

  const whole = format === 'jpeg' ? jpegIsWhole(bytes) : format === 'png' ? pngIsWhole(bytes) : format === 'webp' ? webpIsWhole(bytes) : heifIsWhole(bytes);
  if (!whole) return truncated();

  const polyglot = polyglotKind(bytes);
  if (polyglot) {
    return refusal(
      'POLYGLOT',
      `This ${FORMAT_NAMES[format]} file also contains ${polyglot}, which we do not accept for safety. Export or save the photo again from your photo app and upload the new copy.`,
    );
  }

  const mismatch = declaredMismatch(format, declared);
  if (mismatch) {
    return refusal(
      'TYPE_MISMATCH',
      `This file is named or sent as ${mismatch}, but it is a ${FORMAT_NAMES[format]} photo. Give it the right file extension (or export it again from your photo app) and upload it.`,
    );
  }
  return { ok: true, format, mimeType: MIME_TYPES[format] };
}

type Sniffed = { readonly ok: true; readonly format: PhotoFormat } | PhotoRefusal;

function ascii(bytes: Buffer, start: number, end: number): string {
  return bytes.subarray(start, Math.min(end, bytes.length)).toString('latin1');
}

function sniff(bytes: Buffer): Sniffed {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { ok: true, format: 'jpeg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { ok: true, format: 'png' };
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return { ok: true, format: 'webp' };
  if (ascii(bytes, 4, 8) === 'ftyp') return sniffFtyp(bytes);

  const head = ascii(bytes, 0, 16);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return unsupported('a GIF');
  if (head.startsWith('II*\0') || head.startsWith('MM\0*') || head.startsWith('IIRO') || head.startsWith('IIU\0')) return unsupported('a TIFF or camera RAW file');
  if (head.startsWith('BM')) return unsupported('a BMP image');
  if (head.startsWith('%PDF-')) return unsupported('a PDF document');
  if (head.startsWith('PK\x03\x04') || head.startsWith('PK\x05\x06')) return unsupported('a ZIP archive');
  if (head.startsWith('8BPS')) return unsupported('a Photoshop document');
  if (head.startsWith('\0\0\x01\0')) return unsupported('an icon (ICO)');
  if (head.startsWith('\xff\x0a') || head.startsWith('\0\0\0\x0cJXL ')) return unsupported('a JPEG XL image');
  if (head.startsWith('RIFF')) return unsupported('a RIFF file (video or sound)');
  const text = ascii(bytes, 0, 1024).replace(/^\xef\xbb\xbf/, '').trimStart().toLowerCase();
  if (text.startsWith('<')) return unsupported(/<svg[\s>]/.test(text) ? 'an SVG drawing' : /<html|<!doctype html/.test(text) ? 'a web page (HTML)' : 'an XML or HTML document');
  return refusal('UNSUPPORTED_FORMAT', `We could not recognise this file as a photo. ${ACCEPTED_FORMATS_SENTENCE}`);
}

function sniffFtyp(bytes: Buffer): Sniffed {
  const size = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0;
  if (size < 16 || size > bytes.length) return bytes.length < 16 ? truncated() : refusal('UNREADABLE', `This file's header is damaged. ${ACCEPTED_FORMATS_SENTENCE}`);
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= size; at += 4) brands.push(ascii(bytes, at, at + 4));
  if (brands.some((brand) => HEVC_BRANDS.has(brand))) return { ok: true, format: 'heif' };
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return unsupported('an AVIF image');
  if (brands.some((brand) => HEIF_BRANDS.has(brand))) return { ok: true, format: 'heif' };
  if (brands.some((brand) => VIDEO_BRANDS.has(brand))) return unsupported('a video (for a Live Photo, upload the still photo)');
  return unsupported(`an ISO media file (brand "${brands[0]?.trim()}")`);
}

/** Walks the JPEG segments to the first scan, then needs an end-of-image marker after it. */
function jpegIsWhole(bytes: Buffer): boolean {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return false;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return true; // end of image before any scan: sharp refuses it as unreadable
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (marker === 0xda) {
      // Entropy-coded data never holds FF D9: an FF in it is followed by 00 or a restart marker.
      return bytes.indexOf(Buffer.from([0xff, 0xd9]), at + 2 + length) !== -1;
    }
    at += 2 + length;
  }
  return false;
}

/** Walks the PNG chunks and needs IEND. */
function pngIsWhole(bytes: Buffer): boolean {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = ascii(bytes, at + 4, at + 8);
    if (at + 12 + length > bytes.length) return false;
    if (type === 'IEND') return true;
    at += 12 + length;
  }
  return false;
}

function webpIsWhole(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.readUInt32LE(4) + 8 <= bytes.length;
}

/** Walks the top-level ISO-BMFF boxes: each must fit in the file, and the image data must be there. */
function heifIsWhole(bytes: Buffer): boolean {
  let at = 0;
  const seen = new Set<string>();
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    const type = ascii(bytes, at + 4, at + 8);
    if (size === 1) {
      if (at + 16 > bytes.length) return false;
      size = Number(bytes.readBigUInt64BE(at + 8));
    } else if (size === 0) {
      size = bytes.length - at;
    }
    if (size < 8 || at + size > bytes.length) return false;
    seen.add(type);
    at += size;
  }
  return at === bytes.length && seen.has('meta') && (seen.has('mdat') || seen.has('idat'));
}

const MARKUP = /<script|<html|<svg[\s>/]|<iframe|<object[\s>]|<embed[\s>]|<\?php|<!doctype|javascript:/i;

/** What else besides an image these bytes are, if anything (see the file comment). */
function polyglotKind(bytes: Buffer): string | undefined {
  if (MARKUP.test(bytes.toString('latin1'))) return 'web page code (HTML, SVG or script)';
  if (ascii(bytes, 0, 1024).includes('%PDF-')) return 'a PDF document';
  if (hasZipDirectory(bytes)) return 'a ZIP archive';
  return undefined;
}

/** A ZIP end-of-central-directory record whose comment runs exactly to the end of the file. */
function hasZipDirectory(bytes: Buffer): boolean {
  const signature = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
  const earliest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.lastIndexOf(signature); at >= earliest; at = at > 0 ? bytes.lastIndexOf(signature, at - 1) : -1) {
    if (at + 22 <= bytes.length && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) return true;
  }
  return false;
}

const DECLARED_TYPES: Record<string, PhotoFormat | undefined> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heif',
  'image/heif': 'heif',
  'image/heic-sequence': 'heif',
  'image/heif-sequence': 'heif',
};
const EXTENSIONS: Record<string, PhotoFormat | undefined> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  png: 'png',
  webp: 'webp',
  heic: 'heif',
  heif: 'heif',
  hif: 'heif',
};
/** Declarations that say nothing about the format, so cannot lie about it. */
const NEUTRAL_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** The declaration that names another format than the bytes, as the customer would read it; undefined when none does. */
function declaredMismatch(format: PhotoFormat, declared: DeclaredType): string | undefined {
  const contentType = (declared.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!NEUTRAL_TYPES.has(contentType) && DECLARED_TYPES[contentType] !== format) return contentType;
  const name = declared.fileName ?? '';
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1 && !/[\\/]/.test(name.slice(dot))) {
    const extension = name.slice(dot + 1).toLowerCase();
    if (EXTENSIONS[extension] !== format) return `.${extension}`;
  }
  return undefined;
}

export function formatName(format: PhotoFormat): string {
  return FORMAT_NAMES[format];
}
