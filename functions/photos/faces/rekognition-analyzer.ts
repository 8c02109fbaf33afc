import sharp from 'sharp';
import { DetectFacesCommand, type FaceDetail, type RekognitionClient } from '@aws-sdk/client-rekognition';
import type { DetectedFace, FaceAnalyzer } from '#functions/photos/faces/port';

/*
 * The AWS adapter of `FaceAnalyzer`: Rekognition `DetectFaces` on the JPEG bytes (≤ 5 MB;
 * the normalised upload, 2048 px q90, is well under). `Attributes: ['DEFAULT']` already
 * returns BoundingBox, Confidence, Pose and Quality (Brightness, Sharpness), everything
 * the port needs; `ALL` would add emotions, age and the like at a longer latency. No
 * descriptor: the identity lock on AWS is a CompareFaces call.
 */

/** BoundingBox is a share of the image's width and height; the port wants pixels. */
async function uprightSize(jpeg: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(jpeg).metadata();
  if (!meta.width || !meta.height) throw new Error('DetectFaces input without dimensions');
  // Normalised uploads carry no orientation; for any other JPEG, its upright size.
  return (meta.orientation ?? 1) >= 5 ? { width: meta.height, height: meta.width } : { width: meta.width, height: meta.height };
}

const clamp01 = (value: number) => Math.max(0, Math.min(1, value));

/** One Rekognition FaceDetail on an image of `width`×`height` pixels, clamped to the image (boxes may overhang its edges). */
export function faceFromDetail(detail: FaceDetail, width: number, height: number): DetectedFace {
  const box = detail.BoundingBox ?? {};
  const left = clamp01(box.Left ?? 0);
  const top = clamp01(box.Top ?? 0);
  const right = clamp01((box.Left ?? 0) + (box.Width ?? 0));
  const bottom = clamp01((box.Top ?? 0) + (box.Height ?? 0));
  return {
    box: { left: left * width, top: top * height, width: (right - left) * width, height: (bottom - top) * height },
    confidence: clamp01((detail.Confidence ?? 0) / 100),
    pose: { yaw: detail.Pose?.Yaw ?? 0, pitch: detail.Pose?.Pitch ?? 0, roll: detail.Pose?.Roll ?? 0 },
    sharpness: clamp01((detail.Quality?.Sharpness ?? 0) / 100),
  };
}

export class RekognitionFaceAnalyzer implements FaceAnalyzer {
  constructor(private readonly client: RekognitionClient) {}

  async detect(jpeg: Buffer): Promise<DetectedFace[]> {
    const [size, response] = await Promise.all([uprightSize(jpeg), this.client.send(new DetectFacesCommand({ Image: { Bytes: jpeg }, Attributes: ['DEFAULT'] }))]);
    return (response.FaceDetails ?? []).map((detail) => faceFromDetail(detail, size.width, size.height));
  }
}
