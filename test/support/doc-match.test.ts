import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlocks, rewriteBlocks } from './doc-blocks.js';
import { align, Bindings, compare, matchLine, outputLines } from './doc-match.js';
import { REPO } from './harness.js';

describe('matchLine', () => {
  it('lets ids, pids, times, durations, sizes, CPU and event numbers vary', () => {
    const shown = 'a1    ag-edwfajaydw  shell    running  16711  7s      0.0   3.6M  /tmp/tour/proj';
    const real = 'a1 ag-3k2m9x4q1p shell running 9044 1m05s 12.5 252M /tmp/tour/proj';
    expect(matchLine(shown, real)).toEqual(['ag-3k2m9x4q1p', '9044']);
    expect(
      matchLine(
        '#23 11:59:26.204  agent.exited  pid 18224 after 5997 ms',
        '#7 09:01:02.003 agent.exited pid 77 after 12 ms',
      ),
    ).toEqual(['77']);
    expect(
      matchLine(
        'since 2026-11-23T12:17:33.036Z on 2026-11-23',
        'since 2027-01-02T03:04:05.600Z on 2027-01-02',
      ),
    ).toEqual([]);
    expect(matchLine('8.0 MiB, 0B', '123.4 MiB, 17K')).toEqual([]);
  });

  it('keeps words, short numbers, states and versions literal', () => {
    expect(matchLine('sent 20 byte(s) to sh', 'sent 21 byte(s) to sh')).toBeNull();
    expect(matchLine('a4  shell  running', 'a4  shell  exited(pane closed)')).toBeNull();
    expect(matchLine('wezterm-parallel 0.1.0 daemon', 'wezterm-parallel 0.2.0 daemon')).toBeNull();
    expect(matchLine('7 total: 6 running', '7 total: 5 running')).toBeNull();
    expect(matchLine('ag-edwfajaydw', 'tk-edwfajaydw')).toBeNull();
  });

  it('ignores how wide a run of blanks is, and trailing blanks', () => {
    expect(matchLine('NAME  ID', 'NAME            ID   ')).toEqual([]);
    expect(matchLine('NAME ID', 'NAMEID')).toBeNull();
  });

  it('reads … inside a line as any text', () => {
    expect(
      matchLine('web  cmd …python3 -m http.server', 'web cmd /root/.pyenv/shims/python3 -m http.server'),
    ).toEqual([]);
    expect(matchLine('web  cmd …python3 -m http.server', 'web cmd python2 -m http.server')).toBeNull();
  });
});

describe('compare', () => {
  it('matches any number of lines with a … line, and none', () => {
    const shown = ['first', '  …', 'last'];
    expect(compare(shown, ['first', 'a', 'b', 'c', 'last'], new Bindings()).ok).toBe(true);
    expect(compare(shown, ['first', 'last'], new Bindings()).ok).toBe(true);
    expect(compare(shown, ['first', 'a'], new Bindings()).ok).toBe(false);
  });

  it('fails on a changed output, with a diff of shown (-) and printed (+) lines', () => {
    const shown = ['web: exited(SIGTERM)', 'done'];
    const r = compare(shown, ['web: exited(SIGKILL)', 'done'], new Bindings());
    expect(r.ok).toBe(false);
    expect(r.problem).toBe('- web: exited(SIGTERM)\n+ web: exited(SIGKILL)\n  done');
  });

  it('fails on an extra or a missing line', () => {
    expect(compare(['a', 'b'], ['a', 'b', 'c'], new Bindings()).problem).toBe('  a\n  b\n+ c');
    expect(compare(['a', 'b'], ['a'], new Bindings()).problem).toBe('  a\n- b');
  });

  it('ties an id to one agent for the whole document', () => {
    const b = new Bindings();
    expect(compare(['started sh (ag-x3q3ykzgj6)'], ['started sh (ag-aaaaaaaaaa)'], b).ok).toBe(true);
    expect(compare(['sh  ag-x3q3ykzgj6'], ['sh  ag-aaaaaaaaaa'], b).ok).toBe(true);
    const other = compare(['sh  ag-x3q3ykzgj6'], ['sh  ag-bbbbbbbbbb'], b);
    expect(other.ok).toBe(false);
    expect(other.problem).toContain('ag-x3q3ykzgj6 was ag-aaaaaaaaaa earlier');
    expect(compare(['web  ag-vpgcmrcd3g'], ['web  ag-aaaaaaaaaa'], b).ok).toBe(false);
  });

  it('does not keep a shown line whose id stands for another agent', () => {
    const b = new Bindings();
    compare(
      ['added tk-dtfskaqqwc: schema', 'added tk-7n4q2nhkez: api'],
      ['added tk-aaaaaaaaaa: schema', 'added tk-bbbbbbbbbb: api'],
      b,
    );
    const r = compare(['task-dtfskaqq  tk-dtfskaqqwc'], ['task-bbbbbbbb  tk-bbbbbbbbbb'], b);
    expect(r.ok).toBe(false);
    expect(r.updated).toEqual(['task-7n4q2nhk  tk-7n4q2nhkez']);
  });

  it('runs commands with the real values of the shown ids and pids', () => {
    const b = new Bindings();
    compare(['daemon started (pid 16585)'], ['daemon started (pid 4242)'], b);
    expect(b.toReal('kill -9 16585')).toBe('kill -9 4242');
    expect(b.toReal('kill -9 16586')).toBe('kill -9 16586');
  });
});

