import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWeb, formatReport, type BundleFile } from '../web/build';

/** What a customer's first page downloads, and every JavaScript file of the web app. */
export interface WebBundleMeasure {
  /** The entry and the chunks it imports statically, raw bytes. */
  readonly firstPageJsBytes: number;
  readonly firstPageJsGzipBytes: number;
  readonly budgetGzipBytes: number;
  readonly files: readonly BundleFile[];
}

/** Builds the web app exactly as `npm run build:web` does, into a temporary folder, and measures it. */
export async function measureWebBundle(): Promise<WebBundleMeasure> {
  const outDir = await mkdtemp(join(tmpdir(), 'headshot-web-bench-'));
  try {
    const report = await buildWeb({ outDir, log: false });
    return {
      firstPageJsBytes: report.firstPageJsBytes,
      firstPageJsGzipBytes: report.firstPageJsGzipBytes,
      budgetGzipBytes: report.budgetGzipBytes,
      files: report.files,
    };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const runDirectly =
  (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) ||
  /bench[\\/]web\.ts$/.test(process.argv[1] ?? '');

if (runDirectly) {
  measureWebBundle()
    .then((measure) => {
      process.stdout.write(`Web app bundle\n\n${formatReport(measure)}`);
      if (measure.firstPageJsGzipBytes > measure.budgetGzipBytes) process.exitCode = 1;
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
