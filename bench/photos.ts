import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaceAnalyzer } from '#functions/photos/faces/port';
import { checkPhoto } from '#functions/photos/validate';
import { scene } from '../test/unit/functions/photos/scenes';

/*
 * What the validation function does with one 12 MP upload on Lambda (`checkPhoto`:
 * format, decode, normalisation, perceptual hash, the face check and the face
 * crop), but for the face detection itself: on AWS that is Rekognition's remote
 * call, here a stand-in answering one frontal face at once (`bench/faces.ts`
 * measures the local face-api adapter). One 12 MP upload (4000×3000, a generated scene with
 * noise: see test/unit/functions/photos/scenes.ts), as JPEG and as HEIC. Each format
 * runs in a fresh child process (one warm-up, then `runs` timed calls of
 * `normalisePhoto`) so that its peak memory, `process.resourceUsage().maxRSS`, is its
 * own. The HEIC is made with Debian's `heif-enc` (apt-get install libheif-examples);
 * without it the HEIC row says so.
 *
 *   node --import tsx bench/photos.ts [runs]
 */

export const TARGETS = { jpeg: { seconds: 0.6 }, heif: { seconds: 1.5 }, memoryMb: 512 } as const;

export interface PhotoBenchRow {
  readonly format: 'jpeg' | 'heif';
  readonly inputBytes: number;
  readonly runs: number;
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly peakRssMb: number;
  readonly output: string;
}

export interface PhotoBench {
  readonly rows: readonly PhotoBenchRow[];
  readonly skipped: readonly string[];
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function hasHeifEnc(): boolean {
  return spawnSync('heif-enc', ['--help'], { stdio: 'ignore' }).error === undefined;
}

/** Rekognition's answer, without the network: one sharp, frontal face in the middle of the (2048×1536) normalised photo. */
const REKOGNITION_STAND_IN: FaceAnalyzer = {
  detect: async () => [{ box: { left: 824, top: 468, width: 400, height: 500 }, confidence: 0.99, pose: { yaw: 0, pitch: 0, roll: 0 }, sharpness: 0.9 }],
};

/** Runs in the child: times checkPhoto on one file and reports JSON on stdout. */
async function child(file: string, runs: number): Promise<void> {
  const bytes = await readFile(file);
  const first = await checkPhoto(bytes, {}, REKOGNITION_STAND_IN, []);
  if (!first.ok) throw new Error(`${file} refused: ${first.code} ${first.reason}`);
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = await checkPhoto(bytes, {}, REKOGNITION_STAND_IN, []);
    seconds.push((performance.now() - started) / 1000);
    if (!result.ok) throw new Error(result.reason);
  }
  const { width, height, photo, crop } = first;
  process.stdout.write(
    JSON.stringify({ seconds, maxRssKb: process.resourceUsage().maxRSS, output: `${width}×${height}, ${(photo.length / 1024).toFixed(0)} KB + crop ${(crop.length / 1024).toFixed(0)} KB` }),
  );
}

/** Makes the 12 MP inputs and measures each format in its own child process. */
export async function benchPhotos(runs = 5): Promise<PhotoBench> {
  const dir = await mkdtemp(join(tmpdir(), 'headshot-photos-bench-'));
  try {
    const image = scene(7, { width: 4000, height: 3000 });
    const files: { format: 'jpeg' | 'heif'; file: string }[] = [];
    const jpegFile = join(dir, 'photo-12mp.jpg');
    await writeFile(jpegFile, await image.clone().jpeg({ quality: 92 }).toBuffer());
    files.push({ format: 'jpeg', file: jpegFile });
    const skipped: string[] = [];
    if (hasHeifEnc()) {
      const pngFile = join(dir, 'photo-12mp.png');
      await image.clone().png({ compressionLevel: 1 }).toFile(pngFile);
      const heicFile = join(dir, 'photo-12mp.heic');
      execFileSync('heif-enc', ['-q', '60', '-o', heicFile, pngFile], { stdio: 'ignore' });
      files.push({ format: 'heif', file: heicFile });
    } else {
      skipped.push('HEIC: heif-enc not found (apt-get install -y libheif-examples)');
    }

    const rows: PhotoBenchRow[] = [];
    for (const { format, file } of files) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', file, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const measured = JSON.parse(out) as { seconds: number[]; maxRssKb: number; output: string };
      rows.push({
        format,
        inputBytes: (await readFile(file)).length,
        runs,
        medianSeconds: median(measured.seconds),
        minSeconds: Math.min(...measured.seconds),
        maxSeconds: Math.max(...measured.seconds),
        peakRssMb: measured.maxRssKb / 1024,
        output: measured.output,
      });
    }
    return { rows, skipped };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatPhotoBench(bench: PhotoBench): string {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines = [
    '| input (4000×3000) | size | runs | median s (min–max) | target | peak RSS MB | target | output |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of bench.rows) {
    const target = TARGETS[row.format].seconds;
    lines.push(
      `| ${row.format === 'jpeg' ? 'JPEG q92' : 'HEIC q60'} | ${(row.inputBytes / 1024 / 1024).toFixed(1)} MB | ${row.runs} | ${row.medianSeconds.toFixed(2)} (${row.minSeconds.toFixed(2)}–${row.maxSeconds.toFixed(2)}) | ≤ ${target} s ${verdict(row.medianSeconds <= target)} | ${row.peakRssMb.toFixed(0)} | ≤ ${TARGETS.memoryMb} ${verdict(row.peakRssMb <= TARGETS.memoryMb)} | ${row.output} |`,
    );
  }
  for (const skip of bench.skipped) lines.push(`skipped: ${skip}`);
  return `${lines.join('\n')}\n`;
}

const childAt = process.argv.indexOf('--child');
const runDirectly =
  (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) || /bench[\\/]photos\.ts$/.test(process.argv[1] ?? '');

if (childAt !== -1) {
  child(process.argv[childAt + 1]!, Number(process.argv[childAt + 2] ?? 5)).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
} else if (runDirectly) {
  benchPhotos(Number(process.argv[2] ?? 5))
    .then((bench) => {
      process.stdout.write(`Photo validation as the Lambda function runs it (face detection excepted), one process per format\n\n${formatPhotoBench(bench)}`);
      const missed = bench.rows.some((row) => row.medianSeconds > TARGETS[row.format].seconds || row.peakRssMb > TARGETS.memoryMb);
      if (missed) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    });
}
