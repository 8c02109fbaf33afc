import { dirname, join } from 'node:path';
import sharp from 'sharp';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// The one tfjs-core of this install, the same instance face-api's WASM build runs on (through `@tensorflow/tfjs`).
import * as tf from '@tensorflow/tfjs-core';
import { UNTRUSTED_INPUT } from '#functions/photos/untrusted-input';
import type { DetectedFace, FaceAnalyzer, FaceBox, FacePose } from '#functions/photos/faces/port';

/*
 * The local adapter of `FaceAnalyzer`: `@vladmandic/face-api` (SSD MobileNet v1
 * detector, 68-point landmarks, 128-d recognition net) on the TensorFlow.js WASM
 * backend, with the models that ship in the package's `model/` folder and the `.wasm`
 * binaries of `@tensorflow/tfjs-backend-wasm`: nothing is downloaded. Models load once
 * per process (`loadFaceModels`). JPEGs are decoded by sharp to raw RGB, no canvas.
 */

/** SSD MobileNet's own floor; `assessFaces` applies the stricter product threshold. */
const DETECTION_MIN_CONFIDENCE = 0.3;
const DETECTION_MAX_RESULTS = 20;

const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

let models: Promise<void> | undefined;

/** Sets the WASM backend up and loads the three nets; the same promise for every later call in this process. */
export function loadFaceModels(): Promise<void> {
  models ??= (async () => {
    // A directory path: in Node the backend reads the binaries with fs. Threads stay off (no workers in Lambda-like sandboxes).
    setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
    await tf.setBackend('wasm');
    await tf.ready();
    const modelDir = join(packageDir('@vladmandic/face-api'), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
  })().catch((error: unknown) => {
    models = undefined;
    throw error;
  });
  return models;
}

interface Point {
  readonly x: number;
  readonly y: number;
}

const mean = (points: readonly Point[]): Point => ({
  x: points.reduce((sum, p) => sum + p.x, 0) / points.length,
  y: points.reduce((sum, p) => sum + p.y, 0) / points.length,
});
const degrees = (radians: number) => (radians * 180) / Math.PI;
const asinClamped = (value: number) => degrees(Math.asin(Math.max(-1, Math.min(1, value))));

/** Where the nose tip sits between eye line (0) and chin (1) on a frontal face: the median of face-api's demo faces. */
export const NEUTRAL_NOSE_DEPTH = 0.42;
/** How far the nose tip stands out of the face, relative to the half width of the face at the ears. */
const NOSE_PROTRUSION_YAW = 1.4;
/** How far the nose tip moves along the eye–chin span for a 90° pitch (its protrusion over that span). */
const NOSE_PROTRUSION_PITCH = 0.35;

/**
 * Head pose from the 68 iBUG landmarks (0–16 jaw, 27–35 nose, 30 tip, 36–41 and
 * 42–47 eyes, 8 chin), in degrees:
 * - roll: the angle of the line through the two eye centres. The other landmarks are
 *   turned by −roll about the eye midpoint before yaw and pitch are measured.
 * - yaw: the head as a cylinder; the jaw points 0 and 16 (at the ears) mark its sides,
 *   the nose tip stands out in front. Its offset from the midline over the half width
 *   is `1.4 × sin(yaw)`. Positive: the nose points to the image's right.
 * - pitch: the nose tip's place between the eye line and the chin, against its place on
 *   a frontal face (0.42), over 0.35 for a full 90°. Positive: head tilted down.
 * Accurate to perhaps ±10° near frontal; beyond ~45° the landmark model itself guesses.
 */
export function poseFromLandmarks(points: readonly Point[]): FacePose {
  if (points.length !== 68) throw new Error(`68 landmarks expected, got ${points.length}`);
  const leftEye = mean(points.slice(36, 42));
  const rightEye = mean(points.slice(42, 48));
  const roll = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  const origin = mean([leftEye, rightEye]);
  const cos = Math.cos(-roll);
  const sin = Math.sin(-roll);
  const level = (p: Point): Point => {
    const x = p.x - origin.x;
    const y = p.y - origin.y;
    return { x: x * cos - y * sin, y: x * sin + y * cos };
  };
  const jawLeft = level(points[0]!);
  const jawRight = level(points[16]!);
  const nose = level(points[30]!);
  const chin = level(points[8]!);
  const halfWidth = (jawRight.x - jawLeft.x) / 2;
  const midline = (jawRight.x + jawLeft.x) / 2;
  const yaw = halfWidth > 0 ? asinClamped((nose.x - midline) / halfWidth / NOSE_PROTRUSION_YAW) : 90;
  const pitch = chin.y > 0 ? asinClamped((nose.y / chin.y - NEUTRAL_NOSE_DEPTH) / NOSE_PROTRUSION_PITCH) : 90;
  return { yaw, pitch, roll: degrees(roll) };
}

/** Side of the square the face box is scaled to before its blur is measured, so that the measure does not depend on the face's size in pixels. */
export const SHARPNESS_SIDE = 128;
/** Laplacian variance mapped to 0.5 (see `sharpnessFromVariance`). */
export const SHARPNESS_HALF_VARIANCE = 60;

/** Variance of the 4-neighbour Laplacian over the interior of a greyscale image (one byte per pixel). */
export function laplacianVariance(grey: Uint8Array, width: number, height: number): number {
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const value = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += value;
      squares += value * value;
      n++;
    }
  }
  if (n === 0) return 0;
  const average = sum / n;
  return squares / n - average * average;
}

