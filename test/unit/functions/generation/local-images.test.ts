import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { LOCAL_IMAGE_SIZE, makeLocalImage, POSE_LAYOUTS, styleLook, type LocalImageRequest } from '#functions/generation/local-images';
import { assessFaces } from '#functions/photos/faces/port';
import { LocalFaceAnalyzer, loadFaceModels, similarity } from '#functions/photos/faces/local-analyzer';
import { hammingDistance, perceptualHash } from '#functions/photos/duplicates';
import { POSE_IDS, type PoseId } from '#shared/generation';

/*
 * The customer's face crop: a square around the left person of face-api's
 * demo/sample1.jpg (face at about (414, 355) 177×240), at 1024 px as validation's
 * face crop is. A flat magenta "face" makes the portrait easy to find in the pictures.
 */

jest.setTimeout(60_000);

const GREY = { styleId: 'corporate-grey', backdrop: 'mid-grey seamless paper', lighting: 'soft key light with gentle fill' };
let face: Buffer;
let magenta: Buffer;

beforeAll(async () => {
  const group = readFileSync(join(__dirname, '../../../../node_modules/@vladmandic/face-api/demo/sample1.jpg'));
  face = await sharp(group).extract({ left: 222, top: 195, width: 560, height: 560 }).resize(1024, 1024).jpeg({ quality: 90 }).toBuffer();
  magenta = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#ff00ff' } }).jpeg({ quality: 95 }).toBuffer();
});

const make = (over: Partial<LocalImageRequest> = {}) => makeLocalImage({ face, style: GREY, pose: 'front', seed: 1, ...over });

async function rawOf(image: Buffer) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The box of the magenta pixels: where the portrait landed. */
async function magentaBox(image: Buffer) {
  const { data, width, height, channels } = await rawOf(image);
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      // Plain comparisons, not Math.min/max: a global lookup per pixel is slow in Jest's sandbox.
      if (data[i]! > 150 && data[i + 2]! > 150 && data[i + 1]! < 100) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1, cx: (left + right) / 2, cy: (top + bottom) / 2 };
}

/** Mean absolute difference per channel over a rectangle of two same-sized images. */
async function meanDifference(a: Buffer, b: Buffer, box: { left: number; top: number; width: number; height: number }) {
  const [ra, rb] = await Promise.all([rawOf(a), rawOf(b)]);
  let sum = 0;
  let n = 0;
  for (let y = box.top; y < box.top + box.height; y++) {
    for (let x = box.left; x < box.left + box.width; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * ra.width + x) * ra.channels + c;
        const difference = ra.data[i]! - rb.data[i]!;
        sum += difference < 0 ? -difference : difference;
        n++;
      }
    }
  }
  return sum / n;
}

/** The face's middle in a front picture: the central zone of the placed square. */
const faceZone = (placement: { left: number; top: number; width: number; height: number }) => ({
  left: Math.round(placement.left + placement.width * 0.3),
  top: Math.round(placement.top + placement.height * 0.22),
  width: Math.round(placement.width * 0.4),
  height: Math.round(placement.height * 0.5),
});

