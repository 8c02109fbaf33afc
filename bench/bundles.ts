/**
 * Bundle benchmark: for every function in the catalogue, the size of its Lambda
 * bundle and the cost of initialising it in a fresh Node process, each as a
 * ratio to a baseline bundle (one AWS SDK client) built in the same run with
 * the same esbuild options (infra/bundling.ts), so the numbers say what a
 * handler adds on top of the least any SDK-using handler pays.
 *
 *   npm run bench                      15 interleaved rounds
 *   npm run bench -- --rounds 30       or BENCH_ROUNDS=30 npm run bench
 *   npm run bench -- --source-maps     children run with --enable-source-maps
 *   npm run bench -- --keep            keep the bundles in the temp dir
 *
 * Results go to stdout as a table and to .local/bench/bundles.json.
 * Exits non-zero only when a bundle fails to build or to load, never on slowness.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, version as esbuildVersion, type BuildOptions, type Metafile } from 'esbuild';
import { BUNDLING } from '../infra/bundling';
import { FUNCTIONS, type FunctionSpec, RESOURCES } from '../infra/catalogue';
import { bindLocally } from '../infra/local/binders';
import {
  BASELINE_DESCRIPTION,
  BASELINE_FILE,
  BASELINE_ID,
  BASELINE_SOURCE,
  POWERTOOLS_DESCRIPTION,
  POWERTOOLS_FILE,
  POWERTOOLS_ID,
  POWERTOOLS_SOURCE,
  RUNNER_FILE,
  RUNNER_SOURCE,
} from './baseline';
import { spread, type Spread } from './stats';

const DEFAULT_ROUNDS = 15;
const SAMPLE_TIMEOUT_MS = 60_000;
const TOP_INPUTS = 5;

/** Values for the variables functions read at module scope, derived from their grants (see functions/lib/env.ts). */
function grantedEnv(spec: FunctionSpec): Record<string, string> {
  return bindLocally(spec, RESOURCES, { region: 'us-east-1', accountId: '123456789012', prefix: 'headshot-bench', userPoolId: 'us-east-1_bench' }).env;
}

interface Target {
  readonly id: string;
  readonly capability: string;
  /** Entry file as shown to the reader (relative to the repository root when it lives there). */
  readonly entry: string;
  readonly entryPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly isBaseline: boolean;
  /**
   * Packages shipped beside the bundle, as the function's CDK asset does (its
   * native modules, and what only the local cloud loads): left out of the
   * bundle and loaded from the project's node_modules.
   */
  readonly external?: readonly string[];
}

interface Built extends Target {
  readonly outfile: string;
  readonly bytes: number;
  readonly inputs: readonly { readonly path: string; readonly bytes: number }[];
}

interface Result {
  readonly target: Target;
  readonly built?: Built;
  readonly samples: number[];
  error?: string;
}

// ---------------------------------------------------------------------------
// Options

/** A mistake in how the benchmark was called: reported without a stack trace. */
class UsageError extends Error {}

