/**
 * How every function is bundled, shared by the AppFunction construct and the
 * bundle benchmark so the benchmark measures what Lambda runs.
 */
export const BUNDLING = {
  /** Matches the Lambda runtime (Node.js 24). */
  target: 'node24',
  format: 'cjs',
  platform: 'node',
  minify: true,
  sourcemap: true,
  /** The whole AWS SDK is bundled, pinning the version we test against. */
  external: [] as string[],
  /** middy is ESM-only; the bundle is CJS, so prefer module entry points when resolving. */
  mainFields: ['module', 'main'],
} as const;
