import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../test/support/rng.js';
import { literal } from './tmux-mux.js';

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
    for (let n = 0; n < 300; n++) {
      const len = 1 + Math.floor(next() * 16);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      // Jobs only with a harmless command: `#(true)` would run if unescaped; a marker proves it.
      s = s.replaceAll('#(', `#(touch ${join(markers, `r${n}`)} `);
      expect(expand(s), JSON.stringify(s)).toBe(s);
    }
    expect(readdirSync(markers)).toEqual([]);
  });
});
