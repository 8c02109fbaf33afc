import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { UNTRUSTED_INPUT } from '#functions/photos/untrusted-input';
import type { DetectedFace, FaceAnalyzer } from '#functions/photos/faces/port';
import { LocalFaceAnalyzer, similarity as descriptorSimilarity } from '#functions/photos/faces/local-analyzer';
import type { Likeness, LikenessJudge } from '#functions/generation/identity';

/*
 * The local adapter of `LikenessJudge`: face-api's 128-d descriptors (through the
 * `FaceAnalyzer` port's local adapter) of the candidate's faces against those of
 * every reference, on the scale of `similarity` in `local-analyzer.ts`:
 * `1 − d / 1.2` of the euclidean distance d, clamped to 0..1.
 *
 * - Every reference, and the best match: a customer's selfies differ in light, angle
 *   and expression, and a generated picture needs to look like them in one of them,
 *   not like their average; the mean would punish a three-quarter view for the frontal
 *   selfies and vice versa. (On the local cloud the test customers' six "selfies" are
 *   six different people, and the generator draws each picture from one of them: only
 *   the best match finds it.) On AWS one chosen reference is compared, to keep to one
 *   paid call; here a comparison costs nothing once the descriptors are known.
 * - Every face of the candidate, and the best: as CompareFaces compares the source with
 *   each face of the target and the AWS adapter takes the best match. Taking the
 *   largest face instead lets a spurious detection hide the real one (face-api found
 *   a 546×231 box at 0.38 below the face in one of the sample crops, wider than the
 *   face's 480×506).
 * - Each reference counts twice, as it is and mirrored: face descriptors are not
 *   mirror-symmetric (the left and right halves of a face differ), the usual remedy is
 *   to describe the flipped image too, and a portrait lit or turned the other way than
 *   every selfie is still the customer. The local generator draws the right-hand poses
 *   mirrored, and without the mirrored references they scored down to 0.59.
 * - The reference's face is the detection nearest the crop's centre (validation
 *   centres the crop on the face it accepted), not the largest or the most confident:
 *   a crop of a group photo can hold a neighbour's face at its edge detected more
 *   surely than the (large, upscaled) face itself, and a spurious box larger than it.
 * - A candidate without any face is tried once more with a grey margin of a quarter
 *   of its size on every side: SSD MobileNet misses faces that fill the frame (the
 *   close-up pose); with the margin it found 13 of 15 such misses.
 * - Candidates above 1024 px a side are scaled down to it first: the recognition net
 *   sees a 150 px face, and decoding 2048² into a tensor only costs time.
 *
 * Calibration (the product threshold 0.65 is Rekognition's similarity/100; this scale
 * is meant to separate the same cases at the same number). Measured with this
 * adapter on the 19 sample faces (`infra/sample-faces.ts`): each person's validation
 * face crop (`faceCrop`) the one reference; `makeLocalImage` pictures of it in all 9
 * poses over 3 styles, JPEG and PNG; "another person" is every drift-0 picture against
 * every other person's crop:
 *
 *   case                               faces found    similarity min / median / max   ≥ 0.65
 *   same person, drift 0 (2 seeds)     340 of 342     0.661 / 0.880 / 0.973          all found (p10 0.771)
 *     of which profile poses            76 of 76      0.661 / 0.787 / 0.852          all
 *   same person, drift 0.3             159 of 171     0.308 / 0.649 / 0.773          46 %
 *   same person, drift 0.6              60 of 171     0.285 / 0.528 / 0.670          2 of 171
 *   same person, drift 0.8              14 of 171     0.280 / 0.486 / 0.598          none
 *   same person, drift 1                 8 of 171     0.309 / 0.456 / 0.552          none
 *   another person (drift 0)          6120 of 6156    0.243 / 0.418 / 0.638          none
 *
 * The raw mapping puts 0.65 at d = 0.42, between the same person's worst picture
 * (d 0.407, a profile) and the most similar stranger (d 0.434), so it is kept, the
 * same scale as `local-analyzer.ts`, rather than a second mapping: a linear map through
 * (d 0, 1) and (d 0.42, 0.65) is this one. Without the mirrored references the same
 * person's right-hand poses fell to 0.589 (7 % of drift-0 pictures rejected); without
 * the margin retry 15 of 342 drift-0 pictures had no face. The margin is thin on both
 * sides: these are the local generator's pictures, made from the reference crop
 * itself, and say nothing of a diffusion model's; Rekognition's figures need their own
 * check on AWS. A picture takes about 0.6 s here (one detection at 1024 px; two when
 * the first finds no face), a reference two detections once per instance.
 */

/** Candidates are analysed at most this large (longest side, px). */
export const LOCAL_CANDIDATE_MAX_SIDE = 1024;
/** The margin added on every side, as a share of the image's size, when no face was found at first. */
export const NO_FACE_MARGIN = 0.25;
/** Reference crops whose descriptors are kept (an order has at most 20 photos). */
const DEFAULT_CACHE_SIZE = 64;

