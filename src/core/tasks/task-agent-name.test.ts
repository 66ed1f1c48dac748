import { describe, expect, it } from 'vitest';
import { NAME_PATTERN } from '../../protocol/constants.js';
import { taskAgentName, titleSlug } from './task-agent-name.js';

describe('titleSlug', () => {
  it('keeps lower-case letters and digits, one dash between words, accents dropped', () => {
    expect(titleSlug('api')).toBe('api');
    expect(titleSlug('Add the Orders API!')).toBe('add-the-orders-api');
    expect(titleSlug('  --Crème brûlée v2.1 -- ')).toBe('creme-brulee-v2-1');
    expect(titleSlug('fix: $(rm -rf /) #(tmux) `x`')).toBe('fix-rm-rf-tmux-x');
  });

  it('cuts long titles at a word end within 32 characters; "task" when nothing is left', () => {
    const slug = titleSlug('Refactor the authentication middleware so sessions expire');
    expect(slug).toBe('refactor-the-authentication-midd');
    expect(titleSlug('a'.repeat(31) + ' b')).toBe('a'.repeat(31));
    for (const empty of ['', '   ', '日本語のタスク', '🚀', '---']) expect(titleSlug(empty)).toBe('task');
  });
});

describe('taskAgentName', () => {
  const free = () => false;
  it('names attempts and retries, and makes the name unique with -2, -3…', () => {
    expect(taskAgentName({ title: 'api', attempts: 1 }, 1, 1, free)).toBe('api');
    expect(taskAgentName({ title: 'Login', attempts: 3 }, 2, 1, free)).toBe('login-a2');
    expect(taskAgentName({ title: 'Login', attempts: 3 }, 1, 2, free)).toBe('login-a1-r2');
    expect(taskAgentName({ title: 'flaky', attempts: 1 }, 1, 3, free)).toBe('flaky-r3');
    const taken = new Set(['api', 'api-2']);
    expect(taskAgentName({ title: 'API', attempts: 1 }, 1, 1, (n) => taken.has(n))).toBe('api-3');
  });

  it('always gives a valid name, safe for tmux and as a git branch part', () => {
    const titles = ['-x', '#(echo hi)', 'a'.repeat(200), 'ünïcödé', '\u0000nul', 'x..y', 'end.lock'];
    for (const title of titles) {
      const taken = new Set<string>();
      for (let i = 0; i < 12; i++) {
        const name = taskAgentName({ title, attempts: 8 }, 8, 6, (n) => taken.has(n));
        taken.add(name);
        expect(name, title).toMatch(NAME_PATTERN);
        expect(name).not.toMatch(/[.:#/\\\s]|^-|--|-$/);
      }
    }
  });
});
