import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { ERROR_CATALOG } from './error-catalog.js';
import { appError, ERROR_MESSAGES, errorMessage, type MessageCode } from './error-messages.js';
import { errorLines } from './error-text.js';
import { AGENT_MESSAGES } from './messages/agents.js';
import { DAEMON_MESSAGES } from './messages/daemon.js';
import { FLEET_MESSAGES } from './messages/fleet.js';
import { GIT_MESSAGES } from './messages/git.js';

const codes = Object.keys(ERROR_MESSAGES) as MessageCode[];
const fieldsOf = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('error messages from the catalog', () => {
  it('says one sentence of what happened and one of what to do, for codes of the catalog', () => {
    for (const code of codes) {
      expect(ERROR_CATALOG[code]).toBeDefined();
      for (const pair of ERROR_MESSAGES[code])
        for (const sentence of pair) {
          // One sentence: it ends once, and nothing but a quote or a command holds another stop.
          const bare = sentence.replace(/"\{\w+\}"|`[^`]*`|\{\w+\}/g, 'X');
          expect(bare, sentence).toMatch(/^[A-Z"X][^.?!]*[.?]$/);
        }
    }
  });

  it('takes each code from one area only (a second would replace the first unseen)', () => {
    const areas = [AGENT_MESSAGES, GIT_MESSAGES, DAEMON_MESSAGES, FLEET_MESSAGES].map((a) => Object.keys(a));
    expect(areas.flat().length).toBe(new Set(areas.flat()).size);
  });

  it("fills the fields, and says a suggestion when there is one, else the code's advice", () => {
    expect(errorMessage('AGENT_NOT_FOUND', { ref: 'api', suggestion: 'api2' })).toBe(
      'No agent is named "api". Did you mean "api2"?',
    );
    expect(errorMessage('AGENT_NOT_FOUND', { ref: 'api', suggestion: null })).toBe(
      'No agent is named "api". Run `wtp ls` to see the agents.',
    );
    expect(errorMessage('AGENT_AMBIGUOUS', { ref: 'api', candidates: ['shop/api', 'blog/api'] })).toBe(
      '"api" names agents in several places: shop/api, blog/api. Name one of them as shown.',
    );
    const err = appError('TASK_NOT_FOUND', { task: 't-1', missing: ['t-1'] });
    expect(err).toBeInstanceOf(AppError);
    expect(err.details).toEqual({ task: 't-1', missing: ['t-1'] });
  });

  it('has, for every code, a last pair said with only its own fields', () => {
    for (const code of codes) {
      const last = ERROR_MESSAGES[code].at(-1) as readonly [string, string];
      const fields = Object.fromEntries(fieldsOf(last.join(' ')).map((f) => [f, `<${f}>`]));
      expect(errorMessage(code, fields as never)).toBe(last.join(' ').replace(/\{(\w+)\}/g, '<$1>'));
    }
  });

  it('is the only way these codes are made: no message of theirs is written at a throw site', () => {
    const root = join(import.meta.dirname, '..');
    const written = sources(root).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new AppError\(\s*'([A-Z_]+)'/g)]
        .filter((m) => (codes as string[]).includes(m[1] as string))
        .map((m) => `${file.slice(root.length + 1)}: ${m[1]}`),
    );
    expect(written).toEqual([]);
  });
});

describe('an error as the terminal shows it', () => {
  it('adds the next steps one a line, and the last 10 lines a failed test printed', () => {
    const output = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n');
    const err = {
      code: 'MERGE_TEST_FAILED',
      message: 'The test failed.',
      details: { output, next: ['a', 'b'] },
    };
    expect(errorLines(err, false)).toEqual([
      'error: The test failed. [MERGE_TEST_FAILED]',
      '  - a',
      '  - b',
      '  its last lines:',
      ...Array.from({ length: 10 }, (_, i) => `    line ${i + 3}`),
    ]);
    // Elsewhere `output` may name a file: it is not printed as lines.
    expect(errorLines({ ...err, code: 'DAEMON_START_FAILED', details: { output: '/x/out' } }, false)).toEqual(
      ['error: The test failed. [DAEMON_START_FAILED]'],
    );
  });
});
