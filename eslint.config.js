// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Import direction of DESIGN §10: interfaces → core ← adapters; protocol is the shared leaf. */
const layer = (
  /** @type {string[]} */ forbidden,
  /** @type {string} */ why,
  /** @type {string[]} */ regexes = [],
) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...forbidden.map((group) => ({ group: [group], message: why })),
        ...regexes.map((regex) => ({ regex, message: why })),
      ],
    },
  ],
});

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'net',
  'http',
  'crypto',
  'util',
  'events',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'dist.next-*/**',
      'dist.old-*/**',
      '.cache/**',
      'node_modules/**',
      'coverage/**',
      'docs/**',
      'schemas/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      [
        '**/core/**',
        '**/adapters/**',
        '**/interfaces/**',
        '**/client/**',
        '**/config/**',
        '**/daemon/**',
        ...NODE_BUILTINS,
      ],
      'protocol/ is the shared vocabulary: zod schemas only, no I/O and no other layer',
    ),
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      [
        '**/adapters/**',
        '**/interfaces/**',
        '**/client/**',
        '**/config/**',
        '**/daemon/**',
        'zod',
        ...NODE_BUILTINS,
      ],
      'core/ is the domain: no I/O, no node:*, only protocol/ and its own ports',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/interfaces/**', '**/client/**', '**/daemon/**', '**/config/**', '**/adapters/**'],
      'adapters implement core ports; they never import interfaces, the composition root, or each other',
      // A sibling adapter's folder; a file directly in adapters/ reaches core/ and protocol/ as `../core/`.
      ['^\\.\\./(?!\\.\\.|core/|protocol/)[^/]+/'],
    ),
  },
  {
    files: ['src/interfaces/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/adapters/**', '**/daemon/**'],
      'interfaces never import adapters; src/daemon/ wires them',
    ),
  },
  {
    files: ['src/interfaces/cli/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      [
        '**/core/**',
        '**/adapters/**',
        '**/daemon/**',
        '../host/**',
        '../http/**',
        '../ws/**',
        '../host-link/**',
      ],
      'the CLI is a client of the daemon: protocol/, client/ and config/ only',
    ),
  },
  {
    files: ['src/client/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/core/**', '**/adapters/**', '**/interfaces/**', '**/daemon/**', '**/config/**'],
      'client/ speaks protocol/ only',
    ),
  },
  {
    files: ['src/config/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/adapters/**', '**/interfaces/**', '**/daemon/**', '**/client/**'],
      'config/ reads env and files; it wires nothing',
    ),
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: layer(
      [
        '**/src/core/**',
        '**/src/adapters/**',
        '**/src/interfaces/**',
        '**/src/daemon/**',
        '**/src/config/**',
        ...NODE_BUILTINS,
      ],
      'the dashboard is a browser client: protocol/ and client/ only',
    ),
  },
);
