// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'bench/results/**',
      'test-artifacts/**',
      '**/*.cjs',
      '**/migrations/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      // One program for every file: mixing projectService with per-file projects made results
      // depend on lint order.
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    // The kernel logs through its logger, never the console.
    files: ['core/src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // A plugin imports only the sdk: never the kernel, another plugin, or an app.
    files: ['plugins/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@switchboard/*', '!@switchboard/sdk', '!@switchboard/sdk/*'],
              message: 'A plugin imports only @switchboard/sdk.',
            },
            {
              group: ['**/core/**', '**/apps/**', '../../*/**', '**/plugins/**'],
              message: 'A plugin imports only @switchboard/sdk and its own files.',
            },
            {
              group: ['koa', '@koa/*', 'knex', 'inversify', 'tapable'],
              message: 'Use the types and helpers @switchboard/sdk re-exports.',
            },
          ],
        },
      ],
    },
  },
  {
    // The sdk is the stable surface: it never depends on the kernel.
    files: ['sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@switchboard/core', '@switchboard/core/*', '**/core/**'],
              message: 'The sdk never imports core.',
            },
          ],
        },
      ],
    },
  },
);
