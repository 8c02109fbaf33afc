import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

/**
 * Builds the static web app into `web/dist/`: the entry `app.js`, the chunks it
 * shares with the views loaded on demand (`chunks/`), their source maps,
 * `styles.css`, `index.html` and `bundle-report.json`. The same folder is
 * uploaded to the S3 web bucket on AWS and served by the local cloud's web server.
 */

// tsx runs this file as CommonJS (the package has no "type": "module"), so
// __dirname exists; fall back to the working directory for other loaders.
const WEB_DIR = typeof __dirname === 'string' ? __dirname : resolve(process.cwd(), 'web');

/** The first page's JavaScript should stay under this, gzipped. */
export const FIRST_PAGE_JS_BUDGET_GZIP = 150 * 1024;

export interface BuildWebOptions {
  /** Output folder. @default - `web/dist` next to this file */
  readonly outDir?: string;
  /** Print what was written, with sizes. @default true */
  readonly log?: boolean;
}

export interface BundleFile {
  /** Path inside the output folder, with forward slashes. */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Downloaded by the first page (the entry and the chunks it imports statically). */
  readonly firstPage: boolean;
}

/** What the browser downloads: the first page's JavaScript, and every JavaScript file. */
export interface BundleReport {
  readonly firstPageJsBytes: number;
  readonly firstPageJsGzipBytes: number;
  readonly budgetGzipBytes: number;
  readonly files: readonly BundleFile[];
}

/**
 * Bundles `web/src/main.tsx` (ES modules, split so views loaded with `import()`
 * stay out of the first page), copies the page and its stylesheet, and writes
 * `bundle-report.json`. Returns the report.
 */
export async function buildWeb(options: BuildWebOptions = {}): Promise<BundleReport> {
  const outDir = options.outDir ?? join(WEB_DIR, 'dist');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  const result = await build({
    entryPoints: { app: join(WEB_DIR, 'src', 'main.tsx') },
    outdir: outDir,
    // Chunk names carry their content hash, so they are versioned by name.
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const css = await readFile(join(WEB_DIR, 'src', 'styles.css'));
  await writeFile(join(outDir, 'styles.css'), css);

  const report = await bundleReport(result.metafile, outDir);
  // The chunks the entry imports statically are fetched in parallel with it, not after it.
  const preloads = report.files
    .filter((f) => f.firstPage && f.file !== 'app.js')
    .map((f) => `    <link rel="modulepreload" href="${f.file}" />\n`)
    .join('');

  // Version the asset URLs by content, so CloudFront and browsers never pair a
  // new page with a stale script or stylesheet.
  const appHash = shortHash(await readFile(join(outDir, 'app.js')));
  const cssHash = shortHash(css);
  const html = (await readFile(join(WEB_DIR, 'index.html'), 'utf8'))
    .replace('src="app.js"', `src="app.js?v=${appHash}"`)
    .replace('href="styles.css"', `href="styles.css?v=${cssHash}"`)
    .replace(/( *)<script type="module"/, (match) => `${preloads}${match}`);
  await writeFile(join(outDir, 'index.html'), html);
  await writeFile(join(outDir, 'bundle-report.json'), `${JSON.stringify(report, null, 2)}\n`);

  if (options.log ?? true) {
    for (const file of ['index.html', 'styles.css', ...report.files.map((f) => f.file)]) {
      const path = join(outDir, file);
      const { size } = await stat(path);
      process.stdout.write(`  ${relative(process.cwd(), path).padEnd(44)} ${formatSize(size).padStart(9)}\n`);
    }
    process.stdout.write(formatReport(report));
  }
  return report;
}

/**
 * Sizes every JavaScript output, raw and gzipped, and adds up the first page's:
 * the entry `app.js` and the chunks it imports statically (recursively).
 * Chunks reached only through `import()` load when their view opens.
 */
export async function bundleReport(metafile: Metafile, outDir: string): Promise<BundleReport> {
  const outputs = metafile.outputs;
  const key = (path: string) => relative(outDir, resolve(path)).split('\\').join('/');
  const byFile = new Map(Object.entries(outputs).map(([path, output]) => [key(path), output]));

  const firstPage = new Set<string>();
  const visit = (file: string) => {
    if (firstPage.has(file)) return;
    firstPage.add(file);
    for (const imported of byFile.get(file)?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(key(imported.path));
    }
  };
  visit('app.js');

  const files: BundleFile[] = [];
  for (const file of [...byFile.keys()].filter((f) => f.endsWith('.js')).sort()) {
    const content = await readFile(join(outDir, file));
    files.push({ file, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length, firstPage: firstPage.has(file) });
  }
  files.sort((a, b) => Number(b.firstPage) - Number(a.firstPage) || a.file.localeCompare(b.file));
  const first = files.filter((f) => f.firstPage);
  return {
    firstPageJsBytes: first.reduce((sum, f) => sum + f.bytes, 0),
    firstPageJsGzipBytes: first.reduce((sum, f) => sum + f.gzipBytes, 0),
    budgetGzipBytes: FIRST_PAGE_JS_BUDGET_GZIP,
    files,
  };
}

/** A small table of the report, for the terminal. */
export function formatReport(report: BundleReport): string {
  const rows = report.files.map(
    (f) => `  ${(f.firstPage ? '* ' : '  ') + f.file}`.padEnd(48) + formatSize(f.bytes).padStart(10) + formatSize(f.gzipBytes).padStart(12),
  );
  const within = report.firstPageJsGzipBytes <= report.budgetGzipBytes ? 'within' : 'OVER';
  return [
    `  ${'JavaScript (* first page)'.padEnd(46)}${'raw'.padStart(10)}${'gzip'.padStart(12)}`,
    ...rows,
    `  ${'first page'.padEnd(46)}${formatSize(report.firstPageJsBytes).padStart(10)}${formatSize(report.firstPageJsGzipBytes).padStart(12)}`,
    `  ${within} the ${formatSize(report.budgetGzipBytes)} gzip budget`,
    '',
  ].join('\n');
}

function shortHash(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 10);
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

const runDirectly =
  (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) ||
  /web[\\/]build\.ts$/.test(process.argv[1] ?? '');

if (runDirectly) {
  buildWeb().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
