import { describe, expect, it } from 'vitest';
import type { Issue } from '../../protocol/error-catalog.js';
import { flagOf, fullHelp, requestValue } from './route-flags.js';

describe('route flags', () => {
  it('spell a flag from its field: negated when on by default, a value placeholder otherwise', () => {
    expect(flagOf('stopAgent', { field: 'body.wait' }).flags).toBe('--no-wait');
    expect(flagOf('stopAgent', { field: 'body.graceMs', long: 'grace', value: 'ms' })).toMatchObject({
      flags: '--grace <ms>',
      key: 'grace',
      part: 'body',
      name: 'graceMs',
    });
    expect(flagOf('removeAgent', { field: 'query.force', short: '-f' }).flags).toBe('-f, --force');
    expect(flagOf('createTask', { field: 'body.permissionMode' }).flags).toBe(
      '--permission-mode <permission-mode>',
    );
  });

  it('say a closed set and a repeatable flag in the help', () => {
    expect(fullHelp('only this', { type: 'string', values: ['a', 'b'] })).toBe('only this (a, b)');
    expect(fullHelp('', { type: 'string', values: ['a', 'b'] })).toBe('a | b');
    expect(fullHelp('a label', { type: 'array' })).toBe('a label (repeatable)');
  });

  it('turn each word of a repeated flag into an item, checked as its items are', () => {
    const issues: Issue[] = [];
    const ints = { type: 'array', items: { type: 'integer', min: 1, max: 3 } } as const;
    expect(requestValue(ints, ['1', '3'], '--n', undefined, issues)).toEqual([1, 3]);
    expect(requestValue(ints, [], '--n', undefined, issues)).toBeUndefined();
    requestValue(ints, ['9'], '--n', undefined, issues);
    expect(issues).toEqual([{ path: '--n', message: 'must be a whole number from 1 to 3' }]);
    const objects = requestValue({ type: 'array' }, ['a:b'], '--v', (t) => ({ t }), []);
    expect(objects).toEqual([{ t: 'a:b' }]);
  });
});
