import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * The committed HEIC fixture: 800×600, 75 KB, `main brand: heic`. Made once with
 * Debian's heif-enc (libheif-examples 1.15.1) from scene 101 of ./scenes.ts:
 *
 *   node --import tsx -e "import('./test/unit/functions/photos/scenes.ts').then(async (m) => {
 *     const { scene } = m.default ?? m; await scene(101, { width: 800, height: 600 }).png().toFile('/tmp/heic-src.png') })"
 *   heif-enc -q 50 -o test/fixtures/photos/scene-800x600.heic /tmp/heic-src.png
 */
export const HEIC_FIXTURE = join(__dirname, '..', '..', '..', 'fixtures', 'photos', 'scene-800x600.heic');
export const readHeicFixture = (): Buffer => readFileSync(HEIC_FIXTURE);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A decompression bomb: a valid PNG whose header declares `width`×`height` 8-bit RGB
 * pixels (30000×30000 is 2.7 GB decoded) but whose data holds one row; a decoder that
 * trusts the header allocates the lot.
 */
export function pngBomb(width = 30000, height = 30000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1 + width * 3))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real JPEG whose frame header (SOF) is rewritten to declare `width`×`height`. */
export async function jpegDeclaring(width: number, height: number): Promise<Buffer> {
  const jpeg = Buffer.from(await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer());
  for (let at = 2; at < jpeg.length; ) {
    const marker = jpeg[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(height, at + 5);
      jpeg.writeUInt16BE(width, at + 7);
      return jpeg;
    }
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker');
}

/** Inserts a COM (comment) segment right after the JPEG's SOI marker. */
export function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const segment = Buffer.alloc(4);
  segment.set([0xff, 0xfe]);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, text, jpeg.subarray(2)]);
}

/** The smallest valid ZIP archive: an empty end-of-central-directory record. */
export const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);
