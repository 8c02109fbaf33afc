/*
 * The identity lock (docs/DESIGN "The pipeline of one order": "face similarity to the
 * selfies, reject + regenerate below the threshold (bounded retries)"). A generated
 * image is kept only if it looks like the customer; otherwise its slot is generated
 * again with the next attempt's seed (`imageSeed(…, attempt)` in `shared/generation.ts`).
 *
 * The `LikenessJudge` port has two adapters, chosen by configuration as the
 * `FaceAnalyzer`'s are:
 * - AWS: Rekognition `CompareFaces`, one call per image against one chosen reference
 *   (`identity-rekognition.ts`; about $0.001 a call, FACTS "Rekognition").
 * - This machine: the 128-d descriptors of `@vladmandic/face-api`
 *   (`identity-local.ts`), against every reference, calibrated to the same scale.
 *
 * Both answer on one 0..1 scale, Rekognition's `Similarity / 100`, so one threshold
 * serves both worlds.
 */

/** How much a generated image looks like the customer. */
export interface Likeness {
  /**
   * 0 (someone else, or no face) .. 1 (the same face). Rekognition's best
   * `FaceMatches[].Similarity / 100` on AWS; the calibrated descriptor distance locally.
   * Always 0 when `faceFound` is false.
   */
  readonly similarity: number;
  /** Whether the candidate shows a face at all. A generated headshot without one is regenerated as any other miss. */
  readonly faceFound: boolean;
  /** Which of the references the similarity was measured against (index into `references`), when a face was compared. */
  readonly referenceIndex?: number;
}

export interface LikenessJudge {
  /**
   * @param references the customer's accepted selfies' square face crops (JPEG, as
   *   validation writes them), best first: an adapter that compares against one
   *   reference only (Rekognition, to keep to one paid call per image) uses the first.
   *   At least one.
   * @param candidate a generated image, PNG or JPEG, up to 2048 px a side.
   */
  similarity(references: readonly Buffer[], candidate: Buffer): Promise<Likeness>;
}

/**
 * The product's threshold on the 0..1 scale: 0.65, i.e. a Rekognition CompareFaces
 * similarity of 65. Rekognition's own default `SimilarityThreshold` is 80, tuned for
 * telling strangers apart in photos; a generated portrait of the customer in another
 * light, pose and wardrobe scores lower than a second photo of them, so the lock is
 * set below it. The local adapter is calibrated so that this same number separates
 * its cases (see `identity-local.ts`). To be confirmed on AWS with real generations.
 */
export const DEFAULT_IDENTITY_THRESHOLD = 0.65;

/**
 * Regenerations of one image slot after its first picture: attempts 0 (the first)
 * to 3, so at most four pictures, and four paid comparisons, per slot. What happens
 * after the last miss is the pipeline's decision (e.g. keep the best attempt for the
 * artist to review, or fail the slot).
 */
export const MAX_REGENERATIONS = 3;

export type LikenessVerdict = 'KEEP' | 'REGENERATE';

/**
 * KEEP at or above the threshold, REGENERATE below it. A similarity that is not a
 * number (NaN) never passes. Pass `0` for a likeness without a face (`Likeness`
 * already says 0 then).
 */
export function judgeLikeness(similarity: number, threshold: number = DEFAULT_IDENTITY_THRESHOLD): LikenessVerdict {
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`judgeLikeness: the threshold must lie in 0..1, got ${threshold}`);
  return similarity >= threshold ? 'KEEP' : 'REGENERATE';
}
