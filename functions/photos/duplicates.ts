import sharp from 'sharp';
import { UNTRUSTED_INPUT } from '#functions/photos/untrusted-input';
import type { PhotoHash } from './hash-distance';

export { hammingDistance, isNearDuplicate, NEAR_DUPLICATE_MAX_DISTANCE, type PhotoHash } from './hash-distance';

/*
 * Near-duplicate photos: a 64-bit perceptual hash (pHash). The photo, upright, is shrunk
 * to 32×32 grey pixels; the 8×8 lowest frequencies of its discrete cosine transform
 * each give one bit: above or below their median (the DC term excluded from the
 * median). Re-encoding, resizing, format changes and small brightness changes barely
 * move those frequencies; a different picture moves about half of the bits.
 *
 * A difference hash (dHash, 9×8 neighbours) was measured first and dropped: in the
 * smooth gradients of a backdrop its neighbouring cells are nearly equal, so a WebP
 * re-encode flipped up to 8 of 64 bits while a shot with the subject moved by a tenth
 * of the width flipped as few as 3. The measured distances and the chosen threshold are
 * in functions/photos/README.md; test/unit/functions/photos/duplicates.test.ts measures
 * them again on every run.
 */

const SIDE = 32;
const LOW = 8;
/** COSINES[u][i] = cos((2i + 1)uπ / 2N), the DCT-II basis. */
const COSINES = Array.from({ length: LOW }, (_, u) => Float64Array.from({ length: SIDE }, (_, i) => Math.cos(((2 * i + 1) * u * Math.PI) / (2 * SIDE))));

/** The pHash of a photo (any format sharp reads; normally the normalised JPEG). */
export async function perceptualHash(image: Buffer): Promise<PhotoHash> {
  const grey = await sharp(image, UNTRUSTED_INPUT)
    .autoOrient()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(SIDE, SIDE, { fit: 'fill' })
    .raw()
    .toBuffer();
  // Separable 2-D DCT of the low 8×8 frequencies: rows first, then columns.
  const rows = new Float64Array(SIDE * LOW);
  for (let y = 0; y < SIDE; y++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let x = 0; x < SIDE; x++) sum += grey[y * SIDE + x]! * COSINES[v]![x]!;
      rows[y * LOW + v] = sum;
    }
  }
  const coefficients: number[] = [];
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let sum = 0;
      for (let y = 0; y < SIDE; y++) sum += rows[y * LOW + v]! * COSINES[u]![y]!;
      coefficients.push(sum);
    }
  }
  const ac = coefficients.slice(1).sort((a, b) => a - b);
  const median = ac[Math.floor(ac.length / 2)]!;
  let hash = 0n;
  for (const coefficient of coefficients) hash = (hash << 1n) | (coefficient > median ? 1n : 0n);
  return hash.toString(16).padStart(16, '0');
}
