import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { functionById } from '../../infra/catalogue';
import { AppFunction } from '../../infra/lib/constructs/app-function';

jest.setTimeout(120_000);

/** A catalogue function bundled as for Lambda (linux-arm64): its asset directory and bundle file. */
function bundledAsset(functionId: string): { assetDir: string; bundle: string } {
  const app = new App();
  const stack = new Stack(app, 'Bundle');
  // Its grants are bound by its domain; bundling needs only the spec.
  new AppFunction(stack, functionId, { spec: { ...functionById(functionId), grants: {} } });
  const assembly = app.synth();
  const code = Template.fromStack(stack).findResources('AWS::Lambda::Function');
  const [fn] = Object.values(code) as { Properties: { Code: { S3Key: string }; Architectures: string[] } }[];
  expect(fn!.Properties.Architectures).toEqual(['arm64']);
  const hash = fn!.Properties.Code.S3Key.replace(/\.zip$/, '');
  const assetDir = join(assembly.directory, `asset.${hash}`);
  return { assetDir, bundle: join(assetDir, 'index.js') };
}

/** sharp's linux-arm64 binary and libvips, and no binary of the build machine's own platform. */
function expectSharpForLambda(assetDir: string): void {
  expect(existsSync(join(assetDir, 'node_modules', 'sharp', 'package.json'))).toBe(true);
  const binaries = readdirSync(join(assetDir, 'node_modules', '@img', 'sharp-linux-arm64', 'lib'));
  expect(binaries.some((file) => /^sharp-linux-arm64.*\.node$/.test(file))).toBe(true);
  expect(readdirSync(join(assetDir, 'node_modules', '@img', 'sharp-libvips-linux-arm64', 'lib')).some((file) => file.startsWith('libvips-cpp.so'))).toBe(true);
  expect(existsSync(join(assetDir, 'node_modules', '@img', 'sharp-linux-x64'))).toBe(false);
}

/** Neither TensorFlow.js nor face-api (the local adapters only), and a bundle far smaller than TensorFlow.js alone. */
function expectNoLocalFaceModels(assetDir: string, bundle: string): void {
  expect(existsSync(join(assetDir, 'node_modules', '@tensorflow'))).toBe(false);
  expect(existsSync(join(assetDir, 'node_modules', '@vladmandic'))).toBe(false);
  expect(statSync(bundle).size).toBeLessThan(3 * 1024 * 1024);
}

/**
 * The photo validation function bundled as for Lambda (linux-arm64): its
 * native and WASM parts ship beside the bundle, and what only the local cloud
 * loads (TensorFlow.js, face-api) is not in it.
 */
describe('ValidatePhoto asset', () => {
  let assetDir: string;
  let bundle: string;

  beforeAll(() => {
    ({ assetDir, bundle } = bundledAsset('ValidatePhoto'));
  });

  it('contains sharp with its linux-arm64 binary and libvips', () => {
    expectSharpForLambda(assetDir);
  });

  it('contains the HEIC decoder with its WASM build', () => {
    expect(existsSync(join(assetDir, 'node_modules', 'heic-decode', 'package.json'))).toBe(true);
    expect(existsSync(join(assetDir, 'node_modules', 'libheif-js', 'wasm-bundle.js'))).toBe(true);
  });

  it('bundles its own code but neither TensorFlow.js nor face-api (the local adapter only)', () => {
    expectNoLocalFaceModels(assetDir, bundle);
  });
});

/** The generation step that processes images (sharp) and checks likeness (Rekognition on AWS, face-api locally). */
describe('CollectBatch asset', () => {
  let assetDir: string;
  let bundle: string;

  beforeAll(() => {
    ({ assetDir, bundle } = bundledAsset('CollectBatch'));
  });

  it('contains sharp with its linux-arm64 binary and libvips', () => {
    expectSharpForLambda(assetDir);
  });

  it('bundles neither TensorFlow.js nor face-api: the identity lock compares faces with Rekognition on AWS', () => {
    expectNoLocalFaceModels(assetDir, bundle);
  });
});
