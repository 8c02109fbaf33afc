import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { assessFaces } from '../functions/photos/faces/port';
import { LocalFaceAnalyzer } from '../functions/photos/faces/local-analyzer';

/**
 * Real single-face photos made offline from the group photos `@vladmandic/face-api`
 * ships (`demo/sample1-6.jpg`, 22 people): each detected face is cropped as a
 * head-and-shoulders square, enlarged to 768 px, and kept only if the photo
 * validator's own face check accepts it (exactly one usable face). They seed
 * the studios' sample images and serve as selfies for the smoke test, the
 * integration tests and the browser tests.
 */
export interface SampleFace {
  /** `s<sample>-f<face>`, stable across runs. */
  readonly name: string;
  readonly jpeg: Buffer;
}

const SAMPLES = [1, 2, 3, 4, 5, 6];
const SIDE = 768;

export function sampleDir(): string {
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
}

/** Every usable face, cached in `cacheDir` (made once, about 15 s; then read from disk). */
export async function sampleFaces(cacheDir: string): Promise<SampleFace[]> {
  const index = join(cacheDir, 'faces.json');
  if (existsSync(index)) {
    const names = JSON.parse(readFileSync(index, 'utf8')) as string[];
    if (names.every((name) => existsSync(join(cacheDir, `${name}.jpg`)))) return names.map((name) => ({ name, jpeg: readFileSync(join(cacheDir, `${name}.jpg`)) }));
  }
  mkdirSync(cacheDir, { recursive: true });
  const analyzer = new LocalFaceAnalyzer();
  const faces: SampleFace[] = [];
  for (const sample of SAMPLES) {
    const source = readFileSync(join(sampleDir(), `sample${sample}.jpg`));
    const { width = 0, height = 0 } = await sharp(source).metadata();
    const detected = await analyzer.detect(source);
    for (const [index, face] of detected.entries()) {
      const size = Math.max(face.box.width, face.box.height);
      const side = Math.min(width, height, Math.round(size * 2.6));
      const left = clamp(Math.round(face.box.left + face.box.width / 2 - side / 2), 0, width - side);
      const top = clamp(Math.round(face.box.top + face.box.height / 2 - side * 0.45), 0, height - side);
      const jpeg = await sharp(source).extract({ left, top, width: side, height: side }).resize(SIDE, SIDE, { kernel: 'lanczos3' }).jpeg({ quality: 92 }).toBuffer();
      const verdict = assessFaces(await analyzer.detect(jpeg), SIDE, SIDE);
      if (verdict.ok) faces.push({ name: `s${sample}-f${index + 1}`, jpeg });
    }
  }
  for (const face of faces) writeFileSync(join(cacheDir, `${face.name}.jpg`), face.jpeg);
  writeFileSync(index, JSON.stringify(faces.map((f) => f.name)));
  return faces;
}


function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