/**
 * 0..1: `v / (v + 60)`, with `v` the Laplacian variance of the face scaled to
 * 128×128 grey. Measured on face-api's 21 demo faces (1920 px group photos, faces
 * 200–300 px high): as shot 0.37–0.88, after sharp `blur(2)` 0.16–0.58, after
 * `blur(8)` 0.07–0.09.
 */
export const sharpnessFromVariance = (variance: number): number => variance / (variance + SHARPNESS_HALF_VARIANCE);

interface RawImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

async function faceSharpness(image: RawImage, box: FaceBox): Promise<number> {
  const left = Math.max(0, Math.floor(box.left));
  const top = Math.max(0, Math.floor(box.top));
  const width = Math.min(image.width - left, Math.ceil(box.width));
  const height = Math.min(image.height - top, Math.ceil(box.height));
  if (width < 3 || height < 3) return 0;
  const grey = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left, top, width, height })
    .greyscale()
    .resize(SHARPNESS_SIDE, SHARPNESS_SIDE, { fit: 'fill' })
    .raw()
    .toBuffer();
  return sharpnessFromVariance(laplacianVariance(grey, SHARPNESS_SIDE, SHARPNESS_SIDE));
}

async function decode(jpeg: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(jpeg, UNTRUSTED_INPUT).autoOrient().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Euclidean distance between two descriptors mapped to 0..1: `1 − d / 1.2`, clamped.
 * face-api's own "same person" threshold, d = 0.6, lands on 0.5
 * (`SAME_PERSON_SIMILARITY`); identical descriptors score 1, d ≥ 1.2 scores 0.
 */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`descriptors of equal length expected, got ${a.length} and ${b.length}`);
  let squares = 0;
  for (let i = 0; i < a.length; i++) squares += (a[i]! - b[i]!) ** 2;
  return Math.max(0, Math.min(1, 1 - Math.sqrt(squares) / 1.2));
}

/** face-api's euclidean match threshold (0.6) on the `similarity` scale. */
export const SAME_PERSON_SIMILARITY = 0.5;

export class LocalFaceAnalyzer implements FaceAnalyzer {
  async detect(jpeg: Buffer): Promise<DetectedFace[]> {
    await loadFaceModels();
    const image = await decode(jpeg);
    const input = faceapi.tf.tensor3d(new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length), [image.height, image.width, 3], 'int32');
    let results;
    try {
      results = await faceapi
        .detectAllFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence: DETECTION_MIN_CONFIDENCE, maxResults: DETECTION_MAX_RESULTS }))
        .withFaceLandmarks()
        .withFaceDescriptors();
    } finally {
      input.dispose();
    }
    const faces: DetectedFace[] = [];
    for (const result of results) {
      const { x, y, width, height } = result.detection.box;
      const box = { left: Math.max(0, x), top: Math.max(0, y), width: Math.min(width, image.width - Math.max(0, x)), height: Math.min(height, image.height - Math.max(0, y)) };
      faces.push({
        box,
        confidence: result.detection.score,
        pose: poseFromLandmarks(result.landmarks.positions),
        sharpness: await faceSharpness(image, box),
        descriptor: result.descriptor,
      });
    }
    return faces;
  }
}
