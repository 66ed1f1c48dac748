import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { TUI_ALIASES } from '../scripts/tui-aliases.mjs';
import { REPO } from './support/harness.js';

/** The build of scripts/build.mjs, in memory, with its metafile. */
async function metafile(): Promise<Metafile> {
  const r = await build({
    absWorkingDir: REPO,
    entryPoints: { wtp: 'src/bin.ts' },
    outdir: 'dist-metafile-check',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    external: ['better-sqlite3', 'node-pty', 'bufferutil', 'utf-8-validate'],
    alias: TUI_ALIASES,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  return r.metafile;
}

/** Source files a chunk loads before any dynamic import runs. */
function staticInputs(meta: Metafile, entryPoint: string): string[] {
  const outs = meta.outputs;
  const start = Object.keys(outs).find((o) => outs[o]?.entryPoint === entryPoint);
  if (!start) throw new Error(`no output for ${entryPoint}`);
  const seen = new Set<string>();
  const visit = (o: string): void => {
    if (seen.has(o)) return;
    seen.add(o);
    for (const i of outs[o]?.imports ?? []) if (i.kind === 'import-statement' && outs[i.path]) visit(i.path);
  };
  visit(start);
  return [...seen].flatMap((o) => Object.keys(outs[o]?.inputs ?? {}));
}

const pkg = (inputs: string[], name: string): string[] =>
  inputs.filter((i) => i.includes(`node_modules/${name}/`));

// Start-up time is a feature: these keep heavy modules off the paths that must be fast.
describe('bundle boundaries', () => {
  it('the CLI loads without zod, SQLite, the log library or the terminal emulator', async () => {
    const inputs = staticInputs(await metafile(), 'src/cli.ts');
    for (const heavy of ['zod', 'better-sqlite3', '@xterm/headless', 'pino', 'ws', 'yaml']) {
      expect(pkg(inputs, heavy), heavy).toEqual([]);
    }
    expect(inputs.some((i) => i.startsWith('src/core/'))).toBe(false);
  });

  it('the host loads without zod, the HTTP stack, or (until it needs it) the terminal emulator', async () => {
    const inputs = staticInputs(await metafile(), 'src/daemon/host-main.ts');
    for (const heavy of ['zod', 'better-sqlite3', '@xterm/headless', 'pino', 'ws', 'commander', 'yaml']) {
      expect(pkg(inputs, heavy), heavy).toEqual([]);
    }
  });

  it('the approval rules’ shell parser (web-tree-sitter) loads only when a rule decides a command', async () => {
    const meta = await metafile();
    for (const entry of ['src/cli.ts', 'src/daemon/host-main.ts', 'src/daemon/main.ts']) {
      expect(pkg(staticInputs(meta, entry), 'web-tree-sitter'), entry).toEqual([]);
    }
    // It is bundled (the package installs nothing for it): its chunk is reached by a dynamic import.
    const bundled = Object.values(meta.outputs).some((o) =>
      Object.keys(o.inputs).some((i) => i.includes('node_modules/web-tree-sitter/')),
    );
    expect(bundled).toBe(true);
  });

  it('the terminal UI (Ink, React) loads only with `wtp tui`', async () => {
    const inputs = staticInputs(await metafile(), 'src/cli.ts');
    for (const heavy of ['ink', 'react', 'yoga-layout']) expect(pkg(inputs, heavy), heavy).toEqual([]);
    expect(inputs.some((i) => i.startsWith('src/interfaces/tui/'))).toBe(false);
  });
});
