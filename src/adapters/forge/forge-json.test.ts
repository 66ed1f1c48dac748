import { describe, expect, it } from 'vitest';
import { clean, commitOrNull, numberFromUrl, timeOrNull } from './forge-text.js';
import { ghCheckState, parseGhView } from './gh-json.js';
import { glabCheckState, parseGlabView } from './glab-json.js';

describe('what gh and glab print, read', () => {
  it('sums a check up as gh does: success, skipped and neutral pass; failures of every kind fail', () => {
    expect(['SUCCESS', 'NEUTRAL', 'SKIPPED'].map(ghCheckState)).toEqual(['pass', 'skipped', 'skipped']);
    expect(
      ['FAILURE', 'ERROR', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED', 'STARTUP_FAILURE'].map(ghCheckState),
    ).toEqual(Array(6).fill('fail'));
    expect(['QUEUED', 'IN_PROGRESS', 'PENDING', 'EXPECTED', 'WAITING', ''].map(ghCheckState)).toEqual(
      Array(6).fill('pending'),
    );
    expect(['success', 'failed', 'canceled', 'skipped', 'running', 'manual'].map(glabCheckState)).toEqual([
      'pass',
      'fail',
      'fail',
      'skipped',
      'pending',
      'pending',
    ]);
  });

  it('reads a gh document with a null rollup and Go’s zero times, and refuses what is not one', () => {
    const pr = parseGhView(
      JSON.stringify({
        number: 3,
        url: 'https://github.com/a/b/pull/3',
        title: 'x\u001b[31m',
        state: 'MERGED',
        isDraft: false,
        reviewDecision: 'APPROVED',
        statusCheckRollup: null,
        headRefOid: 'ABCDEF1234567',
        mergedAt: '2025-01-01T00:00:00Z',
        mergeCommit: { oid: 'not a sha' },
      }),
    );
    expect(pr).toMatchObject({
      number: 3,
      title: 'x [31m',
      state: 'merged',
      reviewDecision: 'approved',
      checks: [],
      headCommit: 'abcdef1234567',
      mergeCommit: null,
    });
    expect(parseGhView('not json')).toBeNull();
    expect(parseGhView('{"number":"3"}')).toBeNull();
    expect(timeOrNull('0001-01-01T00:00:00Z')).toBeNull();
  });

  it('reads a glab document: its head pipeline as one check, locked as closed, work_in_progress as draft', () => {
    const mr = parseGlabView(
      JSON.stringify({
        iid: 9,
        title: 'T',
        state: 'locked',
        work_in_progress: true,
        web_url: 'https://gitlab.com/a/b/-/merge_requests/9',
        sha: 'a'.repeat(40),
        detailed_merge_status: 'not_approved',
        head_pipeline: { id: 5, status: 'running', web_url: 'https://gitlab.com/a/b/-/pipelines/5' },
      }),
    );
    expect(mr).toMatchObject({
      number: 9,
      state: 'closed',
      draft: true,
      reviewDecision: 'review_required',
      checks: [{ name: 'pipeline #5', state: 'pending', conclusion: 'running' }],
    });
  });

  it('small readers: numbers from URLs, commits, text', () => {
    expect(numberFromUrl('https://github.com/a/b/pull/12', 'pull')).toBe(12);
    expect(numberFromUrl('https://gitlab.com/a/b/-/merge_requests/7?x=1', 'merge_requests')).toBe(7);
    expect(numberFromUrl('https://github.com/a/b/issues/12', 'pull')).toBeNull();
    expect(commitOrNull('--upload-pack=x')).toBeNull();
    expect(clean('a\nb\u0007c', 3)).toBe('a b');
  });
});
