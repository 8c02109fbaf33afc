import { MAX_PHOTO_BYTES } from '../../../shared/photos';
import { checkPhoto, dimensionProblem, formatBytes, HEIC_NOTE, sizeProblem, sniffType, type FileAccess } from '../../../web/src/photos/checks';

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));
/** An ISO-BMFF `ftyp` box with a major brand and compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes(0, 0, 0, size, 'ftyp', major, 0, 0, 0, 0, ...compatible);
};

const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF');
const PNG = bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 'IHDR');
const WEBP = bytes('RIFF', 0x24, 0, 0, 0, 'WEBPVP8 ');

describe('sniffType', () => {
  it('knows JPEG, PNG and WebP by their first bytes', () => {
    expect(sniffType(JPEG)).toBe('image/jpeg');
    expect(sniffType(PNG)).toBe('image/png');
    expect(sniffType(WEBP)).toBe('image/webp');
  });

  it.each(['heic', 'heix', 'heim', 'heis'])('knows HEIC by the major brand %s', (brand) => {
    expect(sniffType(ftyp(brand, 'mif1', brand))).toBe('image/heic');
  });

  it.each(['mif1', 'msf1'])('takes the generic HEIF brand %s as HEIF', (brand) => {
    expect(sniffType(ftyp(brand, brand))).toBe('image/heif');
  });

  it('reads the compatible brands when the major brand is generic', () => {
    expect(sniffType(ftyp('mif1', 'mif1', 'heic'))).toBe('image/heic');
  });

  it('refuses AVIF, which shares the generic HEIF brands', () => {
    expect(sniffType(ftyp('avif', 'mif1', 'miaf'))).toBeUndefined();
    expect(sniffType(ftyp('mif1', 'avif'))).toBeUndefined();
  });

  it('refuses other files, whatever they are called, and files too short to tell', () => {
    expect(sniffType(bytes('GIF89a', 0, 0, 0, 0, 0, 0))).toBeUndefined();
    expect(sniffType(bytes('%PDF-1.7', 0, 0, 0, 0))).toBeUndefined();
    expect(sniffType(bytes('RIFF', 0, 0, 0, 0, 'WAVE'))).toBeUndefined();
    expect(sniffType(ftyp('qt  ', 'qt  '))).toBeUndefined();
    expect(sniffType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(sniffType(new Uint8Array())).toBeUndefined();
  });
});

describe('dimension and size rules', () => {
  it('needs 512 pixels on the shorter side, in either orientation', () => {
    expect(dimensionProblem(512, 512)).toBeUndefined();
    expect(dimensionProblem(4032, 3024)).toBeUndefined();
    expect(dimensionProblem(800, 511)).toMatch(/800 × 511 pixels; photos need at least 512 pixels on the shorter side/);
    expect(dimensionProblem(300, 1200)).toMatch(/300 × 1200/);
  });

  it('takes up to 25 MB and refuses empty files', () => {
    expect(sizeProblem(MAX_PHOTO_BYTES)).toBeUndefined();
    expect(sizeProblem(MAX_PHOTO_BYTES + 1)).toMatch(/at most 25 MB/);
    expect(sizeProblem(0)).toMatch(/empty/);
  });

  it('formats sizes as people read them', () => {
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
    expect(formatBytes(2.5 * 1024 * 1024)).toBe('2.5 MB');
    expect(formatBytes(830 * 1024)).toBe('830 kB');
    expect(formatBytes(10)).toBe('1 kB');
  });
});

describe('checkPhoto', () => {
  const access = (head: Uint8Array, size?: { width: number; height: number } | Error): FileAccess & { measured: number } => {
    const fake = {
      measured: 0,
      head: async () => head,
      measure: async () => {
        fake.measured += 1;
        if (!size || size instanceof Error) throw size ?? new Error('cannot decode');
        return size;
      },
    };
    return fake;
  };
  const file = (size = 1000) => new Blob([new Uint8Array(size)]);

  it('passes a large enough JPEG with its dimensions', async () => {
    await expect(checkPhoto(file(), access(JPEG, { width: 1200, height: 1600 }))).resolves.toEqual({ ok: true, contentType: 'image/jpeg', width: 1200, height: 1600 });
  });

  it('refuses a photo that is too small, saying how small', async () => {
    const result = await checkPhoto(file(), access(PNG, { width: 400, height: 300 }));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/400 × 300 pixels/) });
  });

  it('passes HEIC without decoding it, saying the studio checks it', async () => {
    const fake = access(ftyp('heic', 'mif1', 'heic'));
    await expect(checkPhoto(file(), fake)).resolves.toEqual({ ok: true, contentType: 'image/heic', note: HEIC_NOTE });
    expect(fake.measured).toBe(0);
  });

  it('refuses what is not a photo, by its bytes', async () => {
    const result = await checkPhoto(file(), access(bytes('GIF89a', 0, 0, 0, 0, 0, 0)));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/JPEG, PNG, WebP or HEIC/) });
  });

  it('refuses a photo the browser cannot decode', async () => {
    const result = await checkPhoto(file(), access(JPEG, new Error('broken')));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/could not be opened/) });
  });

  it('refuses a file over 25 MB before reading it', async () => {
    const fake = access(JPEG, { width: 4000, height: 3000 });
    const big = { size: MAX_PHOTO_BYTES + 1, slice: () => new Blob() } as unknown as Blob;
    const result = await checkPhoto(big, fake);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/at most 25 MB/) });
    expect(fake.measured).toBe(0);
  });
});
