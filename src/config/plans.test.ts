import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { YAML_BOMB } from '../../test/support/yaml-bomb.js';
import { parsePlan } from './plans.js';

const failure = (text: string): AppError => {
  try {
    parsePlan(text, 'plan.yaml');
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('the plan was accepted');
};

describe('parsePlan', () => {
  it('refuses an alias to no anchor and a YAML bomb as invalid input (not an internal error)', () => {
    for (const text of ['*fz', 'tasks:\n  - *nothing\n', YAML_BOMB]) {
      const err = failure(text);
      expect(err.code, text).toBe('INVALID_INPUT');
      expect(err.message, text).toMatch(/^Plan plan\.yaml: /);
    }
    expect(failure(YAML_BOMB).message).toMatch(/alias/i);
  });

  it('parses the example plan of the docs (docs/examples/plan.yaml)', () => {
    const file = new URL('../../docs/examples/plan.yaml', import.meta.url);
    const plan = parsePlan(readFileSync(file, 'utf8'), 'plan.yaml');
    expect(plan.workspace).toBeUndefined(); // the current directory's
    expect(plan.tasks.map((t) => [t.name, t.title ?? null, t.after ?? []])).toEqual([
      ['schema', null, []],
      ['api', 'Orders API', ['schema']],
      ['page', 'Orders page', ['api']],
      ['docs', 'Document the orders API', ['api']],
    ]);
  });
});
