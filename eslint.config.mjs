// ESLint (flat config) with typescript-eslint's type-aware rules over every TypeScript and JavaScript source.
// Formatting is Prettier's job (.prettierrc.json): eslint-config-prettier turns off the rules it owns.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      'samples/**',
      'test/fixtures/**',
      'test/artifacts/**',
      'test/e2e/.work/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The webview script is browser code outside tsconfig.json (no DOM types there): the default project.
        projectService: { allowDefaultProject: ['media/src/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused names are errors, except a leading underscore (a parameter kept for a signature).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // require() only where it defers loading on purpose: the CLI's subcommands (server/src/cli/commands.ts).
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^\\./\\w+Command$'] }],
      // An async function without await is how a Promise-returning interface (LSP handlers, index queries) is
      // implemented here: a throw inside becomes a rejection, as callers expect.
      '@typescript-eslint/require-await': 'off',
      // node:test's test()/describe() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
    },
  },
  {
    // Tests assert on untyped JSON (the CLI's --json output, LSP messages read off the wire, webview state): a wrong
    // shape fails the assertion itself, so the no-unsafe-* rules would only add casts. Every other rule applies.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests of sanitising assert that control characters are gone: a control-character regex is their point.
      'no-control-regex': 'off',
    },
  },
  {
    // Functions the end-to-end driver evaluates inside the browser page.
    files: ['test/e2e/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['media/src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    // CommonJS entry points: require() is their import.
    files: ['bin/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  prettier,
);
