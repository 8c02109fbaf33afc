import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { assessFaces, type DetectedFace } from '#functions/photos/faces/port';
import { laplacianVariance, LocalFaceAnalyzer, loadFaceModels, poseFromLandmarks, SAME_PERSON_SIMILARITY, sharpnessFromVariance, similarity } from '#functions/photos/faces/local-analyzer';

/*
 * Real photos: face-api's demo/sample1.jpg (1920×1280, three people). Single-person
 * photos are 600×750 crops around one of them (A: the left, B: the middle one).
 */

jest.setTimeout(120_000);

const sample = (n: number) => readFileSync(join(__dirname, '../../../../../node_modules/@vladmandic/face-api/demo', `sample${n}.jpg`));
const crop = (jpeg: Buffer, left: number, top: number) => sharp(jpeg).extract({ left, top, width: 600, height: 750 }).jpeg({ quality: 92 }).toBuffer();
const size = async (jpeg: Buffer) => {
  const { width, height } = await sharp(jpeg).metadata();
  return { width: width!, height: height! };
};

const analyzer = new LocalFaceAnalyzer();
let group: Buffer;
let personA: Buffer;
let personB: Buffer;

async function assess(jpeg: Buffer) {
  const faces = await analyzer.detect(jpeg);
  const { width, height } = await size(jpeg);
  return { faces, result: assessFaces(faces, width, height) };
}

function only(faces: readonly DetectedFace[]): DetectedFace {
  const strong = faces.filter((face) => face.confidence >= 0.8);
  expect(strong).toHaveLength(1);
  return strong[0]!;
}

beforeAll(async () => {
  await loadFaceModels();
  group = sample(1);
  personA = await crop(group, 202, 125); // face at about (414, 355) 177×240 in the sample
  personB = await crop(group, 631, 160); // face at about (838, 421) 186×228
});

