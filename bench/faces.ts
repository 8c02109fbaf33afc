import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { LocalFaceAnalyzer, loadFaceModels } from '#functions/photos/faces/local-analyzer';

/*
 * The local FaceAnalyzer (face-api on the TensorFlow.js WASM backend): cold model load
 * (backend + SSD MobileNet v1 + 68 landmarks + recognition net) and `detect` on a
 * 2048 px photo (face-api's demo/sample1.jpg, three faces, resized to 2048×1365 JPEG
 * q90), in a fresh child process so that the load is cold and the peak RSS
 * (`process.resourceUsage().maxRSS`) its own. One warm-up detect, then `runs` timed.
 *
 *   node --import tsx bench/faces.ts [runs]
 */

interface ChildResult {
  readonly loadSeconds: number;
  readonly firstDetectSeconds: number;
  readonly detectSeconds: number[];
  readonly faces: number;
  readonly peakRssMb: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function child(runs: number): Promise<ChildResult> {
  const source = readFileSync(join(__dirname, '../node_modules/@vladmandic/face-api/demo/sample1.jpg'));
  const photo = await sharp(source).resize({ width: 2048 }).jpeg({ quality: 90 }).toBuffer();
  let start = performance.now();
  await loadFaceModels();
  const loadSeconds = (performance.now() - start) / 1000;
  const analyzer = new LocalFaceAnalyzer();
  start = performance.now();
  const faces = await analyzer.detect(photo);
  const firstDetectSeconds = (performance.now() - start) / 1000;
  const detectSeconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    start = performance.now();
    await analyzer.detect(photo);
    detectSeconds.push((performance.now() - start) / 1000);
  }
  return { loadSeconds, firstDetectSeconds, detectSeconds, faces: faces.length, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function main() {
  const runs = Number(process.argv[2] ?? 5);
  if (process.env.FACES_BENCH_CHILD) {
    process.stdout.write(`${JSON.stringify(await child(runs))}\n`);
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, String(runs)], { env: { ...process.env, FACES_BENCH_CHILD: '1' }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{')) throw new Error(`bench child failed (${run.status}): ${run.stderr}`);
  const result = JSON.parse(line) as ChildResult;
  const rows = [
    ['model load, cold (backend + 3 nets)', `${result.loadSeconds.toFixed(2)} s`],
    ['first detect (2048×1365, warm-up)', `${result.firstDetectSeconds.toFixed(2)} s`],
    [`detect, median of ${runs}`, `${median(result.detectSeconds).toFixed(2)} s (min ${Math.min(...result.detectSeconds).toFixed(2)}, max ${Math.max(...result.detectSeconds).toFixed(2)})`],
    ['faces found', String(result.faces)],
    ['peak RSS', `${result.peakRssMb.toFixed(0)} MB`],
  ];
  process.stdout.write(`Local FaceAnalyzer (face-api, tfjs WASM), Node ${process.version}\n\n| what | value |\n| --- | --- |\n${rows.map(([what, value]) => `| ${what} | ${value} |`).join('\n')}\n`);
}

void main();
