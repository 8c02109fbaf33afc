import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProps } from 'aws-cdk-lib';
import { buildApp } from '../../infra/lib/app';
import type { StageConfig } from '../../infra/lib/config';
import { buildWeb } from '../../web/build';

/** Skips esbuild: templates are the same apart from asset hashes; `npm run synth` and the parity test bundle for real. */
export const NO_BUNDLING: AppProps = { context: { 'aws:cdk:bundling-stacks': [] } };

let webDir: Promise<string> | undefined;

/**
 * Builds the real web app once per test file into a temporary folder, as
 * `npm run synth` builds web/dist, so tests never depend on a leftover build.
 */
export function builtWebApp(): Promise<string> {
  webDir ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'infra-web-'));
    await buildWeb({ outDir, log: false });
    return outDir;
  })();
  return webDir;
}

/** The whole app for a stage, without function bundling, with the web app built for it. */
export async function testApp(config: Partial<StageConfig>, appProps: AppProps = NO_BUNDLING) {
  return buildApp(config, appProps, { webAssetDir: await builtWebApp() });
}
