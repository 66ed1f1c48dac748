import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blocks,
  citedFiles,
  commandPattern,
  figures,
  holds,
  numbersOf,
  type Block,
} from '../support/doc-figures.js';
import { guides } from '../support/doc-files.js';
import { goalBlocks, meets, statedGoals } from '../support/doc-goals.js';
import { REPO } from '../support/harness.js';

/**
 * What the console-block tests cannot see in the prose of README.md and the guides: claims that
 * something is not built, performance figures without their result file, links to nothing.
 */

const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');

/** Markdown without its code blocks (their text is tested by running it). */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```$/gm, '');

describe('README.md and the guides', () => {
  it('claim nothing is "not yet built" (every feature they name has its command)', () => {
    const claims = guides().flatMap((f) =>
      prose(read(f))
        .split('\n')
        .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
        .filter(({ line }) => /not (?:yet )?(?:built|implemented)|not built yet|coming soon/i.test(line)),
    );
    expect(claims).toEqual([]);
  });

  it('take every performance figure from a committed result file, named with the command that wrote it', () => {
    const section = /^## Performance\n([\s\S]*?)^## /m.exec(read('README.md'))?.[1] ?? '';
    const rows = section.split('\n').filter((l) => /^\| .*bench-results\//.test(l));
    expect(rows.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const row of rows) {
      const file = /\]\((docs\/bench-results\/[^)]+\.json)\)/.exec(row)?.[1];
      expect(row, 'a figure without its result file').toMatch(
        /`npm run -s bench -- --only [\w,]+(?: --[\w-]+(?: \d+)?)*`/,
      );
      if (!file || !existsSync(join(REPO, file))) {
        missing.push(`${row}: no file ${file ?? ''}`);
        continue;
      }
      // Every number the row shows (figure and setting) is a number of its file, at the precision shown.
      const numbers = [...read(file).matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
      const [figure = '', measured = ''] = row.split('|').slice(1, 3);
      for (const shown of `${figure} ${measured}`.replace(/(\d),(\d{3})/g, '$1$2').match(/\d+(?:\.\d+)?/g) ??
        []) {
        const decimals = shown.split('.')[1]?.length ?? 0;
        if (!numbers.some((n) => n.toFixed(decimals) === shown))
          missing.push(`${shown} in "${figure.trim()}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('README names every part `npm run bench -- --only` takes, and no other', () => {
    const parts = /const PARTS = \[([^\]]*)\]/.exec(read('bench/run.ts'))?.[1]?.match(/'([a-z]+)'/g);
    const said = /`--only core`,([\s\S]*?) runs one part/.exec(read('README.md'))?.[1]?.match(/`([a-z]+)`/g);
    const names = (list: string[] | null | undefined) => (list ?? []).map((x) => x.replace(/[`']/g, ''));
    expect(['core', ...names(said)].sort()).toEqual(names(parts).sort());
  });

  it('give the package size `npm pack` makes (docs/install.md), within a tenth', () => {
    const said = /wezterm-parallel-<version>\.tgz` \(about ([\d.]+) MB/.exec(read('docs/install.md'))?.[1];
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    const [{ size = 0 } = {}] = JSON.parse(out) as { size?: number }[];
    expect(Math.abs(Number(said) * 1e6 - size) / size, `said ${said} MB, packed ${size} bytes`).toBeLessThan(
      0.1,
    );
  });

  it('link to files that exist', () => {
    /** Written by changes merged together with these guides (the reference, the plan format). */
    const broken = guides().flatMap((f) =>
      [...prose(read(f)).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => join(dirname(f), target))
        .filter((path) => !existsSync(join(REPO, path)))
        .map((path) => `${f} → ${path}`),
    );
    expect(broken).toEqual([]);
  });
});

/** The sections (`## ` headings) of each document whose every figure must come from a result file. */
const PERFORMANCE_SECTIONS: Record<string, RegExp> = {
  'README.md': /^## Performance$/,
  'docs/ARCHITECTURE.md': /^## \d+\. (?:Performance|Scalability)$/,
  'docs/performance.md': /^/,
};

const numbersOfFile = (file: string): number[] => numbersOf(read(join('docs/bench-results', file)));

