import sharp from 'sharp';
import { detectFormat, MAX_UPLOAD_BYTES } from '#functions/photos/format';
import { EMPTY_ZIP, readHeicFixture, withJpegComment } from './fixtures';

const ACCEPTED = 'Upload a JPEG, PNG, WebP or HEIC photo.';
const base = () => sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } });

describe('detectFormat', () => {
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await base().jpeg().toBuffer();
  });

  it.each([
    ['jpeg', () => base().jpeg().toBuffer(), 'image/jpeg'],
    ['png', () => base().png().toBuffer(), 'image/png'],
    ['webp', () => base().webp().toBuffer(), 'image/webp'],
    ['heif', async () => readHeicFixture(), 'image/heic'],
  ] as const)('accepts %s by its magic bytes', async (format, make, mimeType) => {
    expect(detectFormat(await make())).toEqual({ ok: true, format, mimeType });
  });

  it('accepts a progressive JPEG and a JPEG with bytes after its end marker (motion photo trailers)', async () => {
    const progressive = await base().jpeg({ progressive: true }).toBuffer();
    expect(detectFormat(progressive)).toMatchObject({ ok: true, format: 'jpeg' });
    const motionPhoto = Buffer.concat([jpeg, Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0isommp42', 'latin1'), Buffer.alloc(4096, 7)]);
    expect(detectFormat(motionPhoto)).toMatchObject({ ok: true, format: 'jpeg' });
  });

  it.each([
    ['a GIF', () => base().gif().toBuffer()],
    ['a TIFF or camera RAW file', () => base().tiff().toBuffer()],
    ['an AVIF image', () => base().avif({ effort: 0 }).toBuffer()],
    ['an SVG drawing', async () => Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"><script>alert(1)</script></svg>')],
    ['a web page (HTML)', async () => Buffer.from('<!DOCTYPE html><html><body>hi</body></html>')],
    ['a PDF document', async () => Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF')],
    ['a BMP image', async () => Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)])],
    ['a ZIP archive', async () => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)])],
    ['a video (for a Live Photo, upload the still photo)', async () => Buffer.concat([Buffer.from('\0\0\0\x18ftypqt  \0\0\0\0qt  ', 'latin1'), Buffer.alloc(64)])],
  ])('refuses %s as UNSUPPORTED_FORMAT, naming it', async (name, make) => {
    expect(detectFormat(await make())).toEqual({ ok: false, code: 'UNSUPPORTED_FORMAT', reason: `This file is ${name}. ${ACCEPTED}` });
  });

  it('refuses bytes it cannot recognise', () => {
    expect(detectFormat(Buffer.from('hello, this is text'))).toEqual({
      ok: false,
      code: 'UNSUPPORTED_FORMAT',
      reason: `We could not recognise this file as a photo. ${ACCEPTED}`,
    });
  });

  it('refuses an empty file and one past the size cap', () => {
    expect(detectFormat(Buffer.alloc(0))).toEqual({ ok: false, code: 'EMPTY', reason: 'This file is empty. Upload the photo again.' });
    const huge = Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD_BYTES)]);
    expect(detectFormat(huge)).toEqual({
      ok: false,
      code: 'FILE_TOO_LARGE',
      reason: 'This file is 40 MB; photos up to 40 MB are accepted. Upload a smaller copy.',
    });
  });

  describe('truncated files', () => {
    const TRUNCATED = {
      ok: false,
      code: 'TRUNCATED',
      reason: 'This photo is incomplete: the file ends before the picture does, usually because the upload or a copy was cut short. Upload it again.',
    };
    it.each([
      ['JPEG', () => base().jpeg().toBuffer()],
      ['progressive JPEG', () => base().jpeg({ progressive: true }).toBuffer()],
      ['PNG', () => base().png().toBuffer()],
      ['WebP', () => base().webp().toBuffer()],
      ['HEIC', async () => readHeicFixture()],
    ])('refuses a %s cut at 70%%', async (_name, make) => {
      const whole = await make();
      expect(detectFormat(whole.subarray(0, Math.floor(whole.length * 0.7)))).toEqual(TRUNCATED);
    });
    it('refuses a JPEG cut before its first scan', () => {
      expect(detectFormat(jpeg.subarray(0, 40))).toEqual(TRUNCATED);
    });
  });

  describe('polyglots', () => {
    const polyglot = (what: string) => ({
      ok: false,
      code: 'POLYGLOT',
      reason: `This JPEG file also contains ${what}, which we do not accept for safety. Export or save the photo again from your photo app and upload the new copy.`,
    });
    it('refuses a JPEG followed by HTML and script', () => {
      const bytes = Buffer.concat([jpeg, Buffer.from('<html><script>fetch("//evil")</script></html>')]);
      expect(detectFormat(bytes)).toEqual(polyglot('web page code (HTML, SVG or script)'));
    });
    it('refuses a JPEG carrying script in a comment segment', () => {
      expect(detectFormat(withJpegComment(jpeg, '*/=1;<script>alert(1)</script>/*'))).toEqual(polyglot('web page code (HTML, SVG or script)'));
    });
    it('refuses a file that is both a valid JPEG and a valid ZIP', () => {
      expect(detectFormat(Buffer.concat([jpeg, EMPTY_ZIP]))).toEqual(polyglot('a ZIP archive'));
    });
    it('refuses a JPEG with a PDF header in its first kilobyte', () => {
      expect(detectFormat(withJpegComment(jpeg, '%PDF-1.4 1 0 obj'))).toEqual(polyglot('a PDF document'));
    });
    it('keeps XMP metadata, which is XML but not markup a browser runs', async () => {
      const xmp = await base()
        .withXmp('<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>')
        .jpeg()
        .toBuffer();
      expect(detectFormat(xmp)).toMatchObject({ ok: true, format: 'jpeg' });
    });
  });

  describe('declared type and extension', () => {
    it('refuses a JPEG declared as PNG, naming both', () => {
      expect(detectFormat(jpeg, { contentType: 'image/png' })).toEqual({
        ok: false,
        code: 'TYPE_MISMATCH',
        reason: 'This file is named or sent as image/png, but it is a JPEG photo. Give it the right file extension (or export it again from your photo app) and upload it.',
      });
    });
    it('refuses a JPEG named .heic', () => {
      expect(detectFormat(jpeg, { contentType: 'image/jpeg', fileName: 'IMG_0042.HEIC' })).toMatchObject({
        ok: false,
        code: 'TYPE_MISMATCH',
        reason: expect.stringContaining('named or sent as .heic, but it is a JPEG photo'),
      });
    });
    it('refuses a HEIC sent as image/jpeg', () => {
      expect(detectFormat(readHeicFixture(), { contentType: 'image/jpeg' })).toMatchObject({ ok: false, code: 'TYPE_MISMATCH' });
    });
    it.each([
      [{ contentType: 'image/jpg', fileName: 'me.JPEG' }],
      [{ contentType: 'image/jpeg; charset=binary', fileName: 'me.jfif' }],
      [{ contentType: 'application/octet-stream', fileName: 'me' }],
      [{}],
    ])('accepts a JPEG declared %j', (declared) => {
      expect(detectFormat(jpeg, declared)).toMatchObject({ ok: true, format: 'jpeg' });
    });
  });
});
