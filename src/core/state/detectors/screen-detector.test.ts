import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from './screen-corpus.js';
import { withoutGapPanel, withoutPanel } from './screen-panels.js';
import {
  compareVersions,
  detectScreen,
  evidenceOf,
  parseVersion,
  selectRuleSet,
  type DetectorTable,
} from './screen-detector.js';

describe('versions', () => {
  it('parses and compares dotted versions', () => {
    expect(parseVersion('2.1.330 (Claude Code)')).toEqual([2, 1, 330]);
    expect(parseVersion('synthetic')).toBeNull();
    expect(parseVersion(null)).toBeNull();
    expect(compareVersions([2, 1, 25], [2, 1, 3])).toBe(1);
    expect(compareVersions([2, 1], [2, 1, 0])).toBe(0);
    expect(compareVersions([1, 9], [2])).toBe(-1);
  });

  const sets = [
    { versions: { to: '2.0.0' }, rules: [] },
    { versions: { from: '2.0.0', to: '2.1.25' }, rules: [] },
    { versions: { from: '2.1.25' }, rules: [] },
  ];
  it('selects the set whose range holds the version (from inclusive, to exclusive)', () => {
    expect(selectRuleSet(sets, '1.0.5')).toBe(sets[0]);
    expect(selectRuleSet(sets, '2.0.0')).toBe(sets[1]);
    expect(selectRuleSet(sets, '2.1.24')).toBe(sets[1]);
    expect(selectRuleSet(sets, '2.1.25')).toBe(sets[2]);
  });
  it('selects the newest set with no version or an unparsable one', () => {
    expect(selectRuleSet(sets, null)).toBe(sets[2]);
    expect(selectRuleSet(sets, 'synthetic')).toBe(sets[2]);
    expect(selectRuleSet([sets[1]!, sets[0]!], '9.9.9')).toBe(sets[1]);
  });
});

describe('detectScreen engine', () => {
  const table: DetectorTable = {
    demo: [
      {
        versions: {},
        rules: [
          // Deliberately listed idle-first: the engine still runs waiting, then busy, then idle.
          { id: 'prompt', state: 'idle', reason: 'at_prompt', within: 'bottom', all: [/^\$ ?$/] },
          { id: 'busy', state: 'working', any: [/working\.\.\./], unless: [/^paused$/] },
          { id: 'ask', state: 'needs_input', reason: 'question', all: [/^\s*Q: .+\?$/, /^\[answer\]$/] },
          {
            id: 'box',
            state: 'needs_permission',
            within: 'bottom',
            any: [/(?:^|\n)─+\n\| allow\? \|\n─+/],
            about: [
              // A subject wrapped over two rows, joined by the rule's value.
              { pattern: /(?:^|\n)\| run: (\S+)-\|\n\| (\S+) \|/, value: (m) => `${m[1]}-${m[2]}` },
              /^\| run: (.+) \|$/,
            ],
          },
        ],
      },
    ],
  };
  const run = (lines: string[]) => detectScreen(table, 'demo', null, { lines });

  it('returns null for an unknown agent, an empty screen, a screen no rule knows', () => {
    expect(detectScreen(table, 'nobody', null, { lines: ['$'] })).toBeNull();
    expect(run([])).toBeNull();
    expect(run(['', '   ', ''])).toBeNull();
    expect(run(['splash'])).toBeNull();
  });

  it('runs waiting before busy before idle, whatever the table order', () => {
    expect(run(['working...', '$'])?.state).toBe('working');
    expect(run(['Q: go on?', '[answer]', 'working...', '$'])?.state).toBe('needs_input');
    expect(run(['$'])).toMatchObject({ state: 'idle', reason: 'at_prompt', rule: 'demo/prompt', line: 0 });
  });

  it('needs every pattern of an `all` rule', () => {
    expect(run(['Q: go on?'])).toBeNull();
  });

  it('honours `unless`', () => {
    expect(run(['working...', 'paused'])).toBeNull();
  });

  it('reports the 0-based row of the first pattern, trimmed and clipped', () => {
    const v = run(['', 'x', '  Q: ' + 'a'.repeat(200) + '?  ', '', '[answer]', '', '']);
    expect(v?.line).toBe(2);
    expect(v?.text.length).toBe(120);
    expect(v?.text.startsWith('Q: aaa')).toBe(true);
  });

  it('matches a pattern with \\n across rows, skipping empty rows', () => {
    // The reported row is the first one of the match that is more than a border.
    expect(run(['─────', '', '| allow? |', '─────'])).toMatchObject({ state: 'needs_permission', line: 2 });
  });

  it('looks only at the last 30 non-empty rows, and `bottom` at the last 12', () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `row ${i}`);
    expect(run(['working...', ...filler(30)])).toBeNull();
    expect(run(['working...', ...filler(29)])?.state).toBe('working');
    expect(run(['$', ...filler(12)])).toBeNull();
  });

  it('writes evidence with the rule, the row and the text', () => {
    const v = run(['a', 'working...']);
    expect(v === null ? '' : evidenceOf(v)).toBe('screen demo/busy line 1: "working..."');
  });

  it('tells what a dialog asks about when its rule captures it, and writes it in the evidence', () => {
    const v = run(['| run: rm -rf "build" |', '─────', '| allow? |', '─────']);
    expect(v?.about).toBe('rm -rf "build"');
    expect(v === null ? '' : evidenceOf(v)).toBe(
      'screen demo/box line 2: "| allow? |" about "rm -rf \\"build\\""',
    );
    expect(run(['─────', '| allow? |', '─────'])?.about).toBeUndefined();
    expect(run(['| run: make-|', '| build |', '─────', '| allow? |', '─────'])?.about).toBe('make-build');
  });
});

