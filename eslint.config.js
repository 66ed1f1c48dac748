// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { wtpRules } from './tools/eslint-rules.js';

/**
 * Import direction of DESIGN §10: interfaces → core ← adapters; protocol is the shared leaf.
 * Each group of patterns (gitignore globs or regexes) is refused with its reason; static imports
 * and `import('…')` obey the same patterns.
 */
const rings = (/** @type {{ globs?: string[]; regexes?: string[]; why: string }[]} */ groups) => {
  const options = {
    patterns: groups.flatMap(({ globs = [], regexes = [], why }) => [
      ...globs.map((group) => ({ group: [group], message: why })),
      ...regexes.map((regex) => ({ regex, message: why })),
    ]),
  };
  return {
    'no-restricted-imports': ['error', options],
    'wtp/restricted-dynamic-imports': ['error', options],
  };
};

const layer = (
  /** @type {string[]} */ forbidden,
  /** @type {string} */ why,
  /** @type {string[]} */ regexes = [],
) => rings([{ globs: forbidden, regexes, why }]);

const INTERFACES = {
  globs: ['**/adapters/**', '**/daemon/**', '**/vendors/**'],
  why: 'interfaces never import adapters or vendors; src/daemon/ wires them',
};

/** From a folder of src/interfaces/, its sibling `name` (`../name/…`, or through `interfaces/`). */
const sibling = (/** @type {string} */ name) => `^(\\.\\./)+(interfaces/)?${name}/`;

/** The API's narrow face: http/, ws/, server/ and api/ see the core through its use cases. */
const THROUGH_USE_CASES = {
  regexes: [
    '^(\\.\\./)+core/(?!(?:use-cases/use-cases|errors|ports/[\\w-]+|model/(?:agent-record|agent-state|task-record|storage-errors|text))\\.js$)',
  ],
  why: 'the API sees the core through core/use-cases/use-cases.ts (built by toUseCases in src/daemon/), its errors, port types and records: never Core, the registry or a service',
};

const API_ASSEMBLY = {
  regexes: [sibling('api')],
  why: 'api/ assembles the server from server/, http/ and ws/: only src/daemon/ imports it',
};

/** What a client of the daemon (the CLI, the terminal UI) never imports: it talks to the daemon's API. */
const DAEMON_SIDE = [
  '**/core/**',
  '**/adapters/**',
  '**/daemon/**',
  '**/vendors/**',
  '../host/**',
  '../http/**',
  '../ws/**',
  '../server/**',
  '../api/**',
  '../host-link/**',
];

const ENV_ONLY =
  'src/config/env.ts is the only reader of process.env: take the value from it, through the composition root';
const ENV_SELECTORS = [
  {
    selector: "ImportDeclaration[source.value=/^(node:)?process$/] > ImportSpecifier[imported.name='env']",
    message: ENV_ONLY,
  },
  {
    selector:
      "MemberExpression[object.type='MemberExpression'][object.property.name='process'][property.name='env']",
    message: ENV_ONLY,
  },
];
/**
 * git on a folder an agent could write runs through src/adapters/git/git-exec.ts, whose environment
 * keeps git from starting what the folder's config names (HARDENED_CONFIG).
 */
