import type { LikenessJudge } from './identity';

/**
 * The identity lock's judge a deployment is configured with (the
 * `FaceDetection` grant's variable): Rekognition CompareFaces on AWS, face-api
 * descriptors on the local cloud. Each is loaded only where it is chosen.
 */
export async function likenessJudgeFor(kind: string): Promise<LikenessJudge> {
  if (kind === 'rekognition') {
    const [{ RekognitionClient }, { RekognitionLikenessJudge }, { tracer }] = await Promise.all([
      import('@aws-sdk/client-rekognition'),
      import('./identity-rekognition'),
      import('#lib/powertools'),
    ]);
    return new RekognitionLikenessJudge(tracer.captureAWSv3Client(new RekognitionClient({})));
  }
  if (kind === 'face-api') {
    const { LocalLikenessJudge } = await import('./identity-local');
    return new LocalLikenessJudge();
  }
  throw new Error(`Unknown face analyser "${kind}": expected "rekognition" or "face-api"`);
}
