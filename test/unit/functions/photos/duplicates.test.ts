import sharp from 'sharp';
import { hammingDistance, isNearDuplicate, NEAR_DUPLICATE_MAX_DISTANCE, perceptualHash } from '#functions/photos/duplicates';
import { normalisePhoto } from '#functions/photos/normalise';
import { readHeicFixture } from './fixtures';
import { scene, sceneJpeg } from './scenes';

/*
 * Measures the near-duplicate threshold on generated scenes (./scenes.ts; no package
 * ships sample photos): every re-encode of a picture must fall at or under the
 * threshold, every different shot above it. The measured table is printed and kept in
 * functions/photos/README.md.
 */

const SEEDS = [21, 22, 23, 24, 25, 26, 27, 28];
const SIZE = { width: 1200, height: 900 };

jest.setTimeout(60_000);

type Variant = readonly [name: string, make: (original: Buffer) => Promise<Buffer>];
const VARIANTS: readonly Variant[] = [
  ['JPEG q40', (o) => sharp(o).jpeg({ quality: 40 }).toBuffer()],
  ['JPEG q20', (o) => sharp(o).jpeg({ quality: 20 }).toBuffer()],
  ['resized to 50%', (o) => sharp(o).resize(600).jpeg({ quality: 80 }).toBuffer()],
  ['resized to 25%, q60', (o) => sharp(o).resize(300).jpeg({ quality: 60 }).toBuffer()],
  ['PNG', (o) => sharp(o).png().toBuffer()],
  ['WebP q75', (o) => sharp(o).webp({ quality: 75 }).toBuffer()],
  ['normalised (2048 px JPEG q90)', async (o) => {
    const result = await normalisePhoto(o);
    if (!result.ok) throw new Error(result.reason);
    return result.photo.jpeg;
  }],
  ['brightness +8%', (o) => sharp(o).modulate({ brightness: 1.08 }).jpeg({ quality: 85 }).toBuffer()],
];

interface Row {
  readonly kind: string;
  readonly distances: number[];
}

const rows: Row[] = [];
const row = (kind: string): Row => {
  const found = rows.find((r) => r.kind === kind);
  if (found) return found;
  const created = { kind, distances: [] };
  rows.push(created);
  return created;
};

describe('perceptual hash', () => {
  const originals = new Map<number, { bytes: Buffer; hash: string }>();

  beforeAll(async () => {
    for (const seed of SEEDS) {
      const bytes = await sceneJpeg(seed, SIZE);
      originals.set(seed, { bytes, hash: await perceptualHash(bytes) });
    }
  });

  afterAll(() => {
    const table = rows.map((r) => `| ${r.kind.padEnd(44)} | ${String(r.distances.length).padStart(2)} | ${String(Math.min(...r.distances)).padStart(3)} | ${String(Math.max(...r.distances)).padStart(3)} |`);
    process.stdout.write(`\nHamming distances (threshold ${NEAR_DUPLICATE_MAX_DISTANCE}):\n${table.join('\n')}\n`);
  });

  it('is 16 hex digits, stable for the same bytes', async () => {
    const { bytes, hash } = originals.get(SEEDS[0]!)!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await perceptualHash(bytes)).toBe(hash);
    expect(hammingDistance(hash, hash)).toBe(0);
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('0000000000000000', '8000000000000001')).toBe(2);
  });

  it.each(VARIANTS)('counts a re-encode (%s) as a duplicate of every scene', async (name, make) => {
    for (const seed of SEEDS) {
      const original = originals.get(seed)!;
      const hash = await perceptualHash(await make(original.bytes));
      const distance = hammingDistance(original.hash, hash);
      row(`same picture: ${name}`).distances.push(distance);
      expect({ seed, distance, duplicate: isNearDuplicate(original.hash, hash) }).toEqual({ seed, distance, duplicate: true });
    }
  });

  it('counts the HEIC and the PNG it was encoded from as duplicates', async () => {
    const fromHeic = await normalisePhoto(readHeicFixture());
    if (!fromHeic.ok) throw new Error(fromHeic.reason);
    const drawn = await scene(101, { width: 800, height: 600 }).png().toBuffer();
    const distance = hammingDistance(await perceptualHash(fromHeic.photo.jpeg), await perceptualHash(drawn));
    row('same picture: HEIC q50 vs its PNG source').distances.push(distance);
    expect(distance).toBeLessThanOrEqual(NEAR_DUPLICATE_MAX_DISTANCE);
  });

  it('hashes an EXIF-rotated upload as the upright picture', async () => {
    const { bytes, hash } = originals.get(SEEDS[1]!)!;
    // Pixels stored turned 90° anticlockwise, with orientation 6 to turn them back.
    const stored = await sharp(bytes).rotate(270).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const distance = hammingDistance(hash, await perceptualHash(stored));
    row('same picture: stored rotated + EXIF 6').distances.push(distance);
    expect(distance).toBeLessThanOrEqual(NEAR_DUPLICATE_MAX_DISTANCE);
  });

  it('keeps different shots (scenes) far apart: every pair over twice the threshold', () => {
    const distances: number[] = [];
    for (const [i, a] of SEEDS.entries()) {
      for (const b of SEEDS.slice(i + 1)) distances.push(hammingDistance(originals.get(a)!.hash, originals.get(b)!.hash));
    }
    row('different scenes (all pairs)').distances.push(...distances);
    expect(Math.min(...distances)).toBeGreaterThan(2 * NEAR_DUPLICATE_MAX_DISTANCE);
  });

  // Informative rows, measured for the README: a crop, and the next shot of a series
  // (same setting, subject moved) sit between re-encodes and different scenes.
  it('measures crops and moved subjects (informative)', async () => {
    for (const seed of SEEDS.slice(0, 4)) {
      const { bytes, hash } = originals.get(seed)!;
      const cropped = await sharp(bytes).extract({ left: 36, top: 27, width: 1128, height: 846 }).jpeg({ quality: 85 }).toBuffer();
      row('crop: 3% off each side').distances.push(hammingDistance(hash, await perceptualHash(cropped)));
      for (const shift of [0.05, 0.1, 0.2]) {
        const moved = await perceptualHash(await sceneJpeg(seed, { ...SIZE, subjectShift: shift }));
        row(`next shot: subject moved ${shift * 100}% of the width`).distances.push(hammingDistance(hash, moved));
      }
    }
    // A moved subject is never mistaken for a re-encode of distance 0.
    expect(Math.min(...row('next shot: subject moved 20% of the width').distances)).toBeGreaterThan(0);
  });
});