function parseCli() {
  try {
    return parseArgs({
      options: {
        rounds: { type: 'string' },
        'source-maps': { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (try --help)`);
  }
}

function parseOptions() {
  const { values } = parseCli();
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--rounds N] [--source-maps] [--keep]\n' +
        `  --rounds N       interleaved init samples per bundle (default ${DEFAULT_ROUNDS}, or BENCH_ROUNDS)\n` +
        '  --source-maps    run children with --enable-source-maps (as NODE_OPTIONS would on Lambda)\n' +
        '  --keep           keep the temp dir with the bundles for inspection\n',
    );
    process.exit(0);
  }
  const raw = values.rounds ?? process.env.BENCH_ROUNDS ?? String(DEFAULT_ROUNDS);
  const rounds = Number(raw);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new UsageError(`rounds must be a positive integer, got "${raw}" (--rounds or BENCH_ROUNDS)`);
  }
  return { rounds, sourceMaps: values['source-maps'], keep: values.keep };
}

/** The repository root: npm runs scripts there, but walk up in case bench/ is run directly. */
function findRoot(): string {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'infra', 'catalogue', 'index.ts'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('Run the benchmark from the repository (no infra/catalogue/index.ts found)');
  }
}

/**
 * BUNDLING mapped to esbuild's options, key by key. The rest-type check fails
 * type-checking (and the run) when BUNDLING gains an option the benchmark does
 * not map, so the benchmark cannot silently drift from what Lambda runs.
 */
function esbuildOptions(): BuildOptions {
  const { target, format, platform, minify, sourcemap, external, mainFields, ...unmapped } = BUNDLING;
  const notMapped: Record<string, never> = unmapped;
  if (Object.keys(notMapped).length > 0) {
    throw new Error(`bench/bundles.ts does not map BUNDLING options: ${Object.keys(notMapped).join(', ')}`);
  }
  return { target, format, platform, minify, sourcemap, external: [...external], mainFields: [...mainFields] };
}

/** What the Lambda runtime gives every function, plus the variables the function itself declares. */
function lambdaEnv(id: string, memoryMb: number, granted: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: id,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    POWERTOOLS_SERVICE_NAME: 'headshot-studio',
  };
  return { ...env, ...granted };
}

// ---------------------------------------------------------------------------
// Build

async function bundle(target: Target, tmp: string, root: string, options: BuildOptions): Promise<Built> {
  const outfile = path.join(tmp, target.id, 'index.js');
  const result = await build({
    ...options,
    external: [...(options.external ?? []), ...(target.external ?? [])],
    entryPoints: [target.entryPath],
    bundle: true,
    outfile,
    metafile: true,
    absWorkingDir: root,
    // Lets the baseline entry, which lives in the temp dir, resolve the project's
    // node_modules; the functions resolve them from the repository as usual.
    nodePaths: [path.join(root, 'node_modules')],
    logLevel: 'silent',
  });
  return { ...target, outfile, bytes: (await stat(outfile)).size, inputs: inputsOf(result.metafile, outfile, root) };
}

function inputsOf(metafile: Metafile, outfile: string, root: string) {
  const key = path.relative(root, outfile).split(path.sep).join('/');
  const output = metafile.outputs[key];
  if (!output) throw new Error(`esbuild metafile has no output ${key}`);
  return Object.entries(output.inputs)
    .map(([input, { bytesInOutput }]) => ({ path: input, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** `node_modules/@smithy/core/dist-es/x.js` → `@smithy/core`; own code keeps its folder. */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('..') ? '(baseline entry)' : `(project) ${input.split('/')[0]}/`;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

// ---------------------------------------------------------------------------
// Measure

function sample(built: Built, runner: string, nodeFlags: readonly string[]): { ms: number } | { error: string } {
  const child = spawnSync(process.execPath, [...nodeFlags, runner, built.outfile], {
    cwd: path.dirname(built.outfile),
    env: built.env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: SAMPLE_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.error) return { error: `could not run the init probe: ${child.error.message}` };
  const report = child.output[3];
  if (!report) {
    const why = child.signal ? `killed by ${child.signal}` : `exit code ${child.status}`;
    return { error: `init probe gave no result (${why})\n${tail(child.stderr)}` };
  }
  const parsed = JSON.parse(report) as { ms?: number; error?: string };
  return parsed.error !== undefined ? { error: firstLines(parsed.error) } : { ms: parsed.ms! };
}

/** An error with its message and the top two frames: enough to find it, short enough to read. */
function firstLines(stack: string): string {
  const lines = stack.split('\n');
  const firstFrame = lines.findIndex((l) => /^\s+at /.test(l));
  return (firstFrame < 0 ? lines : lines.slice(0, firstFrame + 2)).join('\n');
}

function tail(text: string | null, lines = 12): string {
  return (text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

function progress(text: string, done = false): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}${done ? '\n' : ''}`);
  else process.stderr.write(`${text}\n`);
}

// ---------------------------------------------------------------------------
// Report

const kib = (bytes: number) => bytes / 1024;
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');

function table(header: readonly string[], rows: readonly (readonly string[] | 'rule')[], right: ReadonlySet<number>) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r === 'rule' ? 0 : r[i]!.length))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map((r) => (r === 'rule' ? rule : line(r)))].join('\n');
}

function gitCommit(root: string): { commit?: string; dirty?: boolean } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return {};
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  return { commit: head.stdout.trim(), dirty: status.stdout.trim() !== '' };
}

// ---------------------------------------------------------------------------