describe('LocalFaceAnalyzer on real photos', () => {
  it('loads the models once per process', async () => {
    const first = loadFaceModels();
    expect(loadFaceModels()).toBe(first);
    await first;
  });

  it('one person: ok, the box on the face, near frontal, sharp, with a 128-d descriptor', async () => {
    const { faces, result } = await assess(personA);
    expect(result.ok).toBe(true);
    const face = only(faces);
    // The face sits at (212, 230) 177×240 in the crop.
    expect(face.box.left).toBeGreaterThan(212 - 40);
    expect(face.box.top).toBeGreaterThan(230 - 60);
    expect(face.box.left + face.box.width).toBeLessThan(212 + 177 + 40);
    expect(face.box.top + face.box.height).toBeLessThan(230 + 240 + 60);
    expect(face.box.width).toBeGreaterThan(120);
    expect(Math.abs(face.pose.yaw)).toBeLessThan(35);
    expect(Math.abs(face.pose.pitch)).toBeLessThan(25);
    expect(Math.abs(face.pose.roll)).toBeLessThan(10);
    expect(face.sharpness).toBeGreaterThan(0.35);
    expect(face.descriptor).toHaveLength(128);
  });

  it('the group photo: MULTIPLE_FACES (three people)', async () => {
    const { faces, result } = await assess(group);
    expect(faces.filter((face) => face.confidence >= 0.8)).toHaveLength(3);
    expect(result).toMatchObject({ ok: false, code: 'MULTIPLE_FACES', reason: expect.stringMatching(/three faces/) });
  });

  it('a generated image without a face: NO_FACE', async () => {
    const noise = await sharp({ create: { width: 1024, height: 768, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    const backdrop = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="768"><defs><linearGradient id="g"><stop offset="0" stop-color="#345"/><stop offset="1" stop-color="#cba"/></linearGradient></defs><rect width="1024" height="768" fill="url(#g)"/><circle cx="600" cy="380" r="160" fill="#a87"/></svg>')).jpeg().toBuffer();
    for (const jpeg of [noise, backdrop]) expect((await assess(jpeg)).result).toMatchObject({ ok: false, code: 'NO_FACE' });
  });

  it('the same person blurred: FACE_BLURRY, at upload size with blur(8) and on the small crop with blur(4)', async () => {
    // At the normalised size (2048 px long side) the face is ~650 px high.
    const large = await sharp(personA).resize({ height: 2048 }).blur(8).jpeg().toBuffer();
    const { faces, result } = await assess(large);
    expect(only(faces).sharpness).toBeLessThan(0.2);
    expect(result).toMatchObject({ ok: false, code: 'FACE_BLURRY' });
    // On the 600×750 crop blur(4) drops the detection under 0.8: still told blurry, not "no face".
    expect((await assess(await sharp(personA).blur(4).jpeg().toBuffer())).result).toMatchObject({ ok: false, code: 'FACE_BLURRY' });
  });

  it('the same person far away in a large frame: FACE_TOO_SMALL', async () => {
    const far = await sharp(personA).extend({ top: 700, bottom: 700, left: 900, right: 900, background: '#7a7f86' }).jpeg().toBuffer();
    expect((await assess(far)).result).toMatchObject({ ok: false, code: 'FACE_TOO_SMALL' });
  });

  it('rolled by 20°: roll measured, still ok; mirrored: yaw changes sign', async () => {
    const rolled = await sharp(personA).rotate(20, { background: '#7a7f86' }).jpeg().toBuffer();
    const upright = only((await assess(personA)).faces);
    const { faces, result } = await assess(rolled);
    expect(result.ok).toBe(true);
    expect(only(faces).pose.roll - upright.pose.roll).toBeGreaterThan(12);
    expect(only(faces).pose.roll - upright.pose.roll).toBeLessThan(28);
    const mirrored = only((await assess(await sharp(personA).flop().jpeg().toBuffer())).faces);
    expect(Math.sign(mirrored.pose.yaw)).toBe(-Math.sign(upright.pose.yaw));
    expect(Math.abs(mirrored.pose.yaw + upright.pose.yaw)).toBeLessThan(10);
  });

  it('descriptors: the same face re-encoded and resized scores clearly higher than two different people', async () => {
    const a = only((await assess(personA)).faces).descriptor!;
    const aSmall = only((await assess(await sharp(personA).resize(520).jpeg({ quality: 60 }).toBuffer())).faces).descriptor!;
    const b = only((await assess(personB)).faces).descriptor!;
    const same = similarity(a, aSmall);
    const different = similarity(a, b);
    process.stdout.write(`similarity: same face resized + q60 ${same.toFixed(3)}, two people ${different.toFixed(3)}\n`);
    expect(same).toBeGreaterThan(SAME_PERSON_SIMILARITY);
    expect(different).toBeLessThan(SAME_PERSON_SIMILARITY);
    expect(same - different).toBeGreaterThan(0.2);
  });
});

describe('pure parts', () => {
  it('similarity: 1 for identical descriptors, 0.5 at euclidean 0.6, 0 from 1.2; refuses unequal lengths', () => {
    const a = new Float32Array(128).fill(0.1);
    expect(similarity(a, a)).toBe(1);
    const b = Float32Array.from(a, (v, i) => (i === 0 ? v + 0.6 : v));
    expect(similarity(a, b)).toBeCloseTo(0.5);
    expect(similarity(a, Float32Array.from(a, (v, i) => (i === 0 ? v + 2 : v)))).toBe(0);
    expect(() => similarity(a, new Float32Array(64))).toThrow(/equal length/);
  });

  it('laplacianVariance: 0 on a flat or linear image, large on a checkerboard; sharpness maps it to 0..1', () => {
    const flat = new Uint8Array(32 * 32).fill(100);
    expect(laplacianVariance(flat, 32, 32)).toBe(0);
    const ramp = Uint8Array.from({ length: 32 * 32 }, (_, i) => (i % 32) * 4);
    expect(laplacianVariance(ramp, 32, 32)).toBe(0);
    const checker = Uint8Array.from({ length: 32 * 32 }, (_, i) => ((i % 32) + Math.floor(i / 32)) % 2 ? 255 : 0);
    expect(laplacianVariance(checker, 32, 32)).toBeGreaterThan(100_000);
    expect(sharpnessFromVariance(0)).toBe(0);
    expect(sharpnessFromVariance(60)).toBe(0.5);
    expect(sharpnessFromVariance(1e9)).toBeLessThanOrEqual(1);
  });

  it('poseFromLandmarks: a symmetric frontal face is 0/0/0; a rolled one reads its roll; a nose moved sideways reads yaw', () => {
    // A schematic frontal face: jaw 0..16 on a U, eyes at y=0, nose tip at 42% of the eye–chin span, chin at y=100.
    const points = Array.from({ length: 68 }, () => ({ x: 0, y: 0 }));
    for (let i = 0; i <= 16; i++) points[i] = { x: -60 * Math.cos((Math.PI * i) / 16), y: 100 * Math.sin((Math.PI * i) / 16) };
    for (let i = 36; i < 42; i++) points[i] = { x: -30 + (i - 38.5), y: 0 };
    for (let i = 42; i < 48; i++) points[i] = { x: 30 + (i - 44.5), y: 0 };
    points[30] = { x: 0, y: 42 };
    const frontal = poseFromLandmarks(points);
    expect(frontal.yaw).toBeCloseTo(0);
    expect(frontal.pitch).toBeCloseTo(0);
    expect(frontal.roll).toBeCloseTo(0);
    const turn = (deg: number) => points.map(({ x, y }) => ({ x: x * Math.cos((deg * Math.PI) / 180) - y * Math.sin((deg * Math.PI) / 180), y: x * Math.sin((deg * Math.PI) / 180) + y * Math.cos((deg * Math.PI) / 180) }));
    const rolled = poseFromLandmarks(turn(25));
    expect(rolled.roll).toBeCloseTo(25);
    expect(rolled.yaw).toBeCloseTo(0);
    const yawed = points.slice();
    yawed[30] = { x: 0.6 * 60 * 1.4 * Math.sin(Math.PI / 6) / 0.6, y: 42 }; // 1.4 × sin(30°) of the half width
    expect(poseFromLandmarks(yawed).yaw).toBeCloseTo(30);
    const down = points.slice();
    down[30] = { x: 0, y: 42 + 35 * Math.sin(Math.PI / 6) };
    expect(poseFromLandmarks(down).pitch).toBeCloseTo(30);
    expect(() => poseFromLandmarks(points.slice(0, 5))).toThrow(/68 landmarks/);
  });
});
