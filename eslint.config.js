// @ts-check
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** The layers of src/: which folder may not import which (paths from the repository root). */
const LAYERS = [
  { target: './src/core', from: ['./src/cli', './src/engines', './src/actions'], message: 'src/core must not depend on the CLI, an engine or the actions.' },
  { target: './src/actions', from: './src/cli', message: 'Actions must not depend on the CLI; take shared code from src/core (UserError: src/core/errors.ts).' },
  { target: './src/engines', from: ['./src/actions', './src/cli'], message: 'Engines must not depend on the actions or the CLI.' },
  { target: './src/engines/kubevirt', from: './src/engines/local', message: 'The kubevirt engine must not depend on the local engine; move what both use to src/core.' },
  { target: './src/engines/local', from: './src/engines/kubevirt', message: 'The local engine must not depend on the kubevirt engine; move what both use to src/core.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'output/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The layout is the architecture. Rules on resolved paths, so `../../local/x.js` and a longer
    // way round to the same file are caught alike; imports are written `.js` and resolve to `.ts`.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these import-x reads only .js files, and finds no cycle through a .ts one.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Type-aware checks for the mistakes async code makes silently: a promise nobody awaits (its
    // rejection is lost or crashes the process later) and a promise where a void callback goes.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