interface ReferenceDescriptors {
  /** The face as it is, and mirrored; empty when no face was found. */
  readonly descriptors: readonly Float32Array[];
}

export interface LocalLikenessOptions {
  /** How many references' descriptors to keep, by content (default 64). */
  readonly cacheSize?: number;
}

const centreOffset = (face: DetectedFace, width: number, height: number) => Math.hypot(face.box.left + face.box.width / 2 - width / 2, face.box.top + face.box.height / 2 - height / 2);

function descriptorOf(face: DetectedFace): Float32Array {
  if (!face.descriptor) throw new Error('LocalLikenessJudge: the face analyser gives no descriptors (it needs the local, face-api adapter)');
  return face.descriptor;
}

export class LocalLikenessJudge implements LikenessJudge {
  private readonly references = new Map<string, Promise<ReferenceDescriptors>>();
  private readonly cacheSize: number;

  constructor(
    private readonly analyzer: FaceAnalyzer = new LocalFaceAnalyzer(),
    options: LocalLikenessOptions = {},
  ) {
    this.cacheSize = Math.max(1, options.cacheSize ?? DEFAULT_CACHE_SIZE);
  }

  async similarity(references: readonly Buffer[], candidate: Buffer): Promise<Likeness> {
    if (references.length === 0) throw new RangeError('LocalLikenessJudge: at least one reference face crop is needed');
    // One at a time: the WASM backend runs on one thread anyway, and memory stays low.
    const known: ReferenceDescriptors[] = [];
    for (const reference of references) known.push(await this.reference(reference));
    if (known.every((reference) => reference.descriptors.length === 0)) throw new Error('LocalLikenessJudge: no face in any of the reference crops');

    const faces = await this.candidateFaces(candidate);
    if (faces.length === 0) return { similarity: 0, faceFound: false };
    let best = 0;
    let referenceIndex = 0;
    for (const face of faces) {
      const descriptor = descriptorOf(face);
      known.forEach((reference, index) => {
        for (const other of reference.descriptors) {
          const score = descriptorSimilarity(descriptor, other);
          if (score > best) {
            best = score;
            referenceIndex = index;
          }
        }
      });
    }
    return { similarity: best, faceFound: true, referenceIndex };
  }

  /** The descriptors of one reference crop, from the cache when its bytes were seen before. */
  private reference(jpeg: Buffer): Promise<ReferenceDescriptors> {
    const key = createHash('sha256').update(jpeg).digest('hex');
    const cached = this.references.get(key);
    if (cached) return cached;
    const made = this.describeReference(jpeg);
    this.references.set(key, made);
    made.catch(() => this.references.delete(key));
    // Evict the oldest entries (a Map iterates in insertion order).
    for (const oldest of this.references.keys()) {
      if (this.references.size <= this.cacheSize) break;
      this.references.delete(oldest);
    }
    return made;
  }

  private async describeReference(jpeg: Buffer): Promise<ReferenceDescriptors> {
    const { width = 0, height = 0 } = await sharp(jpeg, UNTRUSTED_INPUT).metadata();
    const central = (faces: DetectedFace[]) => faces.reduce<DetectedFace | undefined>((nearest, face) => (!nearest || centreOffset(face, width, height) < centreOffset(nearest, width, height) ? face : nearest), undefined);
    const face = central(await this.analyzer.detect(jpeg));
    if (!face) return { descriptors: [] };
    const mirrored = await sharp(jpeg, UNTRUSTED_INPUT).autoOrient().flop().jpeg({ quality: 92, mozjpeg: false }).toBuffer();
    const mirror = central(await this.analyzer.detect(mirrored));
    return { descriptors: mirror ? [descriptorOf(face), descriptorOf(mirror)] : [descriptorOf(face)] };
  }

  /** Every face in the candidate (scaled down if large), retried with a margin when there is none. */
  private async candidateFaces(image: Buffer): Promise<DetectedFace[]> {
    const { width = 0, height = 0 } = await sharp(image, UNTRUSTED_INPUT).metadata();
    const sized = Math.max(width, height) > LOCAL_CANDIDATE_MAX_SIDE
      ? await sharp(image, UNTRUSTED_INPUT).autoOrient().resize(LOCAL_CANDIDATE_MAX_SIDE, LOCAL_CANDIDATE_MAX_SIDE, { fit: 'inside' }).jpeg({ quality: 92, mozjpeg: false }).toBuffer()
      : image;
    const faces = await this.analyzer.detect(sized);
    if (faces.length) return faces;
    const margin = Math.round(Math.min(Math.max(width, height), LOCAL_CANDIDATE_MAX_SIDE) * NO_FACE_MARGIN);
    const framed = await sharp(sized, UNTRUSTED_INPUT)
      .autoOrient()
      .removeAlpha()
      .extend({ top: margin, bottom: margin, left: margin, right: margin, background: '#808080' })
      .jpeg({ quality: 92, mozjpeg: false })
      .toBuffer();
    return this.analyzer.detect(framed);
  }
}
