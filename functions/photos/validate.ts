import { type DeclaredType } from './format';
import { hammingDistance, isNearDuplicate, perceptualHash } from './duplicates';
import { assessFaces, type FaceAnalyzer } from './faces/port';
import { faceCrop, normalisePhoto } from './normalise';

/** An accepted photo another photo of the same order is compared with. */
export interface EarlierPhoto {
  readonly photoId: string;
  readonly fileName: string;
  readonly hash: string;
}

export type PhotoCheck =
  | {
      readonly ok: true;
      /** The normalised JPEG and the square face crop for training. */
      readonly photo: Buffer;
      readonly crop: Buffer;
      readonly width: number;
      readonly height: number;
      /** The face as fractions of the normalised photo. */
      readonly face: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
      readonly hash: string;
    }
  | { readonly ok: false; readonly status: 'REJECTED' | 'DUPLICATE'; readonly code: string; readonly reason: string; readonly hash?: string };

/**
 * Every check of one uploaded photo, in order of cost: format and size
 * (`normalisePhoto`), then near-duplicates of the order's accepted photos,
 * then exactly one usable face; an accepted photo comes with its normalised
 * JPEG and face crop.
 */
export async function checkPhoto(bytes: Buffer, declared: DeclaredType, analyzer: FaceAnalyzer, earlier: readonly EarlierPhoto[]): Promise<PhotoCheck> {
  const normalised = await normalisePhoto(bytes, declared);
  if (!normalised.ok) return { ok: false, status: 'REJECTED', code: normalised.code, reason: normalised.reason };
  const { jpeg, width, height } = normalised.photo;
  const hash = await perceptualHash(jpeg);
  const twin = earlier
    .filter((photo) => isNearDuplicate(hash, photo.hash))
    .sort((a, b) => hammingDistance(hash, a.hash) - hammingDistance(hash, b.hash))[0];
  if (twin) {
    return {
      ok: false,
      status: 'DUPLICATE',
      code: 'DUPLICATE',
      reason: `This is the same picture as “${twin.fileName}”, which you uploaded already — upload a different shot (another angle, outfit or place).`,
      hash,
    };
  }
  const assessment = assessFaces(await analyzer.detect(jpeg), width, height);
  if (!assessment.ok) return { ok: false, status: 'REJECTED', code: assessment.code, reason: assessment.reason, hash };
  const { box } = assessment.face;
  const crop = await faceCrop(jpeg, box);
  return {
    ok: true,
    photo: jpeg,
    crop: crop.jpeg,
    width,
    height,
    face: { left: box.left / width, top: box.top / height, width: box.width / width, height: box.height / height },
    hash,
  };
}
