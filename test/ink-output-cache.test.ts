import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { inkOutputCaches } from '../scripts/ink-output-cache.mjs';
import { REPO } from './support/harness.js';

interface OutputLike {
  caches: { styledChars: Map<string, unknown> };
  write(x: number, y: number, text: string, o: { transformers: unknown[] }): void;
  get(): { output: string };
}

const dir = mkdtempSync(join(REPO, '.ink-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let builds = 0;

/** One of Ink's files bundled with the build's plugin (Ink's exports name no deep path: the file itself). */
async function bundled(file: string, external: string[] = []): Promise<string> {
  const r = await build({
    absWorkingDir: REPO,
    entryPoints: [join(REPO, 'node_modules', 'ink', 'build', file)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
    external,
    plugins: [inkOutputCaches],
  });
  return r.outputFiles[0]?.text ?? '';
}

/** Ink's Output as the build bundles it. */
async function builtOutput(): Promise<new (o: { width: number; height: number }) => OutputLike> {
  const file = join(dir, `output-${++builds}.mjs`); // a module of its own: its caches start empty
  writeFileSync(file, await bundled('output.js'));
  return ((await import(pathToFileURL(file).href)) as { default: never }).default;
}

describe("Ink's output caches, kept across frames by the build", () => {
  it('a line drawn in one frame is not tokenized again in the next, and frames are unchanged', async () => {
    const Output = await builtOutput();
    const frame = (lines: string[]): { out: OutputLike; text: string } => {
      const out = new Output({ width: 20, height: lines.length });
      lines.forEach((l, y) => out.write(0, y, l, { transformers: [] }));
      return { out, text: out.get().output };
    };
    const a = frame(['▸ ! agent-1  idle', 'agent-2 \u001b[31mworking\u001b[39m']);
    const b = frame(['▸ ! agent-1  idle', 'agent-3 idle']);
    expect(a.text).toBe('▸ ! agent-1  idle\nagent-2 \u001b[31mworking\u001b[39m');
    expect(b.text).toBe('▸ ! agent-1  idle\nagent-3 idle');
    expect(b.out.caches).toBe(a.out.caches);
    expect([...b.out.caches.styledChars.keys()]).toEqual([
      '▸ ! agent-1  idle',
      'agent-2 \u001b[31mworking\u001b[39m',
      'agent-3 idle',
    ]);
  });

  it('a row keeps its text while its cells are the same, and frames stay exact as rows change', async () => {
    const Output = await builtOutput();
    const frame = (lines: (string | null)[], width = 24): string => {
      const out = new Output({ width, height: lines.length });
      lines.forEach((l, y) => l !== null && out.write(y === 1 ? 2 : 0, y, l, { transformers: [] }));
      return out.get().output;
    };
    const red = 'a-1 \u001b[31mworking\u001b[39m';
    const wide = '界 \u001b[1mbold\u001b[22m';
    expect(frame([red, null, 'idle'])).toBe(`${red}\n\nidle`);
    expect(frame([red, wide, 'idle'])).toBe(`${red}\n  ${wide}\nidle`);
    expect(frame([red, null, 'idle'])).toBe(`${red}\n\nidle`); // the blank row is blank again
    expect(frame(['a-1 idle', wide, null])).toBe(`a-1 idle\n  ${wide}\n`);
    expect(frame(['a-1 idle', wide, null], 10)).toBe(`a-1 idle\n  ${wide}\n`); // narrower: rows redone
    expect(frame([red])).toBe(red);
  });

  it('starts a fresh set once it holds 400 lines', async () => {
    const Output = await builtOutput();
    const first = new Output({ width: 10, height: 1 });
    for (let i = 0; i <= 400; i++) {
      const out = new Output({ width: 10, height: 1 });
      out.write(0, 0, `line ${i}`, { transformers: [] });
      out.get();
    }
    const later = new Output({ width: 10, height: 1 });
    expect(later.caches).not.toBe(first.caches);
    expect(later.caches.styledChars.size).toBe(0);
  });

  it('keeps at most 4,000 wrapped and measured texts, however many a long session draws', async () => {
    for (const [name, call] of [
      ['wrap-text.js', (f: (...a: unknown[]) => unknown, t: string) => f(t, 20, 'truncate')],
      ['measure-text.js', (f: (...a: unknown[]) => unknown, t: string) => f(t)],
    ] as const) {
      const file = join(dir, `${name}-${++builds}.mjs`);
      writeFileSync(file, await bundled(name));
      const m = (await import(pathToFileURL(file).href)) as {
        default: (...a: unknown[]) => unknown;
        framesCacheSize: () => number;
      };
      for (let i = 0; i < 10_000; i++) call(m.default, `a-${i} working ${i}s`);
      expect(m.framesCacheSize(), name).toBeLessThanOrEqual(4_000);
      expect(call(m.default, 'a-1 idle'), name).toEqual(call(m.default, 'a-1 idle')); // still answers
    }
  });

  it("applies to Ink as the build bundles it: each text's width is kept too", async () => {
    const text = await bundled('index.js', ['react-devtools-core', 'yoga-layout']);
    expect(text).toContain('caches = framesCaches();');
    expect(text).toContain('const currentWidth = framesWidestLine(text);');
    expect(text).toContain('return framesRow(lineWithoutEmptyItems, rowIndex);');
    expect(text).toContain('row.push(BLANK_CELL);');
    // Bundled, Ink's two module-level `cache`s are renamed apart (cache, cache2).
    expect(text).toMatch(/cache\d*\.set\(cacheKey, wrappedText\);/);
    expect(text).toMatch(/cache\d*\.set\(text, dimensions\);/);
    expect(text).not.toMatch(/\[cacheKey\] = wrappedText/);
  });
});
