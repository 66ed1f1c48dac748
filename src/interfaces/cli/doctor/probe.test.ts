import { describe, expect, it } from 'vitest';
import { atLeast, versionIn } from './probe.js';

describe('versions', () => {
  it('reads the version in what tools print', () => {
    expect(versionIn('tmux 3.3a')).toEqual([3, 3]);
    expect(versionIn('tmux next-3.5')).toEqual([3, 5]);
    expect(versionIn('git version 2.39.3 (Apple Git-146)')).toEqual([2, 39, 3]);
    expect(versionIn('tmux master')).toBeNull();
  });

  it('compares part by part, missing parts as 0', () => {
    expect(atLeast([3, 3], [3, 2])).toBe(true);
    expect(atLeast([3, 2], [3, 2])).toBe(true);
    expect(atLeast([3, 1, 9], [3, 2])).toBe(false);
    expect(atLeast([2, 38], [2, 38, 0])).toBe(true);
    expect(atLeast([20, 9], [20, 19])).toBe(false);
    expect(atLeast([22, 0], [20, 19])).toBe(true);
  });
});
