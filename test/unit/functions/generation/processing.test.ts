import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import {
  deliverablesFor,
  GENERATED_MAX_PIXELS,
  PREVIEW_LONG_SIDE,
  processGeneratedImage,
  type ProcessedImage,
  type Variant,
  withJpegDensity,
  withPngDensity,
} from '#functions/generation/processing';

/*
 * Generated images as the provider might send them: a photo-like gradient with
 * detail, as PNG or JPEG, landscape, portrait or square, some carrying metadata that
 * must not survive (EXIF with a camera and GPS, XMP, a Display P3 ICC profile).
 */

jest.setTimeout(60_000);

function scene(width: number, height: number): Sharp {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="g" cx="45%" cy="35%" r="80%"><stop offset="0" stop-color="#d9a066"/><stop offset="1" stop-color="#2f4f7f"/></radialGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><ellipse cx="${width / 2}" cy="${height / 2}" rx="${width / 5}" ry="${height / 4}" fill="#c98e74"/><rect x="${width / 10}" y="${height / 8}" width="${width / 12}" height="${height / 2}" fill="#ffffff"/></svg>`;
  return sharp(Buffer.from(svg));
}

const withEverything = (image: Sharp) =>
  image
    .withExif({ IFD0: { Make: 'Camera Maker', Model: 'Phone 15', Software: 'Generator 1.0' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>someone</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
    .withIccProfile('p3');

const byName = (processed: ProcessedImage, name: string, format?: string): Variant => {
  const found = processed.variants.find((v) => v.name === name && (!format || v.format === format));
  if (!found) throw new Error(`no ${name} ${format ?? ''}`);
  return found;
};

let square: ProcessedImage;
let squareInput: Buffer;

beforeAll(async () => {
  squareInput = await withEverything(scene(2048, 2048).png()).toBuffer();
  square = await processGeneratedImage(squareInput);
});

describe('processGeneratedImage', () => {
  it('makes the preview, the master and the print deliverables of app version 1, in that order', () => {
    expect(square.variants.map((v) => `${v.name}.${v.extension}`)).toEqual(['preview.webp', 'master.png', 'print.jpg', 'print.png']);
    expect(square).toMatchObject({ width: 2048, height: 2048 });
  });

  it('each variant is what it says: format, content type, dimensions and size', async () => {
    for (const variant of square.variants) {
      const meta = await sharp(variant.bytes).metadata();
      expect([variant.name, meta.format, meta.width, meta.height]).toEqual([variant.name, variant.format, variant.width, variant.height]);
      expect(variant.contentType).toBe(`image/${variant.format}`);
      expect(variant.size).toBe(variant.bytes.length);
    }
    expect(byName(square, 'master')).toMatchObject({ width: 2048, height: 2048 });
    expect(byName(square, 'print', 'jpeg')).toMatchObject({ width: 2048, height: 2048 });
  });

  it('checksums are the SHA-256 of the bytes, in hex and in base64 for S3', () => {
    for (const variant of square.variants) {
      const digest = createHash('sha256').update(variant.bytes).digest();
      expect(variant.sha256).toBe(digest.toString('hex'));
      expect(variant.checksumSha256).toBe(digest.toString('base64'));
    }
  });

  it('the preview has a long side of exactly 1024 px, landscape, portrait and square, keeping the aspect', async () => {
    expect(byName(square, 'preview')).toMatchObject({ width: PREVIEW_LONG_SIDE, height: PREVIEW_LONG_SIDE });
    const landscape = await processGeneratedImage(await scene(1600, 900).jpeg({ quality: 95 }).toBuffer());
    expect(byName(landscape, 'preview')).toMatchObject({ width: 1024, height: 576 });
    const portrait = await processGeneratedImage(await scene(1365, 2048).png().toBuffer());
    const preview = byName(portrait, 'preview');
    expect(preview.height).toBe(1024);
    expect(Math.abs(preview.width - Math.round((1365 * 1024) / 2048))).toBeLessThanOrEqual(1);
    expect(byName(portrait, 'master')).toMatchObject({ width: 1365, height: 2048 });
  });

  it('strips every metadata block: no EXIF, XMP, IPTC or ICC profile, 8-bit sRGB', async () => {
    const input = await sharp(squareInput).metadata();
    expect(input.exif && input.xmp && input.icc).toBeTruthy(); // the test input carries them all
    for (const variant of square.variants) {
      const meta = await sharp(variant.bytes).metadata();
      expect([variant.name, variant.format, meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([variant.name, variant.format, undefined, undefined, undefined, undefined]);
      expect(meta.space).toBe('srgb');
      expect(meta.depth).toBe('uchar');
      expect(meta.hasAlpha).toBe(false);
    }
  });

  it('marks the deliverables 300 DPI, and nothing else', async () => {
    for (const variant of square.variants) {
      const meta = await sharp(variant.bytes).metadata();
      if (variant.name === 'print') {
        expect(variant.density).toBe(300);
        expect([variant.format, Math.round(meta.density ?? 0)]).toEqual([variant.format, 300]);
      } else {
        expect(variant.density).toBeUndefined();
        expect([variant.name, meta.density]).toEqual([variant.name, undefined]);
      }
    }
  });

  it('the print PNG has exactly the pixels of the master', async () => {
    const [master, print] = await Promise.all([sharp(byName(square, 'master').bytes).raw().toBuffer(), sharp(byName(square, 'print', 'png').bytes).raw().toBuffer()]);
    expect(print.equals(master)).toBe(true);
  });

  it('converts a wide-gamut input to sRGB instead of dropping its profile', async () => {
    // sRGB #c86432 stored in Display P3 is (187, 105, 62) in the file: read without its profile, the colour would shift.
    const p3 = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#c86432' } }).withIccProfile('p3').png().toBuffer();
    const stored = await sharp(p3).keepIccProfile().raw().toBuffer();
    expect([...stored.subarray(0, 3)]).toEqual([187, 105, 62]);
    const master = await sharp(byName(await processGeneratedImage(p3), 'master').bytes).raw().toBuffer();
    const [red, green, blue] = master.subarray(0, 3);
    expect(Math.abs(red! - 200) + Math.abs(green! - 100) + Math.abs(blue! - 50)).toBeLessThanOrEqual(3);
  });

  it('turns an EXIF-rotated input upright', async () => {
    const rotated = await scene(1600, 1000).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const processed = await processGeneratedImage(rotated);
    expect(processed).toMatchObject({ width: 1000, height: 1600 });
    expect(byName(processed, 'preview')).toMatchObject({ width: 640, height: 1024 });
  });

  it('flattens transparency onto white', async () => {
    const transparent = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const { channels } = await sharp(byName(await processGeneratedImage(transparent), 'print', 'jpeg').bytes).stats();
    expect(channels.slice(0, 3).map((c) => Math.round(c.mean))).toEqual([255, 255, 255]);
  });

  it('refuses an image above the pixel cap before decoding it', async () => {
    const side = Math.ceil(Math.sqrt(GENERATED_MAX_PIXELS)) + 16;
    const huge = await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } }).jpeg({ quality: 50 }).toBuffer();
    await expect(processGeneratedImage(huge)).rejects.toThrow(/pixel limit/i);
  });

  it("makes the deliverables it is asked for: an app version's, or PNG alone", async () => {
    expect(deliverablesFor('1')).toEqual([
      { format: 'jpeg', density: 300 },
      { format: 'png', density: 300 },
    ]);
    expect(() => deliverablesFor('99')).toThrow(/99/);
    const input = await scene(1024, 1024).png().toBuffer();
    const processed = await processGeneratedImage(input, { deliverables: [{ format: 'png', density: 150 }] });
    expect(processed.variants.map((v) => `${v.name}.${v.extension}`)).toEqual(['preview.webp', 'master.png', 'print.png']);
    expect(Math.round((await sharp(byName(processed, 'print').bytes).metadata()).density ?? 0)).toBe(150);
  });
});

describe('density in the header', () => {
  it('a JPEG without JFIF APP0 (as sharp writes them) gets one, and decodes to the same pixels', async () => {
    const jpeg = await scene(256, 256).jpeg().toBuffer();
    expect(jpeg.readUInt16BE(2)).not.toBe(0xffe0);
    const dense = withJpegDensity(jpeg, 300);
    expect(dense.length).toBe(jpeg.length + 18);
    expect((await sharp(dense).metadata()).density).toBe(300);
    expect((await sharp(dense).raw().toBuffer()).equals(await sharp(jpeg).raw().toBuffer())).toBe(true);
  });

  it('a JPEG with JFIF APP0 has its density changed in place', async () => {
    const once = withJpegDensity(await scene(256, 256).jpeg().toBuffer(), 300);
    const again = withJpegDensity(once, 150);
    expect(again.length).toBe(once.length);
    expect((await sharp(again).metadata()).density).toBe(150);
  });

  it('a PNG gets one pHYs after IHDR, replacing any there was', async () => {
    const png = await scene(256, 256).png().toBuffer();
    const count = (bytes: Buffer) => bytes.toString('latin1').split('pHYs').length - 1;
    // sharp writes a pHYs of its own; without it, the chunk is added (21 bytes).
    const at = png.indexOf('pHYs') - 4;
    const bare = Buffer.concat([png.subarray(0, at), png.subarray(at + 21)]);
    expect([count(png), count(bare)]).toEqual([1, 0]);
    const added = withPngDensity(bare, 300);
    expect(added.length).toBe(bare.length + 21);
    expect(added.toString('latin1', 37, 41)).toBe('pHYs'); // right after the 25-byte IHDR chunk
    const twice = withPngDensity(withPngDensity(png, 72), 300);
    expect(count(twice)).toBe(1);
    expect(Math.round((await sharp(twice).metadata()).density ?? 0)).toBe(300);
    expect((await sharp(twice).raw().toBuffer()).equals(await sharp(png).raw().toBuffer())).toBe(true);
  });

  it('refuses what is not a JPEG or a PNG', () => {
    expect(() => withJpegDensity(Buffer.from('GIF89a'), 300)).toThrow(/JPEG/);
    expect(() => withPngDensity(Buffer.from('GIF89a'), 300)).toThrow(/PNG/);
  });
});
