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
});