/**
 * What a block's figures are checked against: the result files it cites, else those of the closest
 * block above it in the same section (`##`, and `###` when there is one) that cites any — the
 * sentence before a table, or the row above a note — with that block's text, where the command that
 * wrote them must be named.
 */
function sources(block: Block, all: readonly Block[]): { files: string[]; text: string } {
  const own = citedFiles(block.text);
  if (own.length > 0) return { files: own, text: block.text };
  const above = all
    .slice(0, all.indexOf(block))
    .reverse()
    .find((b) => b.h2 === block.h2 && b.h3 === block.h3 && citedFiles(b.text).length > 0);
  return above ? { files: citedFiles(above.text), text: above.text } : { files: [], text: '' };
}

/** The problems of a document's figures: in its performance sections, and in any block that cites a file. */
function figureProblems(doc: string, performance: RegExp | undefined): string[] {
  const all = blocks(read(doc));
  return all.flatMap((block) => {
    const where = `${doc}:${block.line}`;
    const shown = figures(block.text);
    const inScope = performance?.test(block.h2) ?? false;
    if (shown.length === 0 || (!inScope && citedFiles(block.text).length === 0)) return [];
    const { files, text } = inScope
      ? sources(block, all)
      : { files: citedFiles(block.text), text: block.text };
    if (files.length === 0) return [`${where}: ${shown.join(', ')} without a result file`];
    const missing = files.filter((f) => !existsSync(join(REPO, 'docs/bench-results', f)));
    if (missing.length > 0) return [`${where}: cites ${missing.join(', ')}, which is not committed`];
    const numbers = files.flatMap(numbersOfFile);
    const problems = shown
      .filter((n) => !holds(numbers, n))
      .map((n) => `${where}: ${n} is in none of ${files.join(', ')}`);
    if (inScope)
      for (const f of files)
        if (!commandPattern(f).test(text)) problems.push(`${where}: ${f} without the command that wrote it`);
    return problems;
  });
}

/** A document without its generated regions (`<!-- generated:NAME -->` … `<!-- /generated:NAME -->`), lines kept. */
const withoutGenerated = (text: string): string =>
  text.replace(/<!-- generated:[\s\S]*?<!-- \/generated:[^>]*-->/g, (r) => r.replace(/[^\n]/g, ''));

describe('counts of tests and corpus screens', () => {
  it('are typed nowhere but beside the result file that holds them: DEVELOPERS.md generates them', () => {
    const typed = ['README.md', 'DEVELOPERS.md', ...guides().filter((f) => f !== 'README.md')].flatMap(
      (doc) =>
        blocks(withoutGenerated(read(doc)))
          .filter((b) => citedFiles(b.text).length === 0)
          .flatMap((b) =>
            [
              ...b.text.matchAll(
                /\b\d[\d,]* (?:recorded |corpus )?(?:screens|test files|tests|test cases|cases)\b/g,
              ),
            ].map((m) => `${doc}:${b.line}: ${m[0]}`),
          ),
    );
    expect(typed).toEqual([]);
  });
});

