// Bundles the entry points with esbuild. Type checking is `npm run typecheck`;
// bundling exists because Node 20 has no compile cache and resolving hundreds of
// ESM files costs more than parsing one bundle (measured in docs/ARCHITECTURE.md).
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync } from 'node:fs';

const entryPoints = {
  wtp: 'src/bin.ts',
  gen: 'tools/gen.ts',
  bench: 'bench/run.ts',
};

// Build next to dist/ and swap it in with two renames, so a daemon or host starting while
// a build runs never sees a half-written dist/.
const root = new URL('..', import.meta.url).pathname;
const next = `${root}dist.next-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
rmSync(next, { recursive: true, force: true });
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
  external: ['better-sqlite3', 'node-pty', 'bufferutil', 'utf-8-validate'],
  banner: {
    js: "import { createRequire as __wtpCreateRequire } from 'node:module'; const require = __wtpCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(next, `${root}dist`);
rmSync(old, { recursive: true, force: true });
