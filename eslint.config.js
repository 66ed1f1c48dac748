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
        '**/vendors/**',
        ...NODE_BUILTINS,
      ],
      'protocol/ is the shared vocabulary: zod schemas only, no I/O and no other layer (the profile names are generated from src/vendors/)',
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
        '**/vendors/**',
        'zod',
        ...NODE_BUILTINS,
      ],
      'core/ is the domain: no I/O, no node:*, only protocol/ and its own ports; vendor data is injected (ProfileCatalog)',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/interfaces/**', '**/client/**', '**/daemon/**', '**/config/**', '**/adapters/**', '**/vendors/**'],
      'adapters implement core ports; they never import interfaces, the composition root, vendors (injected) or each other',
      // A sibling adapter's folder; a file directly in adapters/ reaches core/ and protocol/ as `../core/`.
      ['^\\.\\./(?!\\.\\.|core/|protocol/)[^/]+/'],
    ),
  },
  {
    files: ['src/interfaces/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/adapters/**', '**/daemon/**', '**/vendors/**'],
      'interfaces never import adapters or vendors; src/daemon/ wires them',
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
        '**/vendors/**',
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
      ['**/core/**', '**/adapters/**', '**/interfaces/**', '**/daemon/**', '**/config/**', '**/vendors/**'],
      'client/ speaks protocol/ only',
    ),
  },
  {
    files: ['src/config/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(
      ['**/adapters/**', '**/interfaces/**', '**/daemon/**', '**/client/**', '**/vendors/**'],
      'config/ reads env and files; it wires nothing (vendor names come through protocol/)',
    ),
  },
  {
    // The pure part of a vendor folder: its spec, screen rules, hook and stream readers, and the
    // registry that lists them. The host and the core run it, so: no I/O, like core/.
    files: ['src/vendors/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/vendors/*/setup.ts', 'src/vendors/setup-list.ts'],
    rules: layer(
      [
        '**/adapters/**',
        '**/interfaces/**',
        '**/client/**',
        '**/config/**',
        '**/daemon/**',
        '**/setup.js',
        '**/setup-list.js',
        'zod',
        ...NODE_BUILTINS,
      ],
      'a vendor is data for the core (spec, detectors, readers): core/ contract types and protocol/ only, no I/O, no other vendor; its I/O is setup.ts',
      // Another vendor's folder (`../codex/…` from inside `claude/`); from src/vendors/ itself, `../core/` and `../protocol/` only.
      ['^\\.\\./(?!\\.\\.|core/|protocol/)[^/]+/'],
    ),
  },
  {
    // The I/O part of a vendor folder (hooks, trust): adapter side, run by adapters/profiles.
    files: ['src/vendors/*/setup.ts', 'src/vendors/setup-list.ts'],
    rules: layer(
      ['**/adapters/**', '**/interfaces/**', '**/client/**', '**/config/**', '**/daemon/**'],
      'a vendor setup writes through node:* and the SetupFiles it is given; it never imports adapters, interfaces, config or another vendor',
      ['^\\.\\./(?!\\.\\.|core/|protocol/)[^/]+/'],
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
        '**/src/vendors/**',
        ...NODE_BUILTINS,
      ],
      'the dashboard is a browser client: protocol/ and client/ only',
    ),
  },
);
