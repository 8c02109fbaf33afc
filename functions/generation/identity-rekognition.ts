import sharp from 'sharp';
import { CompareFacesCommand, type CompareFacesResponse, type RekognitionClient } from '@aws-sdk/client-rekognition';
import { UNTRUSTED_INPUT } from '#functions/photos/untrusted-input';
import type { Likeness, LikenessJudge } from '#functions/generation/identity';

/*
 * The AWS adapter of `LikenessJudge`: one Rekognition `CompareFaces` call per
 * generated image, against one reference (the first of `references`: the caller
 * passes the customer's best face crop first). One call, not one per reference,
 * because every call is paid (FACTS "Rekognition": about $0.001 an image per call)
 * and an order compares dozens of images.
 *
 * Request: `SourceImage` the reference's bytes, `TargetImage` the candidate's bytes;
 * `SimilarityThreshold: 0`, so that every face in the candidate comes back in
 * `FaceMatches` with its score (the default of 80 would move low scores to
 * `UnmatchedFaces`, without a score); `QualityFilter: 'NONE'` (the default, stated):
 * a face Rekognition thinks poor is still compared, and a deformed face scores low
 * rather than vanishing.
 *
 * Answer: the best `FaceMatches[].Similarity / 100` (the list is sorted best first;
 * the maximum is taken all the same); a face in `UnmatchedFaces` only scores 0 but
 * counts as found; neither: no face. `CompareFaces` answers `InvalidParameterException`
 * when the source or the target shows no face ("If no faces are detected in the
 * source or target images, CompareFaces returns an InvalidParameterException error",
 * API reference; its message is only "Request has invalid parameters", so which
 * image it was cannot be told). The request this adapter builds is otherwise valid by
 * construction (JPEG or PNG bytes within the size limit, a threshold in range), and
 * the reference passed validation's face check, so the exception is read as "no face
 * in the candidate": similarity 0, `faceFound` false, and the slot is regenerated.
 * Every other error (throttling, ImageTooLarge, InvalidImageFormat, access) is thrown
 * for the step's retry.
 *
 * Rekognition takes JPEG or PNG of at most 5 MB as bytes (Guidelines and quotas:
 * "Maximum image size as raw bytes passed in as parameter to an API is 5 MB"). A
 * 2048 px PNG from the quality engine can be larger, so the candidate is always
 * re-encoded: upright, sRGB, at most 1920 px a side (Rekognition states its minimum
 * face size for 1920×1080 and asks for proportionally larger faces above it), JPEG
 * q90, lowered in steps until it fits. A reference within the limit is sent as it is.
 */

/** 5 MB; Rekognition does not say whether in 10^6 or 2^20 bytes, so the smaller. */
export const REKOGNITION_MAX_IMAGE_BYTES = 5_000_000;
/** The longest side a candidate is sent at. */
export const COMPARE_MAX_SIDE = 1920;
/** JPEG qualities tried in turn, then the side halved, until the image fits. */
const QUALITIES = [90, 80, 70, 60];

/** The image as Rekognition bytes: JPEG, at most `COMPARE_MAX_SIDE` a side and `maxBytes` long. */
export async function rekognitionJpeg(image: Buffer, maxBytes: number = REKOGNITION_MAX_IMAGE_BYTES): Promise<Buffer> {
  let side = COMPARE_MAX_SIDE;
  for (let round = 0; round < 4; round++, side = Math.round(side / 2)) {
    for (const quality of QUALITIES) {
      const jpeg = await sharp(image, UNTRUSTED_INPUT)
        .autoOrient()
        .toColourspace('srgb')
        .removeAlpha()
        .resize(side, side, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality, mozjpeg: false })
        .toBuffer();
      if (jpeg.length <= maxBytes) return jpeg;
    }
  }
  throw new RangeError(`rekognitionJpeg: the image does not fit in ${maxBytes} bytes`);
}

/** A reference as it is when Rekognition takes it (JPEG or PNG within the limit), otherwise re-encoded. */
async function referenceBytes(image: Buffer): Promise<Buffer> {
  const jpeg = image.length >= 3 && image[0] === 0xff && image[1] === 0xd8 && image[2] === 0xff;
  const png = image.length >= 8 && image.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return (jpeg || png) && image.length <= REKOGNITION_MAX_IMAGE_BYTES ? image : rekognitionJpeg(image);
}

/** `CompareFaces`' answer on the port's scale (exported for tests and for reading logged responses). */
export function likenessFromCompareFaces(response: Pick<CompareFacesResponse, 'FaceMatches' | 'UnmatchedFaces'>): Likeness {
  const matches = response.FaceMatches ?? [];
  const unmatched = response.UnmatchedFaces ?? [];
  if (matches.length === 0 && unmatched.length === 0) return { similarity: 0, faceFound: false };
  const best = matches.reduce((max, match) => Math.max(max, match.Similarity ?? 0), 0);
  return { similarity: Math.max(0, Math.min(1, best / 100)), faceFound: true, referenceIndex: 0 };
}

const isNoFace = (error: unknown) => (error as { name?: unknown } | null)?.name === 'InvalidParameterException';

export class RekognitionLikenessJudge implements LikenessJudge {
  constructor(private readonly client: RekognitionClient) {}

  async similarity(references: readonly Buffer[], candidate: Buffer): Promise<Likeness> {
    const reference = references[0];
    if (!reference) throw new RangeError('RekognitionLikenessJudge: at least one reference face crop is needed');
    const [source, target] = await Promise.all([referenceBytes(reference), rekognitionJpeg(candidate)]);
    let response: CompareFacesResponse;
    try {
      response = await this.client.send(
        new CompareFacesCommand({ SourceImage: { Bytes: source }, TargetImage: { Bytes: target }, SimilarityThreshold: 0, QualityFilter: 'NONE' }),
      );
    } catch (error) {
      if (isNoFace(error)) return { similarity: 0, faceFound: false };
      throw error;
    }
    return likenessFromCompareFaces(response);
  }
}
