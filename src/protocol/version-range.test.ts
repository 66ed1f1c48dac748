import { describe, expect, it } from 'vitest';
import { cliSupport, inTestedRange, TESTED_RANGE_PATTERN } from './version-range.js';

describe('tested version ranges', () => {
  it('holds an exact version only for that release', () => {
    expect(inTestedRange('2.1.330', ['2.1.330'])).toBe(true);
    expect(inTestedRange('2.1.331', ['2.1.330'])).toBe(false);
    expect(inTestedRange('2.1.330-beta.1', ['2.1.330'])).toBe(false);
  });

  it('holds every release under an `.x` prefix, and no other', () => {
    expect(inTestedRange('0.24.4', ['0.24.x'])).toBe(true);
    expect(inTestedRange('0.24.12', ['0.24.x'])).toBe(true);
    expect(inTestedRange('0.240.1', ['0.24.x'])).toBe(false);
    expect(inTestedRange('0.25.0', ['0.24.x'])).toBe(false);
    expect(inTestedRange('1.9.0', ['0.24.x', '1.x'])).toBe(true);
  });

  it('writes ranges one way', () => {
    for (const ok of ['2.1.330', '0.24.x', '1.x']) expect(TESTED_RANGE_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', 'x', '0.24.*', '>=1.0', '1.2.3 '])
      expect(TESTED_RANGE_PATTERN.test(bad), bad).toBe(false);
  });

  it('warns of a version outside the range and of a vendor never run, never of a tested one', () => {
    expect(cliSupport('qwen', ['0.24.x'], '0.24.4')).toEqual({
      support: 'e2e',
      inRange: true,
      warning: null,
    });
    expect(cliSupport('qwen', ['0.24.x'], null)).toEqual({ support: 'e2e', inRange: null, warning: null });
    const out = cliSupport('claude', ['2.1.330'], '2.0.1');
    expect(out).toMatchObject({ support: 'e2e', inRange: false });
    expect(out.warning).toMatch(/^claude 2\.0\.1 is outside the tested versions \(2\.1\.330\)/);
    const aider = cliSupport('aider', [], '0.86.1');
    expect(aider).toMatchObject({ support: 'screens-only', inRange: null });
    expect(aider.warning).toMatch(/^aider is screens only, not run: /);
  });
});
