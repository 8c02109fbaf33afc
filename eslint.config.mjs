// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ZOD = { regex: '^zod(/|$)', message: "Import schemas as `import * as z from '#shared/validation'`: it keeps bundles small and messages in English." };
const HANDLER_FILES = {
  regex: '\\.handler(\\.ts)?$',
  message: 'A handler file is a Lambda entry point: move what you need from it into the domain module or functions/lib.',
};
const CLIMBING_PATHS = { regex: '^(\\.\\./){2,}', message: 'Use the import aliases (#lib/…, #shared/…, #functions/…, #catalogue/…) instead of climbing paths.' };

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'web/dist/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-console': 'off',
    },
  },
  {
    // zod comes through shared/validation (zod/mini, English messages, tree-shakeable).
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['shared/validation.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ZOD] }] },
  },
  {
    // Functions log through the Powertools logger only; a handler file is an entry point, never a library
    // (shared code goes to functions/lib or the domain's own modules); aliases replace climbing paths.
    files: ['functions/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [ZOD, HANDLER_FILES, CLIMBING_PATHS] }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
