// The habits a tool enforces (run by `npm test` through `npm run lint`). Type-aware rules: a
// switch over a message or layer union must name every case (a new message type or layer fails
// here, not in a user's editor), a promise is awaited or explicitly voided, nothing is imported
// or declared for nothing. Unused exports and files are knip's job (knip.json), import cycles and
// which room may import which are dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.cnn-runs/**', 'examples/**', 'media/**', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {
        // A `default` that handles "anything else" on purpose is allowed; a switch over a union
        // without one must list every member.
        considerDefaultExhaustiveForUnions: true,
        requireDefaultForNonUnion: false,
      }],
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test() and describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The DSL checks each call's argument count against its parameters (a user's extra argument
    // is an error with a location), which needs `arguments`: rest parameters would change the
    // functions' declared signatures that IntelliSense shows.
    files: ['src/dsl/**/*.ts'],
    rules: { 'prefer-rest-params': 'off' },
  },
  {
    // Plain JavaScript: build scripts (ES modules) and CommonJS files loaded by Node or VS Code.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', module: 'writable', exports: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