const GIT_SELECTOR = {
  selector: "CallExpression[arguments.0.value='git']",
  message:
    'run git through src/adapters/git/git-exec.ts (gitRunner, or hardenedGitEnv for a process of its own): git must not start what an agent’s folder configures',
};
const CLI_CTX = 'a CLI command uses its context (ctx.in, ctx.exitCode, ctx.processEnv), not the process';

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
    plugins: { wtp: wtpRules },
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
    rules: rings([INTERFACES, API_ASSEMBLY]),
  },
  {
    files: ['src/interfaces/http/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: rings([
      INTERFACES,
      THROUGH_USE_CASES,
      API_ASSEMBLY,
      {
        regexes: [sibling('ws')],
        why: 'http/ and ws/ never import each other: what they share is in server/',
      },
    ]),
  },
  {
    files: ['src/interfaces/ws/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: rings([
      INTERFACES,
      THROUGH_USE_CASES,
      API_ASSEMBLY,
      {
        regexes: [sibling('http')],
        why: 'ws/ and http/ never import each other: what they share is in server/',
      },
    ]),
  },
  {
    files: ['src/interfaces/mcp/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: rings([
      INTERFACES,
      THROUGH_USE_CASES,
      API_ASSEMBLY,
      {
        regexes: [sibling('http'), sibling('ws')],
        why: 'mcp/ (the MCP endpoint) sees the API through server/ and the use cases, never the REST or WebSocket handlers',
      },
    ]),
  },
  {
    files: ['src/interfaces/server/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: rings([
      INTERFACES,
      THROUGH_USE_CASES,
      {
        regexes: [sibling('http'), sibling('ws'), sibling('api')],
        why: 'server/ is what http/ and ws/ share: it imports neither of them (nor api/, which assembles them)',
      },
    ]),
  },
  {
    files: ['src/interfaces/api/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: rings([INTERFACES, THROUGH_USE_CASES]),
  },
  {
    files: ['src/interfaces/cli/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: layer(DAEMON_SIDE, 'the CLI is a client of the daemon: protocol/, client/ and config/ only'),
  },
  {
    files: ['src/interfaces/tui/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    rules: layer(
      DAEMON_SIDE,
      'the terminal UI is a client of the daemon, like the CLI: protocol/, client/, config/ and cli/ helpers only',
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
    // Tests, benchmarks, scripts and tools are the outside world: they set up the environments
    // of what they start and may read theirs.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts', 'src/config/env.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_ONLY }],
      'no-restricted-syntax': ['error', ...ENV_SELECTORS, GIT_SELECTOR],
    },
  },
  {
    // The tests run CLI commands in their own process (test/support/in-process-cli.ts): a command's
    // input, exit status and the environment of what it starts are its context's, not the process's.
    // context.ts sets a context's defaults from the process.
    files: ['src/interfaces/cli/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/interfaces/cli/context.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: ENV_ONLY },
        ...['exitCode', 'exit', 'stdin'].map((property) => ({
          object: 'process',
          property,
          message: CLI_CTX,
        })),
      ],
      'no-restricted-syntax': [
        'error',
        ...ENV_SELECTORS,
        GIT_SELECTOR,
        {
          selector:
            "CallExpression[callee.name=/^(spawn|spawnSync|execFile|execFileSync)$/]:not(:has(Property[key.name='env']))",
          message: `${CLI_CTX} (a program it starts gets \`env: ctx.processEnv\`)`,
        },
      ],
    },
  },
  {
    // What ships (the daemon, the CLI, the dashboard, the launcher) and the sources of the generated
    // docs name no issue of the tracker; tests may.
    files: ['src/**/*.{ts,tsx}', 'web/**/*.{js,ts,tsx}', 'bin/**/*.js', 'tools/docs/**/*.ts'],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'wtp/no-issue-numbers': 'error' },
  },
  {
    // A comment says why in a few lines, in what ships and in the benchmarks, scripts and tools that
    // build and measure it; tests may explain a scenario at length.
    files: [
      'src/**/*.{ts,tsx}',
      'web/**/*.{js,ts,tsx}',
      'bin/**/*.js',
      '{bench,scripts,tools}/**/*.{js,mjs,cjs,ts,mts,cts}',
    ],
    ignores: ['**/*.test.{ts,tsx}'],
    rules: { 'wtp/max-comment-lines': 'error' },
  },
  {
    // The service worker: a plain script the browser fetches by its fixed URL.
    files: ['web/public/sw.js'],
    languageOptions: { sourceType: 'script', globals: globals.serviceworker },
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
