// npm run lint (part of npm test): ESLint's and typescript-eslint's recommended rules over all the code,
// then Prettier's check of its format (.prettierrc.json; `npm run format` writes it). eslint-config-prettier,
// last, turns off the rules that would argue with Prettier over layout. The compiler (tsc --noEmit:
// strict, noUnusedLocals, noUnusedParameters) checks the types. dependency-cruiser (.dependency-cruiser.cjs)
// then finds any circle of imports.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/', 'data/', 'node_modules/', 'test-results/', 'bench/results/', 'web/docs/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    rules: {
      // `_name` says "deliberately unused" (a destructured field left out, a callback's unused argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // No source file over 400 lines, tests and the bench included: past that a file does more than one
      // job (split it by job, as runtime/ and bench/ are). Every line counts, blank and comment too.
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // Tests and the bench read answers whose shape each assertion names; typing every JSON body would
    // restate the API. Production code may not use `any`.
    files: ['tests/**', '**/*.test.ts', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