describe('makeLocalImage', () => {
  it('makes a 1024×1024 JPEG by default, and the size and format asked for', async () => {
    const jpeg = await make();
    expect(await sharp(jpeg.bytes).metadata()).toMatchObject({ format: 'jpeg', width: LOCAL_IMAGE_SIZE, height: LOCAL_IMAGE_SIZE });
    expect(jpeg).toMatchObject({ width: 1024, height: 1024, format: 'jpeg', contentType: 'image/jpeg' });
    const png = await make({ width: 2048, height: 2048, format: 'png' });
    expect(await sharp(png.bytes).metadata()).toMatchObject({ format: 'png', width: 2048, height: 2048 });
    const portrait = await make({ width: 768, height: 1024 });
    expect(await sharp(portrait.bytes).metadata()).toMatchObject({ width: 768, height: 1024 });
  });

  it('is deterministic: the same inputs and seed give the same bytes', async () => {
    for (const request of [{}, { pose: 'profile-right' as const, likenessDrift: 0.6 }, { pose: 'close-up' as const, format: 'png' as const }]) {
      const [a, b] = await Promise.all([make(request), make(request)]);
      expect(a.bytes.equals(b.bytes)).toBe(true);
    }
  });

  it('another seed gives another picture of the same pose, with small changes only', async () => {
    const one = await make({ face: magenta, seed: 1 });
    const two = await make({ face: magenta, seed: 2 });
    expect(one.bytes.equals(two.bytes)).toBe(false);
    const [a, b] = await Promise.all([magentaBox(one.bytes), magentaBox(two.bytes)]);
    expect(Math.abs(a.cx - b.cx)).toBeLessThan(0.05 * 1024);
    expect(Math.abs(a.width - b.width)).toBeLessThan(0.08 * a.width);
  });

  it('each pose frames the portrait differently, where its layout says', async () => {
    const boxes = new Map<PoseId, Awaited<ReturnType<typeof magentaBox>>>();
    for (const pose of POSE_IDS) {
      const image = await make({ face: magenta, pose, seed: 5 });
      const box = await magentaBox(image.bytes);
      boxes.set(pose, box);
      // The box measured in the pixels agrees with the placement reported (the oval spans 84% of the square's width, its full height).
      const { placement } = image;
      expect(Math.abs(box.cx - Math.min(1023, Math.max(0, placement.left + placement.width / 2)))).toBeLessThan(pose === 'close-up' ? 40 : 12);
    }
    const box = (pose: PoseId) => boxes.get(pose)!;
    // Pairwise distinct framings.
    const keys = POSE_IDS.map((pose) => `${Math.round(box(pose).cx / 20)}/${Math.round(box(pose).cy / 20)}/${Math.round(box(pose).width / 20)}`);
    expect(new Set(keys).size).toBe(POSE_IDS.length);
    // Turned poses sit off centre, mirrored, and look narrower; profiles more so.
    expect(box('three-quarter-left').cx).toBeLessThan(box('front').cx - 40);
    expect(box('three-quarter-right').cx).toBeGreaterThan(box('front').cx + 40);
    expect(box('profile-left').cx).toBeLessThan(box('three-quarter-left').cx);
    expect(box('profile-right').cx).toBeGreaterThan(box('three-quarter-right').cx);
    const aspect = (pose: PoseId) => box(pose).width / box(pose).height;
    expect(aspect('three-quarter-left')).toBeLessThan(aspect('front') * 0.93);
    expect(aspect('profile-right')).toBeLessThan(aspect('three-quarter-right') * 0.93);
    // Close-up fills the frame; shoulders, seated and standing step back, in that order.
    expect(box('close-up').width).toBeGreaterThan(box('front').width * 1.3);
    expect(box('shoulders').width).toBeLessThan(box('front').width * 0.85);
    expect(box('seated').width).toBeLessThan(box('shoulders').width * 0.85);
    expect(box('standing').width).toBeLessThan(box('seated').width * 0.9);
    expect(box('standing').cy).toBeLessThan(box('front').cy - 200);
  });

  it("the right-hand poses mirror the portrait", async () => {
    // A face crop with a marker on its left: in a right-hand pose it shows on the portrait's right.
    const marked = await sharp(magenta)
      .composite([{ input: { create: { width: 200, height: 300, channels: 3, background: '#00ff00' } }, left: 260, top: 360 }])
      .jpeg()
      .toBuffer();
    const greenCentre = async (pose: PoseId) => {
      const image = await make({ face: marked, pose });
      const { data, width, channels } = await rawOf(image.bytes);
      let sum = 0;
      let n = 0;
      for (let i = 0; i < data.length; i += channels) {
        if (data[i + 1]! > 150 && data[i]! < 100 && data[i + 2]! < 100) {
          sum += (i / channels) % width;
          n++;
        }
      }
      const { placement } = image;
      return (sum / n - placement.left) / placement.width;
    };
    expect(await greenCentre('three-quarter-left')).toBeLessThan(0.5);
    expect(await greenCentre('three-quarter-right')).toBeGreaterThan(0.5);
  });

  it('likeness drift changes the face more the more there is, and leaves the backdrop alone', async () => {
    const clean = await make({ seed: 9 });
    const zone = faceZone(clean.placement);
    const differences: number[] = [];
    const hashDistances: number[] = [];
    const faceOf = (bytes: Buffer) => sharp(bytes).extract(zone).toBuffer();
    const cleanHash = await perceptualHash(await faceOf(clean.bytes));
    for (const likenessDrift of [0.25, 0.5, 1]) {
      const drifted = await make({ seed: 9, likenessDrift });
      expect(drifted.placement).toEqual(clean.placement);
      differences.push(await meanDifference(clean.bytes, drifted.bytes, zone));
      hashDistances.push(hammingDistance(cleanHash, await perceptualHash(await faceOf(drifted.bytes))));
      // The corners (backdrop only) do not move.
      expect(await meanDifference(clean.bytes, drifted.bytes, { left: 0, top: 0, width: 100, height: 100 })).toBeLessThan(0.5);
    }
    expect(differences[0]).toBeGreaterThan(3);
    expect(differences[1]).toBeGreaterThan(differences[0]!);
    expect(differences[2]).toBeGreaterThan(differences[1]!);
    expect(differences[2]).toBeGreaterThan(differences[0]! * 1.5);
    expect(hashDistances[2]).toBeGreaterThan(8); // beyond the near-duplicate threshold: a different picture of the face
    expect(hashDistances[2]).toBeGreaterThanOrEqual(hashDistances[0]!);
  });

  it("the style's grading shows: its colours, a darker low-key look, a brighter window-light look", async () => {
    const mean = async (bytes: Buffer) => (await sharp(bytes).stats()).channels.slice(0, 3).map((channel) => channel.mean);
    const teal = await mean((await make({ style: { backdrop: 'saturated teal backdrop', lighting: 'crisp beauty dish' } })).bytes);
    expect(teal[1]! + teal[2]!).toBeGreaterThan(2 * teal[0]! + 60); // green and blue well above red
    const same = { backdrop: 'charcoal mottled canvas' };
    const lowKey = await mean((await make({ style: { ...same, lighting: 'low-key Rembrandt light' } })).bytes);
    const window = await mean((await make({ style: { ...same, lighting: 'large window light' } })).bytes);
    expect(lowKey.reduce((a, b) => a + b)).toBeLessThan(window.reduce((a, b) => a + b) - 15);
    expect(styleLook({ colours: ['#123456', '#000000'] }).colours).toEqual(['#123456', '#000000']);
    expect(styleLook({ styleId: 'unnamed', backdrop: 'a room' }).colours).toEqual(styleLook({ styleId: 'unnamed', backdrop: 'a room' }).colours);
    expect(styleLook({ styleId: 'unnamed', backdrop: 'a room' }).colours).not.toEqual(styleLook({ styleId: 'other', backdrop: 'a room' }).colours);
  });

  it('refuses an unknown pose and sizes it does not make', async () => {
    await expect(make({ pose: 'handstand' as PoseId })).rejects.toThrow(/handstand/);
    await expect(make({ width: 10 })).rejects.toThrow(/size/);
    await expect(make({ width: 8192, height: 8192 })).rejects.toThrow(/size/);
    expect(Object.keys(POSE_LAYOUTS).sort()).toEqual([...POSE_IDS].sort());
  });

  it("the face analyser finds the customer at no drift, and scores a drifted face lower", async () => {
    await loadFaceModels();
    const analyzer = new LocalFaceAnalyzer();
    const [reference] = await analyzer.detect(face);
    const clean = await make({ seed: 3 });
    const faces = await analyzer.detect(clean.bytes);
    expect(assessFaces(faces, clean.width, clean.height)).toMatchObject({ ok: true });
    const cleanScore = similarity(reference!.descriptor!, faces.find((f) => f.confidence >= 0.8)!.descriptor!);
    const drifted = await analyzer.detect((await make({ seed: 3, likenessDrift: 1 })).bytes);
    const driftedScore = drifted.length ? Math.max(...drifted.map((f) => similarity(reference!.descriptor!, f.descriptor!))) : 0;
    expect(cleanScore).toBeGreaterThan(0.6);
    expect(driftedScore).toBeLessThan(cleanScore - 0.1);
  });
});
