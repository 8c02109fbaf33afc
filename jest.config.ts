import type { Config } from 'jest';

// ts-jest compiles each file on its own (isolatedModules). TypeScript 6 wants an
// explicit rootDir once ts-jest sets its own outDir (TS5011).
const transform: Config['transform'] = {
  '^.+\\.[tj]sx?$': [
    'ts-jest',
    { tsconfig: { isolatedModules: true, rootDir: __dirname, module: 'commonjs', allowJs: true, esModuleInterop: true, jsx: 'react-jsx', jsxImportSource: 'preact', ignoreDeprecations: '6.0' } },
  ],
};
// middy ships ES modules only; let ts-jest turn them into CommonJS for the tests.
const transformIgnorePatterns = ['/node_modules/(?!(@middy)/)'];
// The package.json `imports` aliases (#lib/…, #shared/…), which Node, tsx, esbuild and tsc resolve on their own.
const moduleNameMapper: Config['moduleNameMapper'] = {
  '^#lib/(.*)$': '<rootDir>/functions/lib/$1',
  '^#functions/(.*)$': '<rootDir>/functions/$1',
  '^#shared/(.*)$': '<rootDir>/shared/$1',
  '^#catalogue/(.*)$': '<rootDir>/infra/catalogue/$1',
};
const common = { transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'tsx', 'js', 'json'] };

const config: Config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.{ts,tsx}'] },
    { ...common, displayName: 'stores', testMatch: ['<rootDir>/test/stores/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};

export default config;
