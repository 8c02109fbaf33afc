/*
 * The `FaceAnalyzer` port (docs/DESIGN "Ports and adapters"): Rekognition `DetectFaces`
 * on AWS (`rekognition-analyzer.ts`), `@vladmandic/face-api` on the TensorFlow.js WASM
 * backend on this machine (`local-analyzer.ts`). Both answer the same shape, and
 * `assessFaces` turns it into the one decision the upload flow needs: does this photo
 * show exactly one usable face?
 */

/** Pixels of the analysed image (upright, as given to `detect`). */
export interface FaceBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Head pose in degrees, as well as the adapter can estimate it. `assessFaces` only
 * uses magnitudes, so the sign conventions of the two adapters need not agree.
 * Rekognition measures it; the local adapter estimates it from 68 landmarks
 * (`poseFromLandmarks` in `local-analyzer.ts`).
 */
export interface FacePose {
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
}

export interface DetectedFace {
  readonly box: FaceBox;
  /** Detector confidence, 0..1. */
  readonly confidence: number;
  readonly pose: FacePose;
  /** 0 (smeared) .. 1 (crisp): Rekognition's `Quality.Sharpness` / 100, or the local Laplacian measure. */
  readonly sharpness: number;
  /** 128-d face descriptor (local adapter only), for the identity lock. */
  readonly descriptor?: Float32Array;
}

export interface FaceAnalyzer {
  /** The faces in a JPEG (the normalised upload: upright, sRGB). */
  detect(jpeg: Buffer): Promise<DetectedFace[]>;
}

export interface FaceThresholds {
  /** Detections below this confidence are not faces at all. */
  readonly minConfidence: number;
  /**
   * A detection between this and `minConfidence` that is blurry makes the answer
   * FACE_BLURRY rather than NO_FACE: blur is what lowered the detector's confidence
   * (face-api: a face at blur(4) dropped from 1.00 to 0.70), and "hold the camera
   * still" is the fix, not "show your face".
   */
  readonly weakConfidence: number;
  /** The face's size (the larger side of its box) as a share of the image's shorter side; below it: FACE_TOO_SMALL. */
  readonly minFaceShare: number;
  /**
   * Another face counts as a second person only when its size is at least this share
   * of the main (largest) face's size. Smaller ones are background: a passer-by far
   * behind, a face on a poster or a T-shirt.
   */
  readonly secondFaceRatio: number;
  /** Below it: FACE_BLURRY (0..1, see `DetectedFace.sharpness`). */
  readonly minSharpness: number;
  /** Degrees; beyond them: FACE_TURNED. */
  readonly maxYaw: number;
  readonly maxPitch: number;
}

/**
 * The defaults:
 * - `minConfidence` 0.8: Rekognition answers ≥ 0.99 for clear faces; face-api's SSD
 *   MobileNet gave 0.62–1.00 on its demo group photos, and a face it is unsure of
 *   is not one to train on.
 * - `minFaceShare` 0.15: on the normalised photo (shorter side ≥ 512 px) the face is at
 *   least ~77 px, and on a typical 1536 px side ~230 px: enough for a 1024 px face crop
 *   (normalise.ts `faceCrop`, twice the box) to be upscaled by at most ~2×.
 * - `secondFaceRatio` 0.5: a second face half the main face's size or larger is a
 *   person standing beside or just behind; smaller ones are ignored (decision).
 * - `minSharpness` 0.2: calibrated on the local adapter with face-api's 21 demo faces:
 *   as shot 0.37–0.88, after sharp `blur(2)` 0.16–0.58 (mostly kept: slightly soft is
 *   usable), after `blur(8)` 0.07–0.09. For Rekognition the value is its Sharpness / 100
 *   and wants the same calibration on AWS.
 * - `maxYaw` 35°, `maxPitch` 25°: a three-quarter view still shows both eyes; beyond
 *   that the identity model learns a profile. Roll is never refused: the upload flow
 *   can turn the crop.
 */
export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = {
  minConfidence: 0.8,
  weakConfidence: 0.5,
  minFaceShare: 0.15,
  secondFaceRatio: 0.5,
  minSharpness: 0.2,
  maxYaw: 35,
  maxPitch: 25,
};

export type FaceRefusalCode = 'NO_FACE' | 'MULTIPLE_FACES' | 'FACE_TOO_SMALL' | 'FACE_BLURRY' | 'FACE_TURNED';

export type FaceAssessment =
  | { readonly ok: true; readonly face: DetectedFace }
  | { readonly ok: false; readonly code: FaceRefusalCode; readonly reason: string };

const refuse = (code: FaceRefusalCode, reason: string): FaceAssessment => ({ ok: false, code, reason });

/** A face's size: the larger side of its box (boxes of the two adapters differ in aspect). */
export const faceSize = (face: DetectedFace): number => Math.max(face.box.width, face.box.height);

const countWord = (n: number) => (['', 'one', 'two', 'three', 'four', 'five'][n] ?? String(n));

/**
 * Exactly one usable face. Checks, in order: NO_FACE (or FACE_BLURRY for a weak, blurry detection), MULTIPLE_FACES, FACE_TOO_SMALL,
 * FACE_BLURRY, FACE_TURNED (the first that applies is the one reason the customer gets;
 * blurry comes before turned because landmarks, and so the local pose, are unreliable
 * on a blurred face: face-api's demo faces after `blur(8)` read pitches up to ±90°).
 */
export function assessFaces(faces: readonly DetectedFace[], imageWidth: number, imageHeight: number, thresholds: FaceThresholds = DEFAULT_FACE_THRESHOLDS): FaceAssessment {
  const candidates = faces.filter((face) => face.confidence >= thresholds.minConfidence && face.box.width > 0 && face.box.height > 0);
  const blurry = () => refuse('FACE_BLURRY', 'Your face is blurry in this photo — upload a sharp one: hold the camera still, in good light, focused on your face.');
  if (candidates.length === 0 && faces.some((face) => face.confidence >= thresholds.weakConfidence && face.sharpness < thresholds.minSharpness)) return blurry();
  if (candidates.length === 0) return refuse('NO_FACE', 'We could not find a face — upload a photo where your face is clearly visible, facing the camera, in good light.');
  const main = candidates.reduce((largest, face) => (faceSize(face) > faceSize(largest) ? face : largest));
  const people = candidates.filter((face) => faceSize(face) >= thresholds.secondFaceRatio * faceSize(main));
  if (people.length > 1) {
    return refuse('MULTIPLE_FACES', `We found ${countWord(people.length)} faces — upload a photo of just you, or crop the others out.`);
  }
  const shorterSide = Math.min(imageWidth, imageHeight);
  if (faceSize(main) < thresholds.minFaceShare * shorterSide) {
    return refuse('FACE_TOO_SMALL', 'Your face is too small in this photo — move closer to the camera or crop the photo so your face fills more of it.');
  }
  if (main.sharpness < thresholds.minSharpness) return blurry();
  if (Math.abs(main.pose.yaw) > thresholds.maxYaw || Math.abs(main.pose.pitch) > thresholds.maxPitch) {
    return refuse('FACE_TURNED', 'Your face is turned away from the camera — upload a photo where you look towards the camera, head level.');
  }
  return { ok: true, face: main };
}
