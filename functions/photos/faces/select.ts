import type { FaceAnalyzer } from './port';

/**
 * The face analyser a deployment is configured with (the `FaceDetection`
 * grant's variable): Rekognition on AWS, face-api on the local cloud. Each
 * adapter is loaded only where it is chosen, so the Lambda bundle never
 * loads TensorFlow.js and the local cloud never calls AWS.
 */
export async function faceAnalyzerFor(kind: string): Promise<FaceAnalyzer> {
  if (kind === 'rekognition') {
    const [{ RekognitionClient }, { RekognitionFaceAnalyzer }, { tracer }] = await Promise.all([
      import('@aws-sdk/client-rekognition'),
      import('./rekognition-analyzer'),
      import('#lib/powertools'),
    ]);
    return new RekognitionFaceAnalyzer(tracer.captureAWSv3Client(new RekognitionClient({})));
  }
  if (kind === 'face-api') {
    const { LocalFaceAnalyzer } = await import('./local-analyzer');
    return new LocalFaceAnalyzer();
  }
  throw new Error(`Unknown face analyser "${kind}": expected "rekognition" or "face-api"`);
}
