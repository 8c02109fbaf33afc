import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

/**
 * Selfies for the browser tests, made from face-api's demo photos (group
 * photos of real people): square crops around one face each, from different
 * source photos and people so that no two are near-duplicates (the server
 * flags perceptual hashes within 8 of 64 bits), with a flip, a slight turn or
 * a colour shift on some. Face boxes were measured with the local analyser.
 */

const DEMO = resolve(__dirname, '..', '..', 'node_modules', '@vladmandic', 'face-api', 'demo');

interface Crop {
  readonly sample: number;
  /** The face's box in the source photo, in pixels. */
  readonly face: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly flip?: boolean;
  readonly rotate?: number;
  /** Hue shift in degrees. */
  readonly hue?: number;
  readonly brightness?: number;
}

/** One face per crop; each from another person. */
const GOOD: readonly Crop[] = [
  { sample: 1, face: { left: 414, top: 355, width: 177, height: 240 } },
  { sample: 1, face: { left: 1476, top: 199, width: 203, height: 241 }, flip: true },
  { sample: 3, face: { left: 585, top: 329, width: 199, height: 271 }, rotate: 4 },
  { sample: 3, face: { left: 1514, top: 292, width: 170, height: 280 }, hue: 12 },
  { sample: 2, face: { left: 1447, top: 153, width: 194, height: 242 }, brightness: 1.08 },
  { sample: 4, face: { left: 664, top: 53, width: 187, height: 258 } },
  { sample: 4, face: { left: 257, top: 185, width: 162, height: 245 }, flip: true },
  { sample: 6, face: { left: 250, top: 468, width: 210, height: 291 } },
];

/** A square crop about 2.4 times the face, kept inside the photo, resized to `side`. */
async function crop(spec: Crop, side = 720): Promise<Buffer> {
  const source = sharp(join(DEMO, `sample${spec.sample}.jpg`));
  const { width = 0, height = 0 } = await source.metadata();
  const size = Math.min(Math.round(2.4 * Math.max(spec.face.width, spec.face.height)), width, height);
  const cx = spec.face.left + spec.face.width / 2;
  const cy = spec.face.top + spec.face.height / 2;
  const left = Math.round(Math.min(Math.max(0, cx - size / 2), width - size));
  const top = Math.round(Math.min(Math.max(0, cy - size / 2), height - size));
  let image = source.extract({ left, top, width: size, height: size });
  if (spec.flip) image = image.flop();
  if (spec.rotate) image = image.rotate(spec.rotate, { background: '#808080' });
  if (spec.hue || spec.brightness) image = image.modulate({ hue: spec.hue ?? 0, brightness: spec.brightness ?? 1 });
  const buffer = await image.jpeg({ quality: 92 }).toBuffer();
  // Rotation grows the canvas: bring it back to a square of `side`.
  return sharp(buffer).resize(side, side, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
}

export interface TestPhotos {
  /** Photos with exactly one usable face, of different people. */
  readonly good: readonly string[];
  /** Two people side by side: the server refuses it. */
  readonly twoFaces: string;
  /** 480 × 360: the browser refuses it before uploading. */
  readonly tooSmall: string;
  /** A HEIC with one face (undefined when `heif-enc` is missing). */
  readonly heic?: string;
  /** Why there is no HEIC, when there is none. */
  readonly heicSkipped?: string;
}

/** Writes the test photos into `dir` and returns their paths. */
export async function makeTestPhotos(dir: string): Promise<TestPhotos> {
  mkdirSync(dir, { recursive: true });
  const good: string[] = [];
  for (const [i, spec] of GOOD.entries()) {
    const path = join(dir, `selfie-${i + 1}.jpg`);
    writeFileSync(path, await crop(spec));
    good.push(path);
  }
  const twoFaces = join(dir, 'with-a-friend.jpg');
  writeFileSync(twoFaces, await sharp(join(DEMO, 'sample6.jpg')).extract({ left: 1080, top: 180, width: 700, height: 560 }).jpeg({ quality: 90 }).toBuffer());
  const tooSmall = join(dir, 'thumbnail.jpg');
  writeFileSync(tooSmall, await sharp(await crop({ sample: 5, face: { left: 1406, top: 390, width: 165, height: 271 } })).resize(480, 360, { fit: 'cover' }).jpeg().toBuffer());

  // HEIC: the browser cannot decode it, the server can (heic-decode).
  const png = join(dir, 'heic-source.png');
  writeFileSync(png, await sharp(await crop({ sample: 5, face: { left: 1113, top: 198, width: 158, height: 236 } })).png().toBuffer());
  const heic = join(dir, 'IMG_0042.HEIC');
  const encoded = spawnSync('heif-enc', ['-q', '60', png, '-o', heic], { encoding: 'utf8' });
  if (encoded.error || encoded.status !== 0) {
    return { good, twoFaces, tooSmall, heicSkipped: `heif-enc is not available (${encoded.error?.message ?? encoded.stderr}); install Debian's libheif-examples for the HEIC case` };
  }
  return { good, twoFaces, tooSmall, heic };
}
