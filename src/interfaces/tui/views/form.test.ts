import { describe, expect, it } from 'vitest';
import { NO_KEY as NONE } from '../../../../test/support/ink-key.js';
import { formKeys, type Field, type FormState } from './form.js';

const FIELDS: Field[] = [
  { name: 'name', label: 'name', kind: 'text', value: '' },
  { name: 'branch', label: 'branch', kind: 'text', value: '' },
  { name: 'mode', label: 'mode', kind: 'choice', value: 'a', options: ['a', 'b'] },
];
const start: FormState = { fields: FIELDS, at: 0 };
const values = (s: FormState) => s.fields.map((f) => f.value);

describe('formKeys: keys on a form, as they came in one read', () => {
  it('text and the enter typed with it submit what was typed (the enter was dropped)', () => {
    const out = formKeys(start, 'feat-x\r', NONE);
    expect(out.submit).toBe(true);
    expect(values(out.state)).toEqual(['feat-x', '', 'a']);
  });
  it('a tab between two words moves to the next field; backspaces edit; nothing after the enter acts', () => {
    const out = formKeys(start, 'ab\tcdx\x7fe\r zz', NONE);
    expect(out.submit).toBe(true);
    expect(out.state.at).toBe(1);
    expect(values(out.state)).toEqual(['ab', 'cde', 'a']);
  });
  it('one key at a time, as before: a choice turns with space, an arrow moves, a letter types', () => {
    let s = formKeys(start, '', { ...NONE, downArrow: true }).state;
    s = formKeys(s, '', { ...NONE, downArrow: true }).state;
    expect(s.at).toBe(2);
    s = formKeys(s, ' ', NONE).state;
    expect(values(s)).toEqual(['', '', 'b']);
    s = formKeys(s, '', { ...NONE, tab: true }).state;
    expect(formKeys(s, 'q', NONE)).toEqual({
      state: { ...s, fields: [{ ...FIELDS[0], value: 'q' }, ...s.fields.slice(1)] },
    });
  });
});
