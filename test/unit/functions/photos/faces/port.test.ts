import { assessFaces, DEFAULT_FACE_THRESHOLDS, type DetectedFace } from '#functions/photos/faces/port';

/** A frontal, sharp, confident face of `size` px at (left, top). */
const face = (size: number, overrides: Partial<DetectedFace> = {}, left = 100, top = 100): DetectedFace => ({
  box: { left, top, width: size * 0.8, height: size },
  confidence: 0.99,
  pose: { yaw: 0, pitch: 0, roll: 0 },
  sharpness: 0.7,
  ...overrides,
});

const W = 1536;
const H = 2048; // shorter side 1536: the size floor is 0.15 × 1536 = 230.4 px

describe('assessFaces: exactly one usable face', () => {
  it('accepts one large, frontal, sharp face and returns it', () => {
    const one = face(500);
    expect(assessFaces([one], W, H)).toEqual({ ok: true, face: one });
  });

  it('NO_FACE for no detection, or only detections under the confidence floor', () => {
    for (const faces of [[], [face(500, { confidence: 0.5 })]]) {
      const result = assessFaces(faces, W, H);
      expect(result).toMatchObject({ ok: false, code: 'NO_FACE' });
      if (!result.ok) expect(result.reason).toMatch(/could not find a face/);
    }
  });

  it('FACE_BLURRY rather than NO_FACE for a weak detection that is blurry; a weak sharp one is no face', () => {
    expect(assessFaces([face(500, { confidence: 0.7, sharpness: 0.1 })], W, H)).toMatchObject({ code: 'FACE_BLURRY' });
    expect(assessFaces([face(500, { confidence: 0.7, sharpness: 0.6 })], W, H)).toMatchObject({ code: 'NO_FACE' });
    expect(assessFaces([face(500, { confidence: 0.4, sharpness: 0.1 })], W, H)).toMatchObject({ code: 'NO_FACE' });
  });

  it('MULTIPLE_FACES for two people of similar size, naming how many', () => {
    const result = assessFaces([face(500), face(420, {}, 900)], W, H);
    expect(result).toMatchObject({ ok: false, code: 'MULTIPLE_FACES' });
    if (!result.ok) expect(result.reason).toMatch(/two faces — upload a photo of just you/);
    expect(assessFaces([face(500), face(450, {}, 700), face(400, {}, 1100)], W, H)).toMatchObject({ code: 'MULTIPLE_FACES', reason: expect.stringMatching(/three faces/) });
  });

  it('a second face exactly at half the main face counts as a person; just under it is background', () => {
    expect(assessFaces([face(500), face(250, {}, 900)], W, H)).toMatchObject({ code: 'MULTIPLE_FACES' });
    expect(assessFaces([face(500), face(249, {}, 900)], W, H)).toMatchObject({ ok: true });
  });

  it('ignores a tiny face in the background (a passer-by, a poster) and picks the main face', () => {
    const main = face(500);
    const result = assessFaces([face(60, {}, 1300, 50), main, face(90, { confidence: 0.9 }, 20, 20)], W, H);
    expect(result).toEqual({ ok: true, face: main });
  });

  it('a second face under the confidence floor is not counted', () => {
    expect(assessFaces([face(500), face(480, { confidence: 0.6 }, 900)], W, H)).toMatchObject({ ok: true });
  });

  it('two small faces of similar size are two people, not one too-small face', () => {
    expect(assessFaces([face(100), face(90, {}, 900)], W, H)).toMatchObject({ code: 'MULTIPLE_FACES' });
  });

  it('FACE_TOO_SMALL under 15% of the shorter side, whatever the orientation', () => {
    expect(assessFaces([face(230)], W, H)).toMatchObject({ ok: false, code: 'FACE_TOO_SMALL', reason: expect.stringMatching(/move closer/) });
    expect(assessFaces([face(231)], W, H)).toMatchObject({ ok: true });
    expect(assessFaces([face(230)], H, W)).toMatchObject({ code: 'FACE_TOO_SMALL' });
    // The larger side of the box is the size: a wide box counts by its width.
    expect(assessFaces([face(0, { box: { left: 0, top: 0, width: 240, height: 200 } })], W, H)).toMatchObject({ ok: true });
  });

  it('FACE_TURNED beyond 35° of yaw or 25° of pitch, either way; roll is never refused', () => {
    for (const pose of [
      { yaw: 36, pitch: 0, roll: 0 },
      { yaw: -36, pitch: 0, roll: 0 },
      { yaw: 0, pitch: 26, roll: 0 },
      { yaw: 0, pitch: -26, roll: 0 },
    ]) {
      expect(assessFaces([face(500, { pose })], W, H)).toMatchObject({ ok: false, code: 'FACE_TURNED', reason: expect.stringMatching(/look towards the camera/) });
    }
    expect(assessFaces([face(500, { pose: { yaw: 35, pitch: -25, roll: 0 } })], W, H)).toMatchObject({ ok: true });
    expect(assessFaces([face(500, { pose: { yaw: 0, pitch: 0, roll: 80 } })], W, H)).toMatchObject({ ok: true });
  });

  it('FACE_BLURRY under the sharpness floor', () => {
    expect(assessFaces([face(500, { sharpness: 0.19 })], W, H)).toMatchObject({ ok: false, code: 'FACE_BLURRY', reason: expect.stringMatching(/blurry/) });
    expect(assessFaces([face(500, { sharpness: DEFAULT_FACE_THRESHOLDS.minSharpness })], W, H)).toMatchObject({ ok: true });
  });

  it('gives one reason, in order: multiple before small, small before blurry, blurry before turned', () => {
    const bad = { pose: { yaw: 60, pitch: 0, roll: 0 }, sharpness: 0.05 };
    expect(assessFaces([face(100, bad), face(100, bad, 900)], W, H)).toMatchObject({ code: 'MULTIPLE_FACES' });
    expect(assessFaces([face(100, bad)], W, H)).toMatchObject({ code: 'FACE_TOO_SMALL' });
    expect(assessFaces([face(500, bad)], W, H)).toMatchObject({ code: 'FACE_BLURRY' });
    expect(assessFaces([face(500, { ...bad, sharpness: 0.5 })], W, H)).toMatchObject({ code: 'FACE_TURNED' });
  });

  it('takes other thresholds', () => {
    const strict = { ...DEFAULT_FACE_THRESHOLDS, maxYaw: 10, minFaceShare: 0.4 };
    expect(assessFaces([face(700, { pose: { yaw: 20, pitch: 0, roll: 0 } })], W, H, strict)).toMatchObject({ code: 'FACE_TURNED' });
    expect(assessFaces([face(600)], W, H, strict)).toMatchObject({ code: 'FACE_TOO_SMALL' });
  });

  it('ignores degenerate boxes', () => {
    expect(assessFaces([face(0)], W, H)).toMatchObject({ code: 'NO_FACE' });
  });
});
