import 'aws-sdk-client-mock-jest';
import sharp from 'sharp';
import { mockClient } from 'aws-sdk-client-mock';
import { CompareFacesCommand, ImageTooLargeException, InvalidParameterException, RekognitionClient, ThrottlingException, type CompareFacesCommandInput } from '@aws-sdk/client-rekognition';
import { COMPARE_MAX_SIDE, likenessFromCompareFaces, REKOGNITION_MAX_IMAGE_BYTES, rekognitionJpeg, RekognitionLikenessJudge } from '#functions/generation/identity-rekognition';

const rekognition = mockClient(RekognitionClient);
const judge = () => new RekognitionLikenessJudge(new RekognitionClient({ region: 'eu-west-1' }));

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } });
/** Gaussian noise compresses badly: the largest files an image of its size can make. */
const noise = (side: number) => sharp({ create: { width: side, height: side, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });

let references: Buffer[];
let candidate: Buffer;

beforeAll(async () => {
  references = await Promise.all(['#a87', '#8a7', '#78a'].map((colour) => solid(1024, 1024, colour).jpeg({ quality: 90 }).toBuffer()));
  candidate = await solid(1024, 1024, '#567').png().toBuffer();
});

beforeEach(() => rekognition.reset());

const sentInput = (): CompareFacesCommandInput => rekognition.commandCalls(CompareFacesCommand)[0]!.args[0].input;

describe('RekognitionLikenessJudge', () => {
  it('makes one CompareFaces call: the first reference as source bytes, the candidate as JPEG target bytes, threshold 0, no quality filter', async () => {
    rekognition.on(CompareFacesCommand).resolves({ FaceMatches: [{ Similarity: 91.5 }] });
    const likeness = await judge().similarity(references, candidate);
    expect(rekognition).toHaveReceivedCommandTimes(CompareFacesCommand, 1);
    expect(rekognition).toHaveReceivedCommandWith(CompareFacesCommand, { SimilarityThreshold: 0, QualityFilter: 'NONE' });
    const input = sentInput();
    expect(Buffer.from(input.SourceImage!.Bytes!).equals(references[0]!)).toBe(true);
    expect(input.SourceImage!.S3Object).toBeUndefined();
    const target = Buffer.from(input.TargetImage!.Bytes!);
    expect(await sharp(target).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });
    expect(likeness).toEqual({ similarity: 0.915, faceFound: true, referenceIndex: 0 });
  });

  it('maps the answer: the best match over 100; unmatched faces only score 0 but are faces; neither is no face', async () => {
    expect(likenessFromCompareFaces({ FaceMatches: [{ Similarity: 40 }, { Similarity: 88 }], UnmatchedFaces: [{}] })).toEqual({ similarity: 0.88, faceFound: true, referenceIndex: 0 });
    expect(likenessFromCompareFaces({ FaceMatches: [], UnmatchedFaces: [{ Confidence: 99 }] })).toEqual({ similarity: 0, faceFound: true, referenceIndex: 0 });
    expect(likenessFromCompareFaces({ FaceMatches: [], UnmatchedFaces: [] })).toEqual({ similarity: 0, faceFound: false });
    expect(likenessFromCompareFaces({})).toEqual({ similarity: 0, faceFound: false });
    expect(likenessFromCompareFaces({ FaceMatches: [{ Similarity: 100.0001 }] }).similarity).toBe(1);
    expect(likenessFromCompareFaces({ FaceMatches: [{}] })).toEqual({ similarity: 0, faceFound: true, referenceIndex: 0 });

    rekognition.on(CompareFacesCommand).resolves({ UnmatchedFaces: [{ Confidence: 99.2 }] });
    expect(await judge().similarity(references, candidate)).toEqual({ similarity: 0, faceFound: true, referenceIndex: 0 });
    rekognition.on(CompareFacesCommand).resolves({ FaceMatches: [], UnmatchedFaces: [] });
    expect(await judge().similarity(references, candidate)).toEqual({ similarity: 0, faceFound: false });
  });

  it('reads InvalidParameterException (no face in source or target) as no face, and throws every other error', async () => {
    rekognition.on(CompareFacesCommand).rejects(new InvalidParameterException({ message: 'Request has invalid parameters', $metadata: {} }));
    expect(await judge().similarity(references, candidate)).toEqual({ similarity: 0, faceFound: false });

    rekognition.on(CompareFacesCommand).rejects(new ThrottlingException({ message: 'Slow down', $metadata: {} }));
    await expect(judge().similarity(references, candidate)).rejects.toBeInstanceOf(ThrottlingException);
    rekognition.on(CompareFacesCommand).rejects(new ImageTooLargeException({ message: 'Image size is too large', $metadata: {} }));
    await expect(judge().similarity(references, candidate)).rejects.toBeInstanceOf(ImageTooLargeException);
  });

  it('sends a large candidate downscaled to at most 1920 px and under 5 MB', async () => {
    rekognition.on(CompareFacesCommand).resolves({ FaceMatches: [{ Similarity: 70 }] });
    const large = await noise(2048).png({ compressionLevel: 1 }).toBuffer();
    expect(large.length).toBeGreaterThan(REKOGNITION_MAX_IMAGE_BYTES);
    await judge().similarity(references, large);
    const target = Buffer.from(sentInput().TargetImage!.Bytes!);
    expect(target.length).toBeLessThanOrEqual(REKOGNITION_MAX_IMAGE_BYTES);
    expect(await sharp(target).metadata()).toMatchObject({ format: 'jpeg', width: COMPARE_MAX_SIDE, height: COMPARE_MAX_SIDE });
  });

  it('re-encodes a reference beyond the byte limit, and sends a PNG reference within it as it is', async () => {
    rekognition.on(CompareFacesCommand).resolves({ FaceMatches: [{ Similarity: 70 }] });
    const hugeReference = await noise(2048).png({ compressionLevel: 1 }).toBuffer();
    await judge().similarity([hugeReference], candidate);
    const source = Buffer.from(sentInput().SourceImage!.Bytes!);
    expect(source.length).toBeLessThanOrEqual(REKOGNITION_MAX_IMAGE_BYTES);
    expect((await sharp(source).metadata()).format).toBe('jpeg');

    rekognition.reset();
    rekognition.on(CompareFacesCommand).resolves({ FaceMatches: [{ Similarity: 70 }] });
    const pngReference = await solid(512, 512, '#a87').png().toBuffer();
    await judge().similarity([pngReference], candidate);
    expect(Buffer.from(sentInput().SourceImage!.Bytes!).equals(pngReference)).toBe(true);
  });

  it('needs a reference', async () => {
    await expect(judge().similarity([], candidate)).rejects.toThrow(/reference/);
    expect(rekognition).toHaveReceivedCommandTimes(CompareFacesCommand, 0);
  });
});

describe('rekognitionJpeg', () => {
  it('lowers the quality, then the size, until the image fits the byte budget', async () => {
    const image = await noise(1024).jpeg({ quality: 100 }).toBuffer();
    const fitted = await rekognitionJpeg(image, 150_000);
    expect(fitted.length).toBeLessThanOrEqual(150_000);
    const { format, width } = await sharp(fitted).metadata();
    expect(format).toBe('jpeg');
    expect(width).toBeLessThan(1024);
    await expect(rekognitionJpeg(image, 100)).rejects.toThrow(RangeError);
  });
});
