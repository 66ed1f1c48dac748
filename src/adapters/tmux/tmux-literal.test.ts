import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../test/support/rng.js';
import { literal } from './tmux-args.js';

// The real tmux expands the escaped string exactly as it does `-c`, `-n`, `-s` and `select-pane -T`.
describe('literal(): what tmux expands as a format comes back as the text itself', () => {
  const socket = `wtp-literal-${process.pid}`;
  let markers = '';
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });

  beforeAll(() => {
    markers = mkdtempSync(join(tmpdir(), 'wtp-literal-'));
    tmux('new-session', '-d', '-s', 'literal', '--', 'sleep', '300');
  });
  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(markers, { recursive: true, force: true });
    // tmux 3.3 leaves its socket file behind.
    rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {
      force: true,
    });
  });

  /** Each string set with -F and read back, in one tmux command list (`;` between commands). */
  const expandAll = (strings: readonly string[]): string[] => {
    const args: string[] = [];
    strings.forEach((s, i) =>
      args.push(...(i > 0 ? [';'] : []), 'set-option', '-t', 'literal', '-F', `@wtp_l${i}`, literal(s)),
    );
    strings.forEach((_, i) => args.push(';', 'show-options', '-t', 'literal', '-v', `@wtp_l${i}`));
    return tmux(...args)
      .replace(/\n$/, '')
      .split('\n');
  };

  // `set-option -F` expands as `-c` and `-T` do (display-message would also apply strftime).
  const expand = (s: string): string => {
    tmux('set-option', '-t', 'literal', '-F', '@wtp_literal', literal(s));
    return tmux('show-options', '-t', 'literal', '-v', '@wtp_literal').replace(/\n$/, '');
  };

  it('jobs, variables, aliases, conditionals and styles', () => {
    const job = `#(touch ${join(markers, 'ran')})`;
    for (const s of [
      job,
      `#[fg=red]${job}#[default]`,
      `##[${job}]`,
      '#{pane_id} #{?pane_active,a,b} #{l:x} #S #H #P #W ## #, #} ###',
      '#',
      'ends with #',
      '#[',
      '##[x',
      '%H:%M %%',
    ]) {
      expect(expand(s)).toBe(s);
    }
    expect(existsSync(join(markers, 'ran'))).toBe(false);
  });

  it('random strings of format syntax (seeded)', () => {
    const rng = new Rng(20261123);
    const next = (): number => rng.next();
    const alphabet = [
      '#',
      '#',
      '#',
      '[',
      ']',
      '{',
      '}',
      '(',
      ')',
      ',',
      '?',
      ':',
      'S',
      'x',
      ' ',
      '%',
      'l',
      '=',
      '|',
    ];
    const strings: string[] = [];
    for (let n = 0; n < 300; n++) {
      const len = 1 + Math.floor(next() * 16);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      // Jobs only with a harmless command: `#(true)` would run if unescaped; a marker proves it.
      strings.push(s.replaceAll('#(', `#(touch ${join(markers, `r${n}`)} `));
    }
    // 30 strings to a tmux call (one command list), not two calls each: 600 process starts took
    // over a minute on a loaded machine.
    for (let at = 0; at < strings.length; at += 30) {
      const batch = strings.slice(at, at + 30);
      expect(expandAll(batch)).toEqual(batch);
    }
    expect(readdirSync(markers)).toEqual([]);
  });
});