describe('what npm run docs:update writes', () => {
  it('keeps the shown lines that match and the … lines, and puts the new output where it differs', () => {
    const b = new Bindings();
    compare(['started web (ag-vpgcmrcd3g), pid 18224'], ['started web (ag-aaaaaaaaaa), pid 901'], b);
    const shown = ['web  ag-vpgcmrcd3g  18224  11:59:28', 'old', '…', 'end'];
    const real = ['web  ag-aaaaaaaaaa  901  10:00:00', 'new', 'x', 'y', 'end'];
    expect(compare(shown, real, b).updated).toEqual([
      'web  ag-vpgcmrcd3g  18224  11:59:28',
      'new',
      '…',
      'end',
    ]);
  });

  it('keeps the line after a … in its place when it changed', () => {
    const shown = ['first', '…', 'end: ok'];
    expect(compare(shown, ['first', 'x', 'end: changed'], new Bindings()).updated).toEqual([
      'first',
      '…',
      'end: changed',
    ]);
  });

  it('shows a reworded line with the values the document gave it, so later commands still find them', () => {
    const b = new Bindings();
    const r = compare(['daemon started (pid 16585)'], ['the daemon runs, pid 4242'], b);
    expect(r.updated).toEqual(['the daemon runs, pid 16585']);
    expect(b.toReal('kill -9 16585')).toBe('kill -9 4242');
  });

  it('aligns a table again when a row changed', () => {
    const shown = ['NAME  PID    STATE', 'a1    16711  running'];
    const real = ['NAME  PID   STATE', 'a1    9044  running', 'a2    9045  exited'];
    const b = new Bindings();
    expect(compare(shown, real, b).updated).toEqual([
      'NAME  PID    STATE',
      'a1    16711  running',
      'a2    9045   exited',
    ]);
  });

  it('leaves the lines around a table alone', () => {
    const shown = ['note: a line', 'NAME  PID    PANE', 'a1    16711  %0'];
    const real = ['note: a line', 'NAME  PID   PANE', 'a1    9044  %2'];
    expect(compare(shown, real, new Bindings()).updated).toEqual([
      'note: a line',
      'NAME  PID    PANE',
      'a1    16711  %2',
    ]);
  });

  it('rewrites the output of a block in place', () => {
    const md = [
      'intro',
      '```console',
      '$ wtp ls',
      'old 1',
      'old 2',
      '$ wtp status',
      'kept',
      '```',
      'after',
    ].join('\n');
    const [block] = parseBlocks(md);
    const first = block?.commands[0];
    if (!first) throw new Error('no command');
    expect(rewriteBlocks(md, new Map([[first.line, ['new']]]))).toBe(
      ['intro', '```console', '$ wtp ls', 'new', '$ wtp status', 'kept', '```', 'after'].join('\n'),
    );
  });
});

describe('outputLines', () => {
  it('maps the run’s paths to the shown ones, drops colours, carriage returns and trailing blank lines', () => {
    const out = outputLines('\x1b[32mrunning\x1b[0m in /tmp/x/proj\r\nstate /tmp/x\n\n', [
      { real: '/tmp/x', shown: '/tmp/tour/home' },
      { real: '/tmp/x/proj', shown: '/tmp/tour/proj' },
    ]);
    expect(out).toEqual(['running in /tmp/tour/proj', 'state /tmp/tour/home']);
  });
});

describe('parseBlocks', () => {
  it('reads commands, their output and the directives of the comment before the block', () => {
    const md = [
      '<!-- doc-test:',
      'new-session claude',
      '@2 wait-state api idle',
      "@2 wait: wtp ls | grep -q 'x y'",
      '-->',
      '',
      '```console',
      '$ wtp new claude --name api \\',
      "  --prompt 'hi'",
      'started api',
      '$ wtp ls',
      '```',
    ].join('\n');
    const [block] = parseBlocks(md);
    expect(block?.directives).toEqual([
      { before: 1, name: 'new-session', arg: 'claude' },
      { before: 2, name: 'wait-state', arg: 'api idle' },
      { before: 2, name: 'wait', arg: "wtp ls | grep -q 'x y'" },
    ]);
    expect(block?.commands.map((c) => [c.line, c.text, c.shown])).toEqual([
      [8, "wtp new claude --name api \n  --prompt 'hi'", ['started api']],
      [11, 'wtp ls', []],
    ]);
  });

  it('refuses output before the first command', () => {
    expect(() => parseBlocks('```console\noutput\n```')).toThrow(/must start with a "\$ " command/);
  });
});

describe('align', () => {
  it('prefers matching lines over dropping them', () => {
    expect(align(['a', 'b', 'c'], ['a', 'c']).steps.map((s) => s.op)).toEqual(['same', 'missing', 'same']);
  });
});

describe('a doctored block of the README', () => {
  const up = parseBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'))
    .flatMap((b) => b.commands)
    .find((c) => c.text === 'wtp up --detach');
  if (!up) throw new Error('the README shows no `wtp up --detach`');
  // What a run prints, in its own words: other pids, another port already mapped back to 7537.
  const printed = up.shown.map((l) => l.replace(/pid \d+/, 'pid 4242'));

  it('matches what the README shows when only the pids differ', () => {
    expect(compare(up.shown, printed, new Bindings()).ok).toBe(true);
  });

  it('fails when a line of the output changes, and says which', () => {
    const changed = printed.map((l) => l.replace('tmux (auto:', 'headless (auto:'));
    const r = compare(up.shown, changed, new Bindings());
    expect(r.ok).toBe(false);
    expect(r.problem).toMatch(/^- {3}Backend {4}tmux \(auto:.*\n\+ {3}Backend {4}headless \(auto:/m);
  });

  it('fails when a line goes missing or one is added', () => {
    expect(compare(up.shown, printed.slice(0, -1), new Bindings()).ok).toBe(false);
    expect(compare(up.shown, [...printed, 'warning: something new'], new Bindings()).ok).toBe(false);
  });
});
