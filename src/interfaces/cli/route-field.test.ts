import { describe, expect, it } from 'vitest';
import { FieldProblem, fieldValue, type RouteField } from './route-field.js';

const problem = (f: RouteField, text: string) => {
  const v = fieldValue(f, text);
  return v instanceof FieldProblem ? v.message : null;
};

describe('fieldValue', () => {
  it('checks a closed set and says its members', () => {
    const f: RouteField = { type: 'string', values: ['never', 'always'] };
    expect(fieldValue(f, 'always')).toBe('always');
    expect(problem(f, 'sometimes')).toBe('must be one of "never", "always"');
  });

  it('turns numbers into numbers within their bounds', () => {
    const int: RouteField = { type: 'integer', min: 1, max: 10 };
    expect(fieldValue(int, '7')).toBe(7);
    for (const bad of ['0', '11', '2.5', 'x', ' '])
      expect(problem(int, bad), bad).toBe('must be a whole number from 1 to 10');
    expect(fieldValue({ type: 'number', min: 0, max: 1 }, '0.5')).toBe(0.5);
  });

  it('refuses an empty or too long string where the schema does', () => {
    expect(problem({ type: 'string', minLength: 1 }, '')).toBe('must not be empty');
    expect(problem({ type: 'string', maxLength: 3 }, 'abcd')).toBe('must be at most 3 characters');
    expect(fieldValue({ type: 'string' }, '')).toBe('');
  });

  it("checks a pattern and says its schema's words", () => {
    const f: RouteField = { type: 'string', pattern: '^[a-z]+$', patternMessage: 'must be letters' };
    expect(fieldValue(f, 'abc')).toBe('abc');
    expect(problem(f, 'a b')).toBe('must be letters');
  });
});
