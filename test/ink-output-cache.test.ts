import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { inkOutputCaches } from '../scripts/ink-output-cache.mjs';
import { TUI_ALIASES } from '../scripts/tui-aliases.mjs';
import { REPO } from './support/harness.js';
import { Rng } from './support/rng.js';
import xterm from '@xterm/headless';

interface LogUpdate {
  create(
    s: { write(s: string): unknown },
    o: { showCursor: boolean; incremental: boolean },
  ): (s: string) => void;
}

interface OutputLike {
  caches: { styledChars: Map<string, unknown> };
  write(x: number, y: number, text: string, o: { transformers: ((s: string, i: number) => string)[] }): void;
  clip(c: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string };
}

const dir = mkdtempSync(join(REPO, '.ink-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let builds = 0;

/** One of Ink's files bundled with the build's plugin (Ink's exports name no deep path: the file itself). */
async function bundled(file: string, external: string[] = [], plugins = [inkOutputCaches]): Promise<string> {
  const r = await build({
    absWorkingDir: REPO,
    entryPoints: [
      file.includes('/')
        ? join(REPO, 'node_modules', file)
        : join(REPO, 'node_modules', 'ink', 'build', file),
    ],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
    external,
    plugins,
  });
  return r.outputFiles[0]?.text ?? '';
}

type OutputClass = new (o: { width: number; height: number }) => OutputLike;

/** Ink's Output as the build bundles it (`asInk`: as Ink ships it). */
async function builtOutput(asInk = false): Promise<OutputClass> {
  const file = join(dir, `output-${++builds}.mjs`); // a module of its own: its caches start empty
  writeFileSync(file, await bundled('output.js', [], asInk ? [] : [inkOutputCaches]));
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

  it("draws every frame exactly as Ink's own Output, over random writes, clips and wide characters", async () => {
    const [Ours, Inks] = [await builtOutput(), await builtOutput(true)];
    const rng = new Rng(7); // a fixed sequence: a failing frame can be replayed
    const rnd = (n: number): number => rng.int(n);
    const pieces = [
      'a-1',
      ' idle ',
      '界',
      '\u001b[31mred\u001b[39m',
      '\u001b[1mb',
      '\u001b[31mr\u001b[32mg\u001b[39m', // one colour straight after another
      '\u0000',
      '🙂',
      'x'.repeat(30),
      '\n',
      '',
    ];
    const text = (): string => Array.from({ length: 1 + rnd(5) }, () => pieces[rnd(pieces.length)]).join('');
    const upper = (s: string): string => s.toUpperCase();
    type Op =
      | { clip: { x1: number; x2: number; y1: number; y2: number } }
      | { unclip: true }
      | { x: number; y: number; text: string; upper: boolean };
    const op = (width: number, height: number): Op => {
      const kind = rnd(10);
      if (kind === 0) return { clip: { x1: rnd(8), x2: 4 + rnd(12), y1: rnd(3), y2: 1 + rnd(5) } };
      if (kind === 1) return { unclip: true };
      return { x: rnd(width + 4) - 2, y: rnd(height + 2) - 1, text: text(), upper: rnd(4) === 0 };
    };
    const apply = (o: OutputLike, op: Op): void => {
      if ('clip' in op) o.clip(op.clip);
      else if ('unclip' in op) o.unclip();
      else o.write(op.x, op.y, op.text, { transformers: op.upper ? [upper] : [] });
    };
    let [width, height, ops] = [10, 3, [] as Op[]];
    for (let f = 0; f < 600; f++) {
      // Most frames are the last one with one write more, one fewer or one moved, as a TUI's are.
      const last = ops.at(-1);
      const change = rnd(4);
      if (change === 0) [width, height, ops] = [4 + rnd(20), 1 + rnd(6), [op(width, height)]];
      else if (change === 1 && last && 'x' in last) ops = [...ops.slice(0, -1), { ...last, x: last.x + 1 }];
      else if (change === 2 && ops.length > 1) ops = ops.slice(0, -1);
      else ops = [...ops, op(width, height)];
      const ours = new Ours({ width, height });
      const inks = new Inks({ width, height });
      for (const o of ops) {
        apply(ours, o);
        apply(inks, o);
      }
      expect(ours.get().output, `frame ${f}`).toBe(inks.get().output);
    }
    // Side by side as the TUI's rows are (list, divider, preview), styled at their edges.
    const styled = ['\u001b[7mab\u001b[0m', '\u001b[90m│\u001b[39m', '\u001b[1;31mx\u001b[0my', 'pq', '界'];
    for (let f = 0; f < 300; f++) {
      const row = Array.from({ length: 1 + rnd(4) }, () => styled[rnd(styled.length)] ?? '');
      const ours = new Ours({ width: 12, height: 1 });
      const inks = new Inks({ width: 12, height: 1 });
      let x = rnd(2);
      for (const t of row) {
        for (const o of [ours, inks]) o.write(x, 0, t, { transformers: [] });
        x += t === '\u001b[90m│\u001b[39m' ? 1 : 2;
      }
      expect(ours.get().output, JSON.stringify(row)).toBe(inks.get().output);
    }
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

  it('cuts each line of a truncated text, and measures only the lines it has not seen', async () => {
    const load = async (name: string) => {
      const file = join(dir, `${name.replace('/', '-')}-${++builds}.mjs`);
      writeFileSync(file, await bundled(name));
      return (await import(pathToFileURL(file).href)) as {
        default: (...a: unknown[]) => unknown;
        framesCacheSize: () => number;
      };
    };
    const wrap = await load('wrap-text.js');
    const cut = (t: string): unknown => wrap.default(t, 4, 'truncate');
    expect(cut('abcdef')).toBe('abc…');
    expect(cut('abcdef\nxy\n界界界')).toBe([cut('abcdef'), cut('xy'), cut('界界界')].join('\n'));
    const widest = await load('widest-line/index.js');
    expect(widest.default('ab\n界界界\n')).toBe(6);
    for (let i = 0; i < 10_000; i++) widest.default(`a-${i} working\nrow`);
    expect(widest.framesCacheSize()).toBeLessThanOrEqual(4_000);
    expect(widest.default('a-1 working\n\u001b[31mred\u001b[39m 界')).toBe(11);
  });

  it('writes only changed lines, and each frame lands where the last one was', async () => {
    const screen = async (plugins: (typeof inkOutputCaches)[]): Promise<string[]> => {
      const file = join(dir, `log-update-${++builds}.mjs`);
      writeFileSync(file, await bundled('log-update.js', [], plugins));
      const logUpdate = ((await import(pathToFileURL(file).href)) as { default: LogUpdate }).default;
      // convertEol: a PTY turns \n into \r\n.
      const term = new xterm.Terminal({ cols: 20, rows: 8, allowProposedApi: true, convertEol: true });
      let pending = Promise.resolve();
      const stream = {
        write: (s: string) => (pending = pending.then(() => new Promise((r) => term.write(s, r)))),
      };
      const log = logUpdate.create(stream, { showCursor: true, incremental: true });
      // Frames of 5 lines with a trailing newline: shorter than the terminal, as the TUI's are.
      for (const f of [
        ['a', 'b', 'c', 'd', 'e'],
        ['a', 'B', 'c', 'd', 'e'],
        ['a', 'B', 'c', 'D', 'e'],
      ])
        log(`${f.join('\n')}\n`);
      await pending;
      const rows = Array.from(
        { length: 6 },
        (_, y) => term.buffer.active.getLine(y)?.translateToString(true) ?? '',
      );
      term.dispose();
      return rows;
    };
    expect(await screen([inkOutputCaches])).toEqual(['a', 'B', 'c', 'D', 'e', '']);
    expect(await screen([])).not.toEqual(['a', 'B', 'c', 'D', 'e', '']); // Ink 6.8's own: a line low
  });

  it("keeps every row of a list drawn as one node when an agent's text is too wide or holds controls", async () => {
    // TextRows under Ink as the build bundles it (the tests' own Ink is not patched).
    const draw = async (plugins: (typeof inkOutputCaches)[]): Promise<string[]> => {
      const entry = join(dir, `rows-${++builds}.tsx`);
      writeFileSync(
        entry,
        `import { Writable } from 'node:stream';
import { Box, render } from 'ink';
import { TextRows } from ${JSON.stringify(join(REPO, 'src/interfaces/tui/views/scroll-text.tsx'))};
export function draw(left: string[]): string {
  const writes: string[] = [];
  const screen = Object.assign(new Writable({ write: (c, _e, done) => { writes.push(String(c)); done(); } }), { columns: 40, rows: 10 });
  const ink = render(<Box>
      <TextRows lines={left} top={0} width={10} height={5} />
      <TextRows lines={['R1', 'R2', 'R3', 'R4', 'R5']} top={0} width={4} height={5} />
    </Box>, { stdout: screen as never, debug: true, patchConsole: false });
  ink.unmount();
  return writes[0] ?? ''; // debug: each frame whole, the first one first
}
`,
      );
      const r = await build({
        absWorkingDir: REPO,
        entryPoints: [entry],
        bundle: true,
        format: 'esm',
        platform: 'node',
        write: false,
        logLevel: 'silent',
        jsx: 'automatic',
        alias: TUI_ALIASES,
        external: ['yoga-layout'],
        define: { 'process.env.NODE_ENV': '"production"' },
        plugins,
      });
      const file = join(dir, `rows-${builds}.mjs`);
      writeFileSync(file, r.outputFiles[0]?.text ?? '');
      const m = (await import(pathToFileURL(file).href)) as { draw: (l: string[]) => string };
      return m
        .draw(['a\nb', '界'.repeat(30), 'x\ry', '\u001b[2Jz', 'e'.repeat(40)])
        .split('\n')
        .slice(0, 5);
    };
    const rows = await draw([inkOutputCaches]);
    expect(rows.map((r) => r.slice(-2))).toEqual(['R1', 'R2', 'R3', 'R4', 'R5']);
    expect(rows[0]).toMatch(/^a\\nb +R1$/);
    expect(rows[2]).toMatch(/^x\\ry +R3$/);
    expect(rows[3]).toMatch(/^\\x1b\[2Jz +R4$/);
    expect(rows[4]).toBe(`${'e'.repeat(9)}…R5`);
    // Ink's own truncate cuts the whole text at once: the rows after a wide one are lost.
    expect((await draw([]))[2]).not.toMatch(/^x\\ry/);
  });

  it("draws the list's three columns exactly as one row per agent would, before and after a second", async () => {
    // AgentList under Ink as the build bundles it: the columns (left, age, right) against the rows
    // agentLine makes, one text node, frame by frame; hostile names and whys included.
    const entry = join(dir, `columns-${++builds}.tsx`);
    writeFileSync(
      entry,
      `import { Writable } from 'node:stream';
import { render } from 'ink';
import { AgentList } from ${JSON.stringify(join(REPO, 'src/interfaces/tui/views/agent-list.tsx'))};
import { TextRows } from ${JSON.stringify(join(REPO, 'src/interfaces/tui/views/scroll-text.tsx'))};
import { agentLine } from ${JSON.stringify(join(REPO, 'src/interfaces/tui/agent-line.ts'))};
import { fleetRows } from ${JSON.stringify(join(REPO, 'src/interfaces/tui/fleet-rows.ts'))};
export function frames(agents: any[], width: number, color: boolean, nows: number[]): [string, string][] {
  const rows = fleetRows(agents, '', false);
  const draw = (el: any): string => {
    const writes: string[] = [];
    const screen = Object.assign(new Writable({ write: (c, _e, done) => { writes.push(String(c)); done(); } }), { columns: width, rows: 20 });
    const ink = render(el, { stdout: screen as never, debug: true, patchConsole: false });
    ink.unmount();
    return writes[0] ?? '';
  };
  return nows.map((now) => {
    const lines = rows.map((r) => r.kind === 'workspace' ? '' : agentLine(r.agent, { width, selected: r.agent.id === 'ag-1', color, now, conflicts: undefined }));
    const list = draw(<AgentList rows={rows} selected="ag-1" conflicts={new Map()} width={width} height={8} color={color} now={now} loaded />);
    const single = draw(<TextRows lines={lines} top={0} width={width} height={8} />);
    return [list, single];
  });
}
`,
    );
    const r = await build({
      absWorkingDir: REPO,
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
      jsx: 'automatic',
      alias: TUI_ALIASES,
      external: ['yoga-layout'],
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [inkOutputCaches],
    });
    const file = join(dir, `columns-${builds}.mjs`);
    writeFileSync(file, r.outputFiles[0]?.text ?? '');
    type Frames = (agents: unknown[], width: number, color: boolean, nows: number[]) => [string, string][];
    const m = (await import(pathToFileURL(file).href)) as { frames: Frames };
    const since = Date.parse('2026-11-23T10:00:00.000Z');
    const agent = (i: number, name: string, why: string): unknown => ({
      id: `ag-${i}`,
      name,
      workspace: 'shop',
      state: ['working', 'needs_permission', 'idle'][i % 3],
      stateSince: new Date(since - i * 7_000).toISOString(),
      stateDetail: { reason: 'output', text: why },
      profile: 'claude',
      worktree: { branch: `wtp/${name}`, path: '/w' },
      diffStat: { files: 2, insertions: 10, deletions: 3 },
      stats: { cpuPercent: 3, rssBytes: 9e7 },
    });
    const fleet = [
      agent(0, 'api', 'Run npm test?'),
      agent(1, 'a\nname\u001b[2J', 'why\r\u001b]0;x\u0007 here'),
      agent(2, 'x'.repeat(40), 'y'.repeat(200)),
    ];
    const nows = [since + 5_000, since + 6_000, since + 65_000, since + 3_700_000];
    for (const width of [120, 80, 40]) {
      for (const color of [false, true]) {
        for (const [list, single] of m.frames(fleet, width, color, nows)) {
          // The header row is the list's own; the agent rows are compared whole.
          expect(list.split('\n').slice(1)).toEqual(single.split('\n').slice(1));
          expect(list.split('\n')[0]).toMatch(/▾ shop {2}3 agents, 1 need you/);
        }
      }
    }
  });

  it("applies to Ink as the build bundles it: each text's width is kept too", async () => {
    const text = await bundled('index.js', ['react-devtools-core', 'yoga-layout']);
    expect(text).toContain('caches = framesCaches();');
    expect(text).toContain('const currentWidth = framesWidestLine(text);');
    expect(text).toContain('return framesGet(this);');
    // Bundled, Ink's two module-level `cache`s are renamed apart (cache, cache2).
    expect(text).toMatch(/cache\d*\.set\(cacheKey, wrappedText\);/);
    expect(text).toMatch(/cache\d*\.set\(text, dimensions\);/);
    expect(text).not.toMatch(/\[cacheKey\] = wrappedText/);
  });
});
