import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING } from '../../infra/bundling';
import { FUNCTIONS } from '../../infra/catalogue';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
/** Packages with native or WASM parts that esbuild cannot inline into a working Lambda bundle. */
const NATIVE = ['sharp', 'heic-decode', 'libheif-js', '@img/', '@tensorflow/', '@vladmandic/face-api'];

/**
 * Every function bundles as CDK bundles it; a native package may reach a bundle
 * only as an external its catalogue entry ships (`nativeModules`) or leaves to the
 * local cloud (`localOnlyModules`). A pure helper imported from a module that also
 * imports sharp would otherwise put sharp inside a bundle, where it cannot load.
 */
describe('function bundles', () => {
  it.each(FUNCTIONS.map((spec) => [spec.id, spec] as const))('%s inlines no native package', async (_id, spec) => {
    const external = [...BUNDLING.external, ...(spec.nativeModules ?? []), ...(spec.localOnlyModules ?? [])];
    const result = await build({
      entryPoints: [join(ROOT, spec.entry)],
      bundle: true,
      write: false,
      outdir: join(ROOT, 'cdk.out', 'bundle-inputs'),
      platform: 'node',
      format: 'cjs',
      target: BUNDLING.target,
      mainFields: [...BUNDLING.mainFields],
      external,
      metafile: true,
      absWorkingDir: ROOT,
      logLevel: 'silent',
    });
    const inlined = Object.keys(result.metafile.inputs).filter((input) => NATIVE.some((name) => input.includes(`node_modules/${name}`)));
    expect(inlined).toEqual([]);
  });
});
