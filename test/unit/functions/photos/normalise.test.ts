import sharp from 'sharp';
import { faceCrop, MAX_INPUT_PIXELS, normalisePhoto, type NormalisedPhoto, type NormaliseResult } from '#functions/photos/normalise';
import { jpegDeclaring, pngBomb, readHeicFixture } from './fixtures';
import { scene, sceneJpeg } from './scenes';

function photoOf(result: NormaliseResult): NormalisedPhoto {
  if (!result.ok) throw new Error(`refused: ${result.code} ${result.reason}`);
  return result.photo;
}

/** The output's metadata, and proof that it holds none of the blocks we strip. */
async function expectClean(jpeg: Buffer) {
  const meta = await sharp(jpeg).metadata();
  expect(meta).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3, depth: 'uchar', hasAlpha: false });
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.iptc).toBeUndefined();
  expect(meta.icc).toBeUndefined();
  expect(meta.orientation).toBeUndefined();
  expect(meta.isProgressive).toBe(false);
  return meta;
}

async function pixel(jpeg: Buffer, x: number, y: number): Promise<number[]> {
  const { data } = await sharp(jpeg).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  return [...data];
}

jest.setTimeout(30_000);

describe('normalisePhoto', () => {
  it('turns an EXIF-rotated photo (orientation 6) upright, with its sides swapped', async () => {
    // Stored 800×600 with a red block at its top-left; orientation 6 means "turn 90° clockwise to view",
    // so the viewer sees 600×800 with the block at its top-right.
    const stored = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#3060a0' } })
      .composite([{ input: { create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    const photo = photoOf(await normalisePhoto(stored));
    expect(photo).toMatchObject({ width: 600, height: 800, sourceWidth: 600, sourceHeight: 800, sourceFormat: 'jpeg' });
    await expectClean(photo.jpeg);
    const [r, g, b] = await pixel(photo.jpeg, 600 - 20, 20);
    expect(r).toBeGreaterThan(200);
    expect(g! + b!).toBeLessThan(80);
    const [r2] = await pixel(photo.jpeg, 20, 20);
    expect(r2).toBeLessThan(100);
  });

  it('strips EXIF with GPS, XMP and a foreign ICC profile', async () => {
    const input = await scene(1, { width: 900, height: 700 })
      .withExif({
        IFD0: { Make: 'Phone', Model: 'Pro', Copyright: 'Jane Doe' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2405/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
      })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>Jane at home</rdf:Description></rdf:RDF></x:xmpmeta>')
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.exif?.toString('latin1')).toContain('Phone');
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();
    const photo = photoOf(await normalisePhoto(input));
    await expectClean(photo.jpeg);
    const text = photo.jpeg.toString('latin1');
    for (const leak of ['Exif', 'GPS', 'Phone', 'Jane', 'xmpmeta', 'ICC_PROFILE']) expect(text).not.toContain(leak);
  });

  it('converts a CMYK JPEG to 8-bit sRGB', async () => {
    const cmyk = await scene(2, { width: 700, height: 600 }).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const photo = photoOf(await normalisePhoto(cmyk));
    expect(photo).toMatchObject({ width: 700, height: 600 });
    await expectClean(photo.jpeg);
  });

  it('converts a 16-bit PNG to 8-bit sRGB', async () => {
    const png16 = await scene(3, { width: 640, height: 640 }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const photo = photoOf(await normalisePhoto(png16));
    expect(photo).toMatchObject({ width: 640, height: 640, sourceFormat: 'png' });
    await expectClean(photo.jpeg);
  });

  it('flattens transparency onto white', async () => {
    const transparent = await sharp({ create: { width: 600, height: 600, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).webp({ lossless: true }).toBuffer();
    const photo = photoOf(await normalisePhoto(transparent));
    expect(photo.sourceFormat).toBe('webp');
    expect((await pixel(photo.jpeg, 300, 300)).every((v) => v > 250)).toBe(true);
  });

  it('decodes a HEIC (committed fixture) through heic-decode', async () => {
    const photo = photoOf(await normalisePhoto(readHeicFixture(), { contentType: 'image/heic', fileName: 'IMG_0001.HEIC' }));
    expect(photo).toMatchObject({ width: 800, height: 600, sourceFormat: 'heif' });
    await expectClean(photo.jpeg);
    // The same scene as drawn: the decode is the picture, not noise.
    const { data: decoded } = await sharp(photo.jpeg).resize(8, 6).raw().toBuffer({ resolveWithObject: true });
    const { data: drawn } = await scene(101, { width: 800, height: 600 }).resize(8, 6).raw().toBuffer({ resolveWithObject: true });
    const meanError = decoded.reduce((sum, v, i) => sum + Math.abs(v - drawn[i]!), 0) / decoded.length;
    expect(meanError).toBeLessThan(8);
  });

  it('caps the long side at 2048 px, keeping the aspect ratio, and never enlarges', async () => {
    const big = photoOf(await normalisePhoto(await sceneJpeg(4, { width: 3000, height: 2400 })));
    expect(big).toMatchObject({ width: 2048, height: 1638, sourceWidth: 3000, sourceHeight: 2400 });
    const small = photoOf(await normalisePhoto(await sceneJpeg(5, { width: 512, height: 900 })));
    expect(small).toMatchObject({ width: 512, height: 900 });
  });

  it('refuses a photo whose shorter side is under 512 px', async () => {
    expect(await normalisePhoto(await sceneJpeg(6, { width: 400, height: 600 }))).toEqual({
      ok: false,
      code: 'TOO_SMALL',
      reason: 'This photo is 400×600 pixels; each side must be at least 512 pixels. Upload the original photo rather than a thumbnail or a screenshot.',
    });
  });

  it('reports a small rotated photo with its upright dimensions', async () => {
    const rotated = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#777' } }).jpeg().withMetadata({ orientation: 8 }).toBuffer();
    expect(await normalisePhoto(rotated)).toMatchObject({ ok: false, code: 'TOO_SMALL', reason: expect.stringContaining('This photo is 400×600 pixels') });
  });

  it('refuses a small HEIC before decoding it', async () => {
    // Lower the fixture's declared size (ispe box) to 480×360: the header alone decides.
    const heic = Buffer.from(readHeicFixture());
    const ispe = heic.indexOf('ispe', 0, 'latin1');
    heic.writeUInt32BE(480, ispe + 8);
    heic.writeUInt32BE(360, ispe + 12);
    expect(await normalisePhoto(heic)).toMatchObject({ ok: false, code: 'TOO_SMALL', reason: expect.stringContaining('480×360') });
  });

  describe('decompression bombs', () => {
    const TOO_LARGE = expect.objectContaining({ ok: false, code: 'TOO_LARGE_PIXELS' });

    it('refuses a PNG declaring 30000×30000 from its header, without allocating its pixels', async () => {
      const bomb = pngBomb(30000, 30000);
      expect(bomb.length).toBeLessThan(200_000);
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const result = await normalisePhoto(bomb);
      expect(result).toEqual({
        ok: false,
        code: 'TOO_LARGE_PIXELS',
        reason: 'This photo is 30000×30000 pixels (900 MP); photos up to 64 MP are accepted. Upload a smaller copy, for example as exported by your phone.',
      });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024); // decoded, it is 2.7 GB
    });

    it('refuses a JPEG whose frame header declares 30000×30000', async () => {
      expect(await normalisePhoto(await jpegDeclaring(30000, 30000))).toEqual(TOO_LARGE);
    });

    it('refuses a HEIC declaring 30000×30000 before decoding it', async () => {
      const heic = Buffer.from(readHeicFixture());
      const ispe = heic.indexOf('ispe', 0, 'latin1');
      heic.writeUInt32BE(30000, ispe + 8);
      heic.writeUInt32BE(30000, ispe + 12);
      expect(await normalisePhoto(heic)).toEqual(TOO_LARGE);
    });

    it('allows a 50 MP phone photo by the cap', () => {
      expect(8160 * 6120).toBeLessThanOrEqual(MAX_INPUT_PIXELS);
      expect(8192 * 6144).toBeLessThanOrEqual(MAX_INPUT_PIXELS);
    });
  });

  describe('damaged files', () => {
    it('refuses a truncated JPEG', async () => {
      const jpeg = await sceneJpeg(7, { width: 800, height: 600 });
      expect(await normalisePhoto(jpeg.subarray(0, jpeg.length >> 1))).toMatchObject({ ok: false, code: 'TRUNCATED', reason: expect.stringContaining('Upload it again') });
    });

    it('refuses a JPEG cut short whose end marker was patched back on (sharp fails on it)', async () => {
      const jpeg = await sceneJpeg(8, { width: 800, height: 600 });
      const patched = Buffer.concat([jpeg.subarray(0, jpeg.length >> 1), Buffer.from([0xff, 0xd9])]);
      expect(await normalisePhoto(patched)).toEqual({
        ok: false,
        code: 'TRUNCATED',
        reason: 'This photo is incomplete: the file ends before the picture does, usually because the upload or a copy was cut short. Upload it again.',
      });
    });

    it('refuses a PNG whose image data is corrupt', async () => {
      const png = Buffer.from(await scene(9, { width: 600, height: 600 }).png().toBuffer());
      const idat = png.indexOf('IDAT', 0, 'latin1');
      png.fill(0x55, idat + 40, idat + 400);
      expect(await normalisePhoto(png)).toMatchObject({ ok: false, code: expect.stringMatching(/^(UNREADABLE|TRUNCATED)$/), reason: expect.any(String) });
    });

    it('refuses a HEIC whose coded data is garbage', async () => {
      const heic = Buffer.from(readHeicFixture());
      const mdat = heic.indexOf('mdat', 0, 'latin1');
      heic.fill(0, mdat + 4, heic.length);
      // libheif-js reports the failed decode with console.log of its own; keep the test output clean.
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const result = await normalisePhoto(heic);
      expect(log).toHaveBeenCalledWith('Decoding image failed', expect.anything(), expect.anything());
      log.mockRestore();
      expect(result).toEqual({
        ok: false,
        code: 'UNREADABLE',
        reason: 'We could not read this photo: the file is damaged. Open it on your device to check it, then export or save it again and upload the new copy.',
      });
    });
  });

  it('passes refusals of the format check through (a GIF, a lying content type)', async () => {
    const gif = await sharp({ create: { width: 600, height: 600, channels: 3, background: '#123456' } }).gif().toBuffer();
    expect(await normalisePhoto(gif)).toEqual({ ok: false, code: 'UNSUPPORTED_FORMAT', reason: 'This file is a GIF. Upload a JPEG, PNG, WebP or HEIC photo.' });
    const jpeg = await sceneJpeg(10, { width: 600, height: 600 });
    expect(await normalisePhoto(jpeg, { contentType: 'image/webp' })).toMatchObject({ ok: false, code: 'TYPE_MISMATCH' });
  });
});

describe('faceCrop', () => {
  let normalised: Buffer;
  beforeAll(async () => {
    normalised = photoOf(await normalisePhoto(await sceneJpeg(11, { width: 2048, height: 1536 }))).jpeg;
  });

  it('cuts a square twice the face around its centre, at 1024×1024', async () => {
    const crop = await faceCrop(normalised, { left: 900, top: 600, width: 300, height: 400 });
    expect(crop.region).toEqual({ left: 650, top: 400, side: 800 });
    expect(crop.upscaled).toBe(true);
    const meta = await expectClean(crop.jpeg);
    expect(meta).toMatchObject({ width: 1024, height: 1024 });
  });

  it('moves the square back inside the photo near an edge', async () => {
    const crop = await faceCrop(normalised, { left: 10, top: 1300, width: 200, height: 220 });
    expect(crop.region).toEqual({ left: 0, top: 1536 - 440, side: 440 });
  });

  it('shrinks the square to the photo when the face is huge', async () => {
    const crop = await faceCrop(normalised, { left: 400, top: 100, width: 1200, height: 1400 }, { size: 512 });
    expect(crop.region.side).toBe(1536);
    expect(crop.region.left).toBeGreaterThanOrEqual(0);
    expect(crop.region.left + crop.region.side).toBeLessThanOrEqual(2048);
    expect(crop.upscaled).toBe(false);
    expect(await sharp(crop.jpeg).metadata()).toMatchObject({ width: 512, height: 512 });
  });

  it.each([
    [{ left: 3000, top: 0, width: 100, height: 100 }, /lies outside the 2048×1536 photo/],
    [{ left: 0, top: 0, width: 0, height: 100 }, /invalid face box/],
    [{ left: Number.NaN, top: 0, width: 10, height: 10 }, /invalid face box/],
  ])('refuses the box %j', async (box, message) => {
    await expect(faceCrop(normalised, box)).rejects.toThrow(message);
  });
});
