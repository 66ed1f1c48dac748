// Bundles the entry points with esbuild. Type checking is `npm run typecheck`;
// bundling exists because Node 20 has no compile cache and resolving hundreds of
// ESM files costs more than parsing one bundle (measured in docs/performance.md, Core).
import { build } from 'esbuild';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inkOutputCaches } from './ink-output-cache.mjs';
import { TUI_ALIASES } from './tui-aliases.mjs';

const entryPoints = {
  wtp: 'src/bin.ts',
  // The CLI without bin.ts's process handling: the tests run their `wtp` calls through it in-process.
  cli: 'src/cli.ts',
  gen: 'tools/gen.ts',
};
/**
 * The benchmarks are a build of their own, neither minified nor with names kept: the functions they
 * hand to Chromium (`page.evaluate`) are sent as their source text, and keepNames's `__name(…)`
 * wrappers there referred to a helper the page does not have (`a is not defined`).
 */
const benchEntryPoints = { bench: 'bench/run.ts', soak: 'bench/soak.ts' };

// Build next to dist/ and swap it in with two renames, so a daemon or host starting while
// a build runs never sees a half-written dist/.
const root = new URL('..', import.meta.url).pathname;
const next = `${root}dist.next-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
rmSync(next, { recursive: true, force: true });

/**
 * `wtp ls` and `wtp ls --json`, the calls scripts and status bars repeat, are one file of their own
 * (~50 KB, no chunks): bin/wtp.js runs it without the CLI's program, and each call costs little more
 * than Node's own start (issue 32, src/interfaces/cli/fast-path.ts).
 */
await build({
  entryPoints: { fast: 'src/fast.ts' },
  outdir: next,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  legalComments: 'none',
});
await build({
  entryPoints,
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons stay in node_modules; optional native speedups of ws are absent on purpose.
  // playwright-core (the dashboard benchmark's browser driver) is loaded from node_modules as it is.
  external: ['better-sqlite3', 'node-pty', 'bufferutil', 'utf-8-validate', 'playwright-core'],
  banner: {
    js: "import { createRequire as __wtpCreateRequire } from 'node:module'; const require = __wtpCreateRequire(import.meta.url);",
  },
  // The terminal UI's Ink: DevTools are never shipped, and `CI` in the environment must not turn
  // the TUI into a log of frames (src/interfaces/tui/stubs/ says why).
  // jsonc-parser's main is a UMD build whose factory requires its own files at run time, out of
  // esbuild's sight: its ES module build is bundled instead.
  alias: { ...TUI_ALIASES, 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  // React's production build (the development one checks every render and is several times slower).
  define: { 'process.env.NODE_ENV': '"production"' },
  // Smaller chunks parse faster (the TUI's first paint); names are kept for stack traces and errors.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [inkOutputCaches],
});
await build({
  entryPoints: benchEntryPoints,
  outdir: next,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/bench-[name]-[hash]',
  external: ['better-sqlite3', 'node-pty', 'bufferutil', 'utf-8-validate', 'playwright-core'],
  banner: {
    js: "import { createRequire as __wtpCreateRequire } from 'node:module'; const require = __wtpCreateRequire(import.meta.url);",
  },
  alias: { ...TUI_ALIASES, 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [inkOutputCaches],
});
// The dashboard (web/, a Vite + React SPA) goes into dist/web, served by the daemon at /dashboard/.
const { build: viteBuild } = await import('vite');
await viteBuild({
  root: `${root}web`,
  configFile: `${root}web/vite.config.ts`,
  logLevel: 'warn',
  build: { outDir: `${next}/web` },
});
// The approval rules' shell parser (src/adapters/shell-syntax/): web-tree-sitter's JavaScript is in
// the bundle, its runtime and the bash grammar are WebAssembly files read from beside it. Only the
// .wasm of tree-sitter-bash is used (its native addon is never built: allowScripts in package.json).
const require = createRequire(import.meta.url);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), `${next}/tree-sitter.wasm`);
copyFileSync(
  join(dirname(require.resolve('tree-sitter-bash/package.json')), 'tree-sitter-bash.wasm'),
  `${next}/tree-sitter-bash.wasm`,
);
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(next, `${root}dist`);
rmSync(old, { recursive: true, force: true });
