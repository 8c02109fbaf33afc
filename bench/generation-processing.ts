import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeLocalImage } from '#functions/generation/local-images';
import { GENERATED_MAX_PIXELS, PNG_COMPRESSION, PREVIEW_LONG_SIDE, PREVIEW_WEBP_QUALITY, PRINT_DENSITY, PRINT_JPEG_QUALITY, processGeneratedImage } from '#functions/generation/processing';
import { POSE_IDS } from '#shared/generation';
import { spread } from './stats';

/*
 * Processing time per generated image (`processGeneratedImage`: decode, sRGB, WebP
 * preview at 1024 px Lanczos3, PNG master, JPEG and PNG deliverables at 300 DPI,
 * SHA-256 of each) against a bare sharp script making the same four files from the
 * same input in the same run (each variant its own sharp pipeline from the encoded
 * input, in parallel, density through `withDensity`). Rounds alternate the two, so
 * load that drifts between rounds does not skew the ratio: `ratio` is the median over
 * rounds of the ratio within a round. Target ≤ 1.10×.
 *
 * Inputs are the local generator's own pictures (face-api's demo/sample1.jpg face on
 * a backdrop): 1024×1024 JPEG (the fast preset) and 2048×2048 PNG (the quality
 * preset). It also times the local generator itself (target < 150 ms per image).
 *
 *   node --import tsx bench/generation-processing.ts [rounds]
 *
 * Results go to stdout as a table and to .local/bench/generation-processing.json.
 */

const ROUNDS = Number(process.argv[2] ?? 15);
const TARGET_RATIO = 1.1;
const TARGET_LOCAL_MS = 150;

/** The bare script: what anyone would write with sharp for the same four outputs. */
async function bareSharp(input: Buffer): Promise<number> {
  const base = () => sharp(input, { limitInputPixels: GENERATED_MAX_PIXELS, failOn: 'error' }).autoOrient().flatten({ background: '#ffffff' }).toColourspace('srgb');
  const outputs = await Promise.all([
    base().resize({ width: PREVIEW_LONG_SIDE, height: PREVIEW_LONG_SIDE, fit: 'inside', kernel: 'lanczos3' }).webp({ quality: PREVIEW_WEBP_QUALITY }).toBuffer(),
    base().png({ compressionLevel: PNG_COMPRESSION }).toBuffer(),
    base().jpeg({ quality: PRINT_JPEG_QUALITY, chromaSubsampling: '4:4:4', mozjpeg: false }).withDensity(PRINT_DENSITY).toBuffer(),
    base().png({ compressionLevel: PNG_COMPRESSION }).withDensity(PRINT_DENSITY).toBuffer(),
  ]);
  let bytes = 0;
  for (const output of outputs) {
    createHash('sha256').update(output).digest();
    bytes += output.length;
  }
  return bytes;
}

async function ours(input: Buffer): Promise<number> {
  const processed = await processGeneratedImage(input);
  return processed.variants.reduce((sum, variant) => sum + variant.size, 0);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

interface Row {
  readonly input: string;
  readonly oursMs: number;
  readonly bareMs: number;
  readonly ratio: number;
  readonly ratioP25: number;
  readonly ratioP75: number;
  readonly oursBytes: number;
  readonly bareBytes: number;
}

async function main() {
  const sample = await readFile(join(__dirname, '../node_modules/@vladmandic/face-api/demo/sample1.jpg'));
  const face = await sharp(sample).extract({ left: 222, top: 195, width: 560, height: 560 }).resize(1024, 1024).jpeg({ quality: 90 }).toBuffer();
  const style = { styleId: 'corporate-grey', backdrop: 'mid-grey seamless paper', lighting: 'soft key light with gentle fill' };

  // The local generator, one picture per call, poses and seeds varied.
  for (let i = 0; i < 3; i++) await makeLocalImage({ face, style, pose: 'front', seed: i });
  const localMs: number[] = [];
  for (let i = 0; i < Math.max(ROUNDS, 9) * 2; i++) {
    localMs.push(await timed(() => makeLocalImage({ face, style, pose: POSE_IDS[i % POSE_IDS.length]!, seed: 100 + i, likenessDrift: i % 4 === 3 ? 0.5 : 0 })));
  }

  const inputs = [
    { input: '1024×1024 JPEG (fast preset)', bytes: (await makeLocalImage({ face, style, pose: 'front', seed: 1 })).bytes },
    { input: '2048×2048 PNG (quality preset)', bytes: (await makeLocalImage({ face, style, pose: 'front', seed: 1, width: 2048, height: 2048, format: 'png' })).bytes },
  ];
  const rows: Row[] = [];
  for (const { input, bytes } of inputs) {
    for (let i = 0; i < 2; i++) {
      await ours(bytes);
      await bareSharp(bytes);
    }
    const oursMs: number[] = [];
    const bareMs: number[] = [];
    const ratios: number[] = [];
    let oursBytes = 0;
    let bareBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always runs on a warmer cache.
      const first = round % 2 === 0;
      const a = first ? await timed(async () => (oursBytes = await ours(bytes))) : undefined;
      const b = await timed(async () => (bareBytes = await bareSharp(bytes)));
      const c = a ?? (await timed(async () => (oursBytes = await ours(bytes))));
      oursMs.push(c);
      bareMs.push(b);
      ratios.push(c / b);
    }
    const ratio = spread(ratios);
    rows.push({ input, oursMs: spread(oursMs).median, bareMs: spread(bareMs).median, ratio: ratio.median, ratioP25: ratio.p25, ratioP75: ratio.p75, oursBytes, bareBytes });
  }

  const local = spread(localMs);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines = [
    `Generation processing, Node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ${ROUNDS} rounds`,
    '',
    '| input | processGeneratedImage | bare sharp | ratio (p25–p75) | target | bytes written (ours / bare) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.input} | ${row.oursMs.toFixed(0)} ms | ${row.bareMs.toFixed(0)} ms | ${row.ratio.toFixed(2)}× (${row.ratioP25.toFixed(2)}–${row.ratioP75.toFixed(2)}) | ≤ ${TARGET_RATIO.toFixed(2)}× ${verdict(row.ratio <= TARGET_RATIO)} | ${(row.oursBytes / 1024).toFixed(0)} / ${(row.bareBytes / 1024).toFixed(0)} KiB |`,
    ),
    '',
    `| local generator, 1024×1024 JPEG | median ${local.median.toFixed(0)} ms (p25 ${local.p25.toFixed(0)}, p75 ${local.p75.toFixed(0)}, max ${local.max.toFixed(0)}; ${local.n} pictures) | target < ${TARGET_LOCAL_MS} ms ${verdict(local.median < TARGET_LOCAL_MS)} |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(__dirname, '../.local/bench');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'generation-processing.json'), `${JSON.stringify({ rounds: ROUNDS, rows, localGenerator: local, node: process.version }, null, 2)}\n`);
}

void main();