describe('performance figures', () => {
  it.each(Object.entries(PERFORMANCE_SECTIONS))(
    '%s: every figure of its performance sections is a number of a result file cited beside it (the block, else the closest above it in its section), with the command that wrote it',
    (doc, sections) => {
      expect(figureProblems(doc, sections)).toEqual([]);
    },
  );

  it('every guide shows, in a block that cites a result file, only numbers of that file', () => {
    const docs = guides().filter((f) => !(f in PERFORMANCE_SECTIONS));
    expect(docs.flatMap((doc) => figureProblems(doc, undefined))).toEqual([]);
  });

  it('the load at each run’s start is its file’s, and the range performance.md states is theirs', () => {
    const text = read('docs/performance.md');
    const rows = [
      ...text.matchAll(/^\| \[[^\]]+\]\(bench-results\/([^)]+\.json)\) +\|[^|]+\| ([\d.]+) +\|$/gm),
    ];
    expect(rows.length).toBeGreaterThan(10);
    const loads = rows.map(([, file = '', shown = '']) => {
      const doc = JSON.parse(read(join('docs/bench-results', file))) as {
        machine?: { loadavgAtStart?: number[] };
      };
      expect(Number(shown), file).toBe(doc.machine?.loadavgAtStart?.[0]);
      return Number(shown);
    });
    const range = /They\s+range from ([\d.]+) to ([\d.]+)/.exec(text);
    expect(range?.slice(1).map(Number)).toEqual([Math.min(...loads), Math.max(...loads)]);
  });

  it('every goal said met or not met is what the figure beside it says (test/support/doc-goals.ts)', () => {
    let checked = 0;
    const wrong = guides().flatMap((doc) =>
      goalBlocks(read(doc)).flatMap((b) =>
        statedGoals(b.text, b.header).flatMap((g) =>
          Object.entries(g.verdict).flatMap(([stat, said]) => {
            checked++;
            const figure = g.figure[stat as keyof typeof g.figure];
            if (figure === undefined) return [`${doc}:${b.line}: ${g.text} (${stat}): no figure beside it`];
            return meets(g, figure) === said
              ? []
              : [`${doc}:${b.line}: ${g.text} (${stat}) said ${said ? 'met' : 'not met'}, but ${figure}`];
          }),
        ),
      ),
    );
    expect(wrong).toEqual([]);
    // performance.md, ARCHITECTURE and README state 38 verdicts today (performance.md 25 of them): the
    // reading has not gone blind, and no verdict went missing when a figure moved between them.
    expect(checked).toBeGreaterThanOrEqual(38);
  });

  it('reads goals and their verdicts as documented', () => {
    const [tui] = statedGoals('| tui | p50 38 ms, p99 186 ms: the goal of p99 < 100 ms is **met** | x |');
    expect(tui).toMatchObject({ bound: 100, unit: 'ms', verdict: { all: true }, figure: { all: 186 } });
    expect(tui && meets(tui, 186)).toBe(false);
    const [split] = statedGoals('p50 1254 ms, p99 1896.1 ms (goal < 1.5 s: met at p50, not at p99)');
    expect(split).toMatchObject({
      bound: 1500,
      verdict: { p50: true, p99: false },
      figure: { p50: 1254, p99: 1896.1 },
    });
    const [mem] = statedGoals('| m | 89.7 MiB: the < 80 MB target is **not met** |');
    expect(mem?.figure.all).toBeCloseTo(94.06, 1);
    const header = ['figure', 'measured', 'ratio', 'goal'];
    const [ratio] = statedGoals('| `ls` (p50 of 15) | 798.7 ms | 1.58 | ≤ 1.5×: **not met** |', header);
    expect(ratio).toMatchObject({
      bound: 1.5,
      strict: false,
      unit: '×',
      verdict: { all: false },
      figure: { all: 1.58 },
    });
    // A figure, a setting or a goal without a verdict is no stated goal.
    expect(statedGoals('p99 5.2 ms (goal < 20 ms; a bare Node process: 3.99 ms)')).toEqual([]);
    expect(statedGoals('| 100 agents, 20 ms apart | 5.2 ms | < 20 ms |')).toEqual([]);
  });

  it('reads figures, blocks and commands as documented', () => {
    expect(
      figures('p50 1,655 ms, 2.16× and ×0.92; 0.7 / 1 / 1.5 % of a core; `stopGraceMs: 5000 ms`; 10 agents'),
    ).toEqual(['1655', '2.16', '0.7', '1', '1.5', '0.92']);
    expect(figures('[a](bench-results/2026-11-23-core.json) took 0.05–0.15 s')).toEqual(['0.05', '0.15']);
    expect(
      blocks('## A\n\npara\nmore\n\n- item\n  cont\n- two\n\n| a | b |\n| - | - |\n| 1 | 2 |\n').map(
        (b) => b.text,
      ),
    ).toEqual(['para\nmore', '- item\n  cont', '- two', '| a | b |', '| 1 | 2 |']);
    expect(commandPattern('2026-11-24-tui-paint.json').test('`npm run -s bench -- --only tui`')).toBe(true);
    expect(
      commandPattern('2026-11-25-contention.json').test(
        '`npm run -s bench -- --only core,tui --contention 4`',
      ),
    ).toBe(true);
    expect(commandPattern('2026-11-25-contention.json').test('`npm run -s bench -- --only core,tui`')).toBe(
      false,
    );
    expect(
      commandPattern('2026-11-23-vendors.json').test('`npm run -s bench -- --only states,vendors`'),
    ).toBe(true);
    expect(commandPattern('2026-11-23-core.json').test('`npm run -s bench -- --only corex`')).toBe(false);
  });
});
