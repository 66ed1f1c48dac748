import { describe, expect, it } from 'vitest';
import type { PullRequestView } from './forge.js';
import { checksWords, httpUrl, prBadge, prRef, reviewWords } from './pr-words.js';

const pr = (over: Partial<PullRequestView> = {}): PullRequestView =>
  ({
    forge: 'github',
    number: 12,
    state: 'open',
    reviewDecision: null,
    checksState: 'none',
    checks: [],
    ...over,
  }) as PullRequestView;
const check = (name: string, state: 'pass' | 'fail' | 'pending' | 'skipped') => ({
  name,
  workflow: null,
  state,
  conclusion: state,
  url: null,
});

describe('pull requests in words', () => {
  it('badges: number and checks while open, else the state', () => {
    expect(prBadge(pr())).toBe('#12');
    expect(prBadge(pr({ checksState: 'failing' }))).toBe('#12 ✗');
    expect(prBadge(pr({ checksState: 'passing', forge: 'gitlab' }))).toBe('!12 ✓');
    expect(prBadge(pr({ checksState: 'pending' }))).toBe('#12 …');
    expect(prBadge(pr({ state: 'merged', checksState: 'failing' }))).toBe('#12 merged');
    expect(prRef({ forge: 'gitlab', number: 3 })).toBe('!3');
  });

  it('checks and review decisions', () => {
    const checks = [check('tests', 'fail'), check('lint', 'pass'), check('docs', 'skipped')];
    expect(checksWords(pr({ checksState: 'failing', checks }))).toBe('failing: tests (2 of 3 passing)');
    expect(
      checksWords(pr({ checksState: 'pending', checks: [check('a', 'pending'), check('b', 'pass')] })),
    ).toBe('pending (1 of 2 done)');
    expect(checksWords(pr({ checksState: 'passing', checks: [check('b', 'pass')] }))).toBe('passing (1)');
    expect(checksWords(pr())).toBe('none');
    expect(reviewWords(pr({ reviewDecision: 'changes_requested' }))).toBe('changes requested');
    expect(reviewWords(pr())).toBe('-');
  });

  it('links only http(s) URLs', () => {
    expect(httpUrl('https://github.com/acme/shop/pull/1')).toBe('https://github.com/acme/shop/pull/1');
    expect(httpUrl('javascript:alert(1)')).toBeNull();
    expect(httpUrl('https://x.test/"onmouseover=alert(1)')).toBeNull();
    expect(httpUrl('')).toBeNull();
    expect(httpUrl(null)).toBeNull();
  });
});