describe('parseCorpusScreen', () => {
  it('reads headers, the expected state, the reason and the rows (blank rows kept)', () => {
    const s = parseCorpusScreen('state: idle\nreason: at_prompt\nnote: synthetic\n---\n\nrow 1   \n\n❯\n');
    expect(s).toEqual({
      headers: { state: 'idle', reason: 'at_prompt', note: 'synthetic' },
      expected: 'idle',
      reason: 'at_prompt',
      lines: ['', 'row 1', '', '❯'],
    });
  });

  it('accepts none and rejects an unknown state or a missing separator', () => {
    expect(parseCorpusScreen('state: none\n---\nx').expected).toBe('none');
    expect(() => parseCorpusScreen('state: sleeping\n---\nx')).toThrow(/unknown state/);
    expect(() => parseCorpusScreen('state: idle\nx')).toThrow(/---/);
    expect(() => parseCorpusScreen('note: x\n---\n')).toThrow(/state/);
  });
});

describe('withoutPanel', () => {
  const pad = (s: string) => s.padEnd(50, ' ');
  it('cuts every row at the column where most rows hold the border, and leaves rows without it', () => {
    const rows = [
      `${pad(' Do you want to proceed?')}│1 file changed`,
      `${pad(' ❯ 1. Yes')}│a.txt  +1 -1`,
      `${pad('')}│`,
      `${pad(' 2. No')}│`,
      ' Esc to cancel',
      '',
    ];
    expect(withoutPanel(rows, '│')).toEqual([
      pad(' Do you want to proceed?'),
      pad(' ❯ 1. Yes'),
      pad(''),
      pad(' 2. No'),
      ' Esc to cancel',
      '',
    ]);
  });

  it('cuts nothing where the border is on few rows, or near the left (a frame, a quote)', () => {
    const rows = [`${pad(' one')}│x`, ' two', ' three', ' four', ' │ quoted', ' │ quoted'];
    expect(withoutPanel(rows, '│')).toBe(rows);
  });
});

describe('withoutGapPanel', () => {
  const pad = (s: string) => s.padEnd(60, ' ');
  it('cuts every row where the panel text begins after a gap no row crosses', () => {
    const rows = [
      `${pad('  ┃  △ Permission required')}Context`,
      `${pad('  ┃  $ node p.mjs c.json r.json')}/tmp/work/a-repository/`,
      `${pad('  ┃')}.worktrees/c-ask:main`,
      '  ┃   Allow once   Allow always   Reject',
      `${pad('  ┃')}  • OpenCode 1.18.33`,
    ];
    expect(withoutGapPanel(rows)).toEqual([
      pad('  ┃  △ Permission required'),
      pad('  ┃  $ node p.mjs c.json r.json'),
      pad('  ┃'),
      '  ┃   Allow once   Allow always   Reject',
      pad('  ┃'),
    ]);
  });

  it('cuts nothing where a row crosses the column, or too few rows begin there', () => {
    const crossed = [
      `${pad(' one')}panel`,
      `${pad(' two')}panel`,
      `${pad(' three')}panel`,
      `${' a line that runs on past the column'.padEnd(59, '-')}and on`,
    ];
    expect(withoutGapPanel(crossed)).toBe(crossed);
    const few = [`${pad(' one')}x`, `${pad(' two')}y`, ' three'];
    expect(withoutGapPanel(few)).toBe(few);
  });

  it('cuts nothing near the left (an indented list, a table)', () => {
    const rows = ['  a      b', '  c      d', '  e      f', '  g      h'];
    expect(withoutGapPanel(rows)).toBe(rows);
  });
});