async function main(): Promise<number> {
  const { rounds, sourceMaps, keep } = parseOptions();
  const root = findRoot();
  const options = esbuildOptions();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'headshot-bench-'));
  const cleanUp = () => {
    if (!keep) rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });

  try {
    const baselineEntry = path.join(tmp, BASELINE_FILE);
    const runner = path.join(tmp, RUNNER_FILE);
    await writeFile(baselineEntry, BASELINE_SOURCE);
    await writeFile(runner, RUNNER_SOURCE);
    const powertoolsEntry = path.join(tmp, POWERTOOLS_FILE);
    await writeFile(powertoolsEntry, POWERTOOLS_SOURCE);

    const targets: Target[] = [
      {
        id: BASELINE_ID,
        capability: '—',
        entry: `(generated) ${BASELINE_DESCRIPTION}`,
        entryPath: baselineEntry,
        env: lambdaEnv(BASELINE_ID, 512, {}),
        isBaseline: true,
      },
      {
        id: POWERTOOLS_ID,
        capability: '—',
        entry: `(generated) ${POWERTOOLS_DESCRIPTION}`,
        entryPath: powertoolsEntry,
        env: lambdaEnv(POWERTOOLS_ID, 512, {}),
        isBaseline: false,
      },
      ...FUNCTIONS.map((spec) => ({
        id: spec.id,
        capability: spec.capability,
        entry: spec.entry,
        entryPath: path.join(root, spec.entry),
        env: {
          ...lambdaEnv(spec.id, spec.memoryMb, grantedEnv(spec)),
          // On Lambda they sit in the asset's node_modules (linux-arm64 builds); here the project's serve.
          ...(spec.nativeModules?.length ? { NODE_PATH: path.join(root, 'node_modules') } : {}),
        },
        isBaseline: false,
        external: [...(spec.nativeModules ?? []), ...(spec.localOnlyModules ?? [])],
      })),
    ];

    progress(`bundling ${targets.length} entries with esbuild ${esbuildVersion} (${options.target}, ${options.format})…`);
    const results: Result[] = await Promise.all(
      targets.map(async (target): Promise<Result> => {
        try {
          return { target, built: await bundle(target, tmp, root, options), samples: [] };
        } catch (error) {
          return { target, samples: [], error: `build failed: ${(error as Error).message}` };
        }
      }),
    );

    const nodeFlags = sourceMaps ? ['--enable-source-maps'] : [];
    const measurable = () => results.filter((r) => r.built && !r.error);

    // One untimed load of every bundle first: it finds bundles that throw at
    // require time before spending rounds on them, and warms the file cache.
    progress('loading each bundle once (untimed check)…');
    for (const r of measurable()) {
      const probe = sample(r.built!, runner, nodeFlags);
      if ('error' in probe) r.error = `failed to load: ${probe.error}`;
    }

    // Round-robin (baseline, f1, f2, …, repeat) so machine noise lands on all bundles alike.
    const started = performance.now();
    for (let round = 1; round <= rounds; round++) {
      progress(`round ${round}/${rounds}`);
      for (const r of measurable()) {
        const probe = sample(r.built!, runner, nodeFlags);
        if ('error' in probe) r.error = `failed to load in round ${round}: ${probe.error}`;
        else r.samples.push(probe.ms);
      }
    }
    progress(`measured ${rounds} rounds in ${((performance.now() - started) / 1000).toFixed(1)} s`, true);

    // -- numbers
    const baseline = results.find((r) => r.target.isBaseline)!;
    const baseBytes = baseline.built && !baseline.error ? baseline.built.bytes : Number.NaN;
    // Each round samples every bundle back to back, so the ratio is taken per round (the function's
    // sample over the baseline's of the same round) and its median reported: load that drifts between
    // rounds then moves both sides of a ratio alike, instead of skewing one median against another.
    const pairedRatio = (samples: readonly number[]): number =>
      baseline.error ? Number.NaN : spread(samples.map((ms, round) => ms / baseline.samples[round]!)).median;
    const rows = results.map((r) => {
      const init: Spread | undefined = r.error ? undefined : spread(r.samples);
      return {
        result: r,
        init,
        sizeRatio: r.built ? r.built.bytes / baseBytes : Number.NaN,
        initRatio: init ? pairedRatio(r.samples) : Number.NaN,
      };
    });

    // -- table
    const cells = (row: (typeof rows)[number]): string[] => {
      const { result: r, init } = row;
      return [
        r.target.id,
        r.target.capability,
        r.built ? String(r.built.bytes) : '—',
        r.built ? fixed(kib(r.built.bytes)) : '—',
        ratio(row.sizeRatio),
        init ? fixed(init.median) : 'ERROR',
        init ? `${fixed(init.p25)}–${fixed(init.p75)}` : '—',
        ratio(row.initRatio),
      ];
    };
    const functionRows = rows.filter((row) => !row.result.target.isBaseline);
    const baselineRow = rows.find((row) => row.result.target.isBaseline)!;
    const cpus = os.cpus();
    const out: string[] = [];
    out.push(
      '',
      `Lambda bundles vs baseline — node ${process.version}, esbuild ${esbuildVersion}, ` +
        `${options.target}/${options.format}/${options.platform}, minify=${options.minify}` +
        `${sourceMaps ? ', --enable-source-maps' : ''}`,
      `${rounds} interleaved rounds, one fresh process per sample; ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ` +
        `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      'size: minified .js without its source map; init: require() of the bundle, Node boot excluded',
      '',
      table(
        ['function', 'capability', 'bytes', 'KiB', 'size ×', 'init ms (median)', 'p25–p75 ms', 'init ×'],
        [...functionRows.map(cells), 'rule', cells(baselineRow)],
        new Set([2, 3, 4, 5, 6, 7]),
      ),
      '',
      `× = ratio to the baseline: ${BASELINE_DESCRIPTION}; init × is the median over rounds of the ratio within a round.`,
    );

    const largest = functionRows
      .filter((row) => row.result.built)
      .sort((a, b) => b.result.built!.bytes - a.result.built!.bytes)[0]?.result.built;
    if (largest) {
      const share = (bytes: number) => `${((bytes / largest.bytes) * 100).toFixed(1)}%`;
      out.push(
        '',
        `Largest bundle: ${largest.id} (${fixed(kib(largest.bytes))} KiB). Top ${TOP_INPUTS} inputs by bytes in the output:`,
        table(
          ['input', 'KiB', 'share'],
          largest.inputs.slice(0, TOP_INPUTS).map((i) => [i.path, fixed(kib(i.bytes)), share(i.bytes)]),
          new Set([1, 2]),
        ),
      );
      const byPackage = new Map<string, number>();
      for (const i of largest.inputs) byPackage.set(packageOf(i.path), (byPackage.get(packageOf(i.path)) ?? 0) + i.bytes);
      out.push(
        '',
        `…and grouped by package:`,
        table(
          ['package', 'KiB', 'share'],
          [...byPackage]
            .sort((a, b) => b[1] - a[1])
            .slice(0, TOP_INPUTS)
            .map(([name, bytes]) => [name, fixed(kib(bytes)), share(bytes)]),
          new Set([1, 2]),
        ),
      );
    }

    const failed = results.filter((r) => r.error);
    if (failed.length > 0) {
      out.push('', `ERRORS (${failed.length}):`);
      for (const r of failed) out.push(`✗ ${r.target.id} (${r.target.entry}): ${r.error!.trimEnd().replace(/\n/g, '\n    ')}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);

    // -- JSON for later comparison
    const jsonPath = path.join(root, '.local', 'bench', 'bundles.json');
    await mkdir(path.dirname(jsonPath), { recursive: true });
    const json = {
      generatedAt: new Date().toISOString(),
      ...gitCommit(root),
      node: process.version,
      esbuild: esbuildVersion,
      machine: { platform: process.platform, arch: process.arch, cpus: cpus.length, cpuModel: cpus[0]?.model, loadavg: os.loadavg() },
      rounds,
      enableSourceMaps: sourceMaps,
      esbuildOptions: options,
      baseline: { description: BASELINE_DESCRIPTION, source: BASELINE_SOURCE },
      bundles: rows.map(({ result: r, init, sizeRatio, initRatio }) => ({
        id: r.target.id,
        baseline: r.target.isBaseline,
        capability: r.target.isBaseline ? null : r.target.capability,
        entry: r.target.isBaseline ? null : r.target.entry,
        bytes: r.built?.bytes ?? null,
        kib: r.built ? Number(kib(r.built.bytes).toFixed(2)) : null,
        sizeRatio: Number.isFinite(sizeRatio) ? sizeRatio : null,
        initMs: init ? { median: init.median, p25: init.p25, p75: init.p75, min: init.min, max: init.max, n: init.n } : null,
        initRatio: Number.isFinite(initRatio) ? initRatio : null,
        samplesMs: r.samples,
        topInputs: r.built?.inputs.slice(0, 10) ?? [],
        error: r.error ?? null,
      })),
    };
    await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
    process.stdout.write(`\nwrote ${path.relative(root, jsonPath)}${keep ? `; bundles kept in ${tmp}` : ''}\n`);

    return failed.length > 0 ? 1 : 0;
  } finally {
    cleanUp();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const text = error instanceof UsageError ? error.message : error instanceof Error ? error.stack : String(error);
    process.stderr.write(`\nbench failed: ${text}\n`);
    process.exitCode = 1;
  },
);
