import { describe, expect, it } from 'vitest';
import { visible } from './format.js';

describe('visible', () => {
  it('shows control, invisible and bidirectional characters as escapes; keeps lines, tabs and text', () => {
    expect(visible('a\tb\nc\r\nd')).toBe('a\tb\nc\r\nd');
    expect(visible('x\x1b[2Ky\rz\x07')).toBe('x\\x1b[2Ky\\x0dz\\x07');
    expect(visible('\u009b1A')).toBe('\\x9b1A');
    expect(visible('run: [rm]\u202e # \u200bok')).toBe('run: [rm]\\u202e # \\u200bok');
    expect(visible('héllo — ✓')).toBe('héllo — ✓');
  });
});
