import 'aws-sdk-client-mock-jest';
import sharp from 'sharp';
import { mockClient } from 'aws-sdk-client-mock';
import { DetectFacesCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { faceFromDetail, RekognitionFaceAnalyzer } from '#functions/photos/faces/rekognition-analyzer';
import { assessFaces } from '#functions/photos/faces/port';

const rekognition = mockClient(RekognitionClient);
const jpegOf = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#888' } }).jpeg().toBuffer();

beforeEach(() => rekognition.reset());

describe('RekognitionFaceAnalyzer', () => {
  it('sends the JPEG bytes with the DEFAULT attributes and maps each face to pixels of the image', async () => {
    const jpeg = await jpegOf(1000, 800);
    rekognition.on(DetectFacesCommand).resolves({
      FaceDetails: [
        {
          BoundingBox: { Left: 0.3, Top: 0.25, Width: 0.4, Height: 0.5 },
          Confidence: 99.9,
          Pose: { Yaw: -12.5, Pitch: 4, Roll: 2 },
          Quality: { Sharpness: 78.6, Brightness: 60 },
        },
      ],
    });
    const faces = await new RekognitionFaceAnalyzer(new RekognitionClient({ region: 'eu-west-1' })).detect(jpeg);
    expect(rekognition).toHaveReceivedCommandWith(DetectFacesCommand, { Image: { Bytes: jpeg }, Attributes: ['DEFAULT'] });
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face!.box.left).toBeCloseTo(300);
    expect(face!.box.top).toBeCloseTo(200);
    expect(face!.box.width).toBeCloseTo(400);
    expect(face!.box.height).toBeCloseTo(400);
    expect(face!.confidence).toBeCloseTo(0.999);
    expect(face!.pose).toEqual({ yaw: -12.5, pitch: 4, roll: 2 });
    expect(face!.sharpness).toBeCloseTo(0.786);
    expect(face!.descriptor).toBeUndefined();
    expect(assessFaces(faces, 1000, 800)).toMatchObject({ ok: true });
  });

  it('answers no faces for an empty or absent FaceDetails', async () => {
    const jpeg = await jpegOf(600, 600);
    rekognition.on(DetectFacesCommand).resolvesOnce({ FaceDetails: [] }).resolvesOnce({});
    const analyzer = new RekognitionFaceAnalyzer(new RekognitionClient({ region: 'eu-west-1' }));
    expect(await analyzer.detect(jpeg)).toEqual([]);
    expect(await analyzer.detect(jpeg)).toEqual([]);
  });

  it('passes Rekognition errors on', async () => {
    rekognition.on(DetectFacesCommand).rejects(Object.assign(new Error('Request has invalid image format'), { name: 'InvalidImageFormatException' }));
    await expect(new RekognitionFaceAnalyzer(new RekognitionClient({ region: 'eu-west-1' })).detect(await jpegOf(600, 600))).rejects.toThrow('invalid image format');
  });

  it('uses the upright size of a JPEG with an EXIF orientation', async () => {
    const jpeg = await sharp({ create: { width: 1000, height: 500, channels: 3, background: '#888' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    rekognition.on(DetectFacesCommand).resolves({ FaceDetails: [{ BoundingBox: { Left: 0.5, Top: 0.5, Width: 0.5, Height: 0.5 }, Confidence: 99 }] });
    const [face] = await new RekognitionFaceAnalyzer(new RekognitionClient({ region: 'eu-west-1' })).detect(jpeg);
    expect(face!.box).toEqual({ left: 250, top: 500, width: 250, height: 500 });
  });
});

describe('faceFromDetail', () => {
  it('clamps boxes that overhang the image and fills missing fields', () => {
    const face = faceFromDetail({ BoundingBox: { Left: -0.1, Top: 0.8, Width: 0.3, Height: 0.4 }, Confidence: 95 }, 1000, 1000);
    expect(face.box.left).toBe(0);
    expect(face.box.top).toBeCloseTo(800);
    expect(face.box.width).toBeCloseTo(200);
    expect(face.box.height).toBeCloseTo(200);
    expect(face.pose).toEqual({ yaw: 0, pitch: 0, roll: 0 });
    expect(face.sharpness).toBe(0);
  });

  it('maps Sharpness 0..100 to 0..1 and a turned Pose to FACE_TURNED', () => {
    const face = faceFromDetail({ BoundingBox: { Left: 0.2, Top: 0.2, Width: 0.5, Height: 0.6 }, Confidence: 99.5, Pose: { Yaw: 55, Pitch: 0, Roll: 0 }, Quality: { Sharpness: 100 } }, 800, 1000);
    expect(face.sharpness).toBe(1);
    expect(assessFaces([face], 800, 1000)).toMatchObject({ code: 'FACE_TURNED' });
  });
});
