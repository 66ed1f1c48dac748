import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TASK_STATUSES } from '../../src/protocol/constants.js';
import { TASK_MOVES } from '../../src/protocol/task-moves.js';
import { code, table } from './markdown.js';

/**
 * The parts of hand-written pages that are generated: the task moves of src/protocol/task-moves.ts in
 * docs/ARCHITECTURE.md, and the counts of test files and corpus screens in DEVELOPERS.md (so no count
 * is typed and goes stale). Each lives between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`; `npm run gen` rewrites it, `gen --check` and
 * test/generated-files.test.ts fail when it differs.
 */

/** Files under `dir` (relative to `root`), recursively, as repository paths. */
function filesUnder(root: string, dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && !relative(root, e.parentPath).split('/').includes('node_modules'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

const isTest = (f: string): boolean => /\.test\.tsx?$/.test(f);

/** Test files per kind, as vitest finds them (`src/**`, `test/**` and `bench/**` `*.test.ts`). */
export function testCounts(root: string): [kind: string, where: string, files: number][] {
  const under = (dir: string): string[] => filesUnder(root, dir).filter(isTest);
  const top = under('test').filter((f) => f.split('/').length === 2);
  const rows: [string, string, number][] = [
    ['unit: the core with fakes, adapters against the real thing', 'src/**/*.test.ts', under('src').length],
    [
      'integration: the daemon graph in process, real sockets',
      'test/integration/',
      under('test/integration').length,
    ],
    [
      'end to end: the real CLI, daemons, tmux, git, agent CLIs, Chromium',
      'test/e2e/',
      under('test/e2e').length,
    ],
    ['the documents (console blocks, claims, anchors, tables)', 'test/docs/', under('test/docs').length],
    ["the dashboard's logic", 'test/web/', under('test/web').length],
    ['the WezTerm plugin under Lua 5.4', 'test/plugin/', under('test/plugin').length],
    ['the test helpers themselves', 'test/support/', under('test/support').length],
    ['guards (bundle, lint rules, generated files, engines, …)', 'test/*.test.ts', top.length],
    ['the stand-ins (`wezterm`, `gh`, `glab`)', 'test/fixtures/', under('test/fixtures').length],
    ["the benchmarks' checkers", 'bench/**/*.test.ts', under('bench').length],
  ];
  // Every test file vitest runs is in a row: a new folder of tests needs a row of its own.
  const all = [...under('src'), ...under('test'), ...under('bench')].length;
  const counted = rows.reduce((n, r) => n + r[2], 0);
  if (counted !== all)
    throw new Error(`test counts: ${counted} counted of ${all} test files; add a row for the rest`);
  return rows;
}

/** Corpus screens per agent and version folder, with the states they are labelled with. */
export function corpusCounts(
  root: string,
): [agent: string, version: string, screens: number, states: string][] {
  const base = 'test/fixtures/screens';
  const rows: [string, string, number, string][] = [];
  for (const agent of readdirSync(join(root, base)).sort()) {
    for (const version of readdirSync(join(root, base, agent)).sort()) {
      const files = filesUnder(root, join(base, agent, version)).filter((f) => f.endsWith('.screen'));
      if (files.length === 0) continue;
      const states = new Map<string, number>();
      for (const f of files) {
        const head = readFileSync(join(root, f), 'utf8').split('\n---')[0] ?? '';
        const state = /^state:\s*(\S+)/m.exec(head)?.[1] ?? '?';
        states.set(state, (states.get(state) ?? 0) + 1);
      }
      const byState = [...states].sort(([a], [b]) => a.localeCompare(b));
      rows.push([agent, version, files.length, byState.map(([s, n]) => `${s} ${n}`).join(' · ')]);
    }
  }
  return rows;
}

/** The generated Markdown of docs/ARCHITECTURE.md's region (prettier leaves it as written). */
export function architectureRegions(): Record<string, string> {
  return {
    'task-moves': table(
      ['from', 'to (by `wtp task move`, the board or the API)'],
      TASK_STATUSES.map((s) => [
        code(s),
        TASK_MOVES[s].length === 0 ? '— (final)' : TASK_MOVES[s].map(code).join(', '),
      ]),
    ),
  };
}

/** The generated Markdown of DEVELOPERS.md's region: test files per kind, corpus screens per agent. */
export function developerRegions(root: string): Record<string, string> {
  const tests = testCounts(root);
  const corpus = corpusCounts(root);
  const total = (rows: readonly (readonly [unknown, unknown, number, ...unknown[]])[]): number =>
    rows.reduce((n, r) => n + r[2], 0);
  const recorded = corpus.filter(([, v]) => v !== 'synthetic');
  return {
    'test-counts': [
      table(
        ['tests', 'where', 'files'],
        [
          ...tests.map(([kind, where, n]) => [kind, code(where), String(n)]),
          ['**all**', '', `**${total(tests)}**`],
        ],
      ),
      '',
      `The screen corpus (\`test/fixtures/screens/<agent>/<version>/*.screen\`): ${total(recorded)} screens recorded from the real CLIs and\n${total(corpus) - total(recorded)} written from published patterns (\`synthetic\`), each labelled with the state the agent was in:`,
      '',
      table(
        ['agent', 'version', 'screens', 'labelled'],
        corpus.map(([agent, version, n, states]) => [agent, version, String(n), states]),
      ),
    ].join('\n'),
  };
}

/**
 * `text` with each `<!-- generated:NAME -->` … `<!-- /generated:NAME -->` region holding `regions[NAME]`,
 * fenced from prettier. A region the text lacks is an error: the generator and the document must agree.
 */
export function fillRegions(
  text: string,
  regions: Record<string, string>,
  doc = 'docs/ARCHITECTURE.md',
): string {
  let out = text;
  for (const [name, content] of Object.entries(regions)) {
    const open = `<!-- generated:${name} (npm run gen; do not edit) -->`;
    const close = `<!-- /generated:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`${doc} has no region ${open} … ${close}`);
    out = `${out.slice(0, start + open.length)}\n<!-- prettier-ignore-start -->\n${content}\n<!-- prettier-ignore-end -->\n${out.slice(end)}`;
  }
  return out;
}

/** docs/ARCHITECTURE.md as it is, with its generated region as the code says. */
export function architectureDoc(root: string): string {
  return fillRegions(readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8'), architectureRegions());
}

/** DEVELOPERS.md as it is, with its generated region as the code says. */
export function developersDoc(root: string): string {
  return fillRegions(
    readFileSync(join(root, 'DEVELOPERS.md'), 'utf8'),
    developerRegions(root),
    'DEVELOPERS.md',
  );
}
