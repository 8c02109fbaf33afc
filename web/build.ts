import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Builds the static web app into `web/dist/`: the bundled `app.js` (with its
 * source map), `styles.css` and `index.html`. The same folder is uploaded to the
 * S3 web bucket on AWS and served by the local cloud's web server.
 */

// tsx runs this file as CommonJS (the package has no "type": "module"), so
// __dirname exists; fall back to the working directory for other loaders.
const WEB_DIR = typeof __dirname === 'string' ? __dirname : resolve(process.cwd(), 'web');

export interface BuildWebOptions {
  /** Output folder. @default - `web/dist` next to this file */
  readonly outDir?: string;
  /** Print what was written, with sizes. @default true */
  readonly log?: boolean;
}

/** Bundles `web/src/main.ts` and copies the page and its stylesheet into the output folder. */
export async function buildWeb(options: BuildWebOptions = {}): Promise<void> {
  const outDir = options.outDir ?? join(WEB_DIR, 'dist');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });

  await build({
    entryPoints: [join(WEB_DIR, 'src', 'main.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });

  const css = await readFile(join(WEB_DIR, 'src', 'styles.css'));
  await writeFile(join(outDir, 'styles.css'), css);

  // Version the asset URLs by content, so CloudFront and browsers never pair a
  // new page with a stale script or stylesheet.
  const appHash = shortHash(await readFile(join(outDir, 'app.js')));
  const cssHash = shortHash(css);
  const html = (await readFile(join(WEB_DIR, 'index.html'), 'utf8'))
    .replace('src="app.js"', `src="app.js?v=${appHash}"`)
    .replace('href="styles.css"', `href="styles.css?v=${cssHash}"`);
  await writeFile(join(outDir, 'index.html'), html);

  if (options.log ?? true) {
    for (const file of ['index.html', 'app.js', 'app.js.map', 'styles.css']) {
      const path = join(outDir, file);
      const { size } = await stat(path);
      process.stdout.write(`  ${relative(process.cwd(), path).padEnd(28)} ${formatSize(size).padStart(9)}\n`);
    }
  }
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
