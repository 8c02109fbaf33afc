import sharp from 'sharp';
import { DEFAULT_IDENTITY_THRESHOLD, judgeLikeness } from '#functions/generation/identity';
import { LOCAL_CANDIDATE_MAX_SIDE, LocalLikenessJudge } from '#functions/generation/identity-local';
import { makeLocalImage, type LocalImageRequest } from '#functions/generation/local-images';
import { LocalFaceAnalyzer, loadFaceModels } from '#functions/photos/faces/local-analyzer';
import type { DetectedFace, FaceAnalyzer } from '#functions/photos/faces/port';
import { faceCrop } from '#functions/photos/normalise';
import { testFaces } from '../../../support/order-flow';

/*
 * The real face-api models on real pictures of the local generator: the sample faces
 * (`infra/sample-faces.ts`), each turned into the square face crop validation writes,
 * and `makeLocalImage` pictures made from it. The customer is s1-f1, another person
 * s1-f2 (from the same group photo: the same light and camera, a harder case than a
 * stranger from elsewhere).
 */

jest.setTimeout(180_000);

/** The local analyser, counting what it is asked to look at. */
class CountingAnalyzer implements FaceAnalyzer {
  private readonly inner = new LocalFaceAnalyzer();
  readonly seen: Buffer[] = [];
  detect(jpeg: Buffer): Promise<DetectedFace[]> {
    this.seen.push(jpeg);
    return this.inner.detect(jpeg);
  }
  timesSeen(image: Buffer): number {
    return this.seen.filter((seen) => seen.equals(image)).length;
  }
}

const GREY = { styleId: 'corporate-grey', backdrop: 'mid-grey seamless paper', lighting: 'soft key light with gentle fill' };
let analyzer: CountingAnalyzer;
let judge: LocalLikenessJudge;
let customer: Buffer;
let other: Buffer;

/** Validation's face crop of a sample face. */
async function cropOf(photo: Buffer): Promise<Buffer> {
  const faces = await new LocalFaceAnalyzer().detect(photo);
  const face = faces.reduce((largest, f) => (Math.max(f.box.width, f.box.height) > Math.max(largest.box.width, largest.box.height) ? f : largest));
  return (await faceCrop(photo, face.box)).jpeg;
}

const picture = async (face: Buffer, over: Partial<LocalImageRequest> = {}) => (await makeLocalImage({ face, style: GREY, pose: 'front', seed: 7, ...over })).bytes;

beforeAll(async () => {
  await loadFaceModels();
  const faces = await testFaces();
  const byName = (name: string) => faces.find((face) => face.name === name)!.jpeg;
  customer = await cropOf(byName('s1-f1'));
  other = await cropOf(byName('s1-f2'));
  analyzer = new CountingAnalyzer();
  judge = new LocalLikenessJudge(analyzer);
});

describe('LocalLikenessJudge with the real face-api models', () => {
  it('finds the customer in their pictures at no drift, in every kind of pose, at or above the threshold', async () => {
    for (const pose of ['front', 'three-quarter-left', 'three-quarter-right', 'profile-right', 'shoulders'] as const) {
      const likeness = await judge.similarity([customer], await picture(customer, { pose, seed: 11 }));
      expect({ pose, faceFound: likeness.faceFound, referenceIndex: likeness.referenceIndex }).toEqual({ pose, faceFound: true, referenceIndex: 0 });
      expect(likeness.similarity).toBeGreaterThanOrEqual(DEFAULT_IDENTITY_THRESHOLD);
      expect(judgeLikeness(likeness.similarity)).toBe('KEEP');
    }
  });

  it('takes a 2048 px PNG, analysed at 1024 px', async () => {
    const large = await picture(customer, { width: 2048, height: 2048, format: 'png' });
    const likeness = await judge.similarity([customer], large);
    expect(likeness.similarity).toBeGreaterThanOrEqual(DEFAULT_IDENTITY_THRESHOLD);
    const analysed = await sharp(analyzer.seen.at(-1)!).metadata();
    expect(Math.max(analysed.width!, analysed.height!)).toBe(LOCAL_CANDIDATE_MAX_SIDE);
  });

  it('rejects heavy likeness drift: below the threshold, or no face at all', async () => {
    for (const pose of ['front', 'shoulders'] as const) {
      const likeness = await judge.similarity([customer], await picture(customer, { pose, likenessDrift: 1 }));
      expect(likeness.faceFound ? likeness.similarity : 0).toBeLessThan(DEFAULT_IDENTITY_THRESHOLD);
      expect(judgeLikeness(likeness.similarity)).toBe('REGENERATE');
    }
  });

  it('rejects another person, in their own picture and in their selfie crop', async () => {
    for (const candidate of [await picture(other), other]) {
      const likeness = await judge.similarity([customer], candidate);
      expect(likeness.faceFound).toBe(true);
      expect(likeness.similarity).toBeLessThan(DEFAULT_IDENTITY_THRESHOLD);
    }
  });

  it('matches the best of several references and says which', async () => {
    const likeness = await judge.similarity([other, customer], await picture(customer, { pose: 'three-quarter-left' }));
    expect(likeness).toMatchObject({ faceFound: true, referenceIndex: 1 });
    expect(likeness.similarity).toBeGreaterThanOrEqual(DEFAULT_IDENTITY_THRESHOLD);
  });

  it('describes each reference once per instance (by its content), however many pictures it is compared with', async () => {
    const counting = new CountingAnalyzer();
    const fresh = new LocalLikenessJudge(counting);
    const references = [customer, other];
    const pictures = [await picture(customer, { seed: 1 }), await picture(customer, { seed: 2, pose: 'shoulders' }), await picture(other, { seed: 3 })];
    for (const image of pictures) await fresh.similarity(references, image);
    // A copy of the bytes is the same reference.
    await fresh.similarity([Buffer.from(customer), Buffer.from(other)], pictures[0]!);
    expect(counting.timesSeen(customer)).toBe(1);
    expect(counting.timesSeen(other)).toBe(1);
    // Each reference is described as it is and mirrored: 2 × 2 calls, then one per picture (each has a face).
    expect(counting.seen).toHaveLength(2 * references.length + pictures.length + 1);
  });

  it('says no face for a picture without one, and refuses references without any face', async () => {
    const blank = await sharp({ create: { width: 768, height: 768, channels: 3, background: '#9aa' } }).jpeg().toBuffer();
    expect(await judge.similarity([customer], blank)).toEqual({ similarity: 0, faceFound: false });
    await expect(judge.similarity([blank], await picture(customer))).rejects.toThrow(/no face in any of the reference/);
    await expect(judge.similarity([], blank)).rejects.toThrow(RangeError);
  });
});
