import { describe, expect, it } from 'vitest';
import { exitCode, makeCore, reportExit, startAgent } from '../../../test/support/core-fakes.js';
import { FakeGitReview, FakeGitWorktrees } from '../../../test/support/fake-git.js';

async function radarCore() {
  const review = new FakeGitReview();
  const h = await makeCore({ git: { worktrees: new FakeGitWorktrees(), review } });
  const a = await startAgent(h, { name: 'a', repo: '/src/shop' }, 'cli', 9001);
  await startAgent(h, { name: 'b', repo: '/src/shop' }, 'cli', 9002);
  review.predictions = [
    {
      a: 'wtp/a',
      b: 'wtp/b',
      conflicts: [{ path: 'app.ts', kind: 'content', hunks: ['2-2'] }],
      overlapping: [],
    },
    { a: 'wtp/a', b: 'main', conflicts: [], overlapping: [] },
  ];
  const radar = h.core.radar;
  if (!radar) throw new Error('no conflict radar');
  return { h, review, radar, a };
}

describe('the conflict radar, cached', () => {
  it('runs once when nothing was computed yet, then answers from the last run without git', async () => {
    const { h, review, radar } = await radarCore();
    const [first, second] = await Promise.all([radar.cachedRadar(), radar.cachedRadar()]);
    expect(review.predicts).toBe(1); // concurrent first reads share one run
    expect(second).toBe(first);
    expect(first.pairs[0]).toMatchObject({ a: 'a', b: 'b', conflicting: true });
    expect(h.store.ofType('conflict.predicted')).toHaveLength(1);
    expect(await radar.cachedRadar()).toEqual(first);
    expect(review.predicts).toBe(1);
  });

  it('a fresh run (not cached) replaces the cached report', async () => {
    const { h, review, radar, a } = await radarCore();
    const first = await radar.cachedRadar();
    const b = h.core.registry.resolve('b');
    // Each side names its agent by id too (a base branch has none).
    expect(first.pairs.map((p) => [p.a, p.aAgent, p.b, p.bAgent])).toEqual([
      ['a', a.id, 'b', b.id],
      ['a', a.id, 'main', null],
    ]);
    review.predictions = [{ a: 'wtp/a', b: 'wtp/b', conflicts: [], overlapping: ['app.ts'] }];
    const fresh = await radar.radar();
    expect(review.predicts).toBe(2);
    expect(await radar.cachedRadar()).toEqual(fresh);
    expect(fresh.pairs).toEqual([
      {
        a: 'a',
        b: 'b',
        aAgent: a.id,
        bAgent: b.id,
        conflicts: [],
        overlapping: ['app.ts'],
        conflicting: false,
      },
    ]);
    expect(review.predicts).toBe(2);
  });

  it('removing an agent drops the cached report: the next cached read runs the radar again', async () => {
    const { h, review, radar, a } = await radarCore();
    await radar.cachedRadar();
    await reportExit(h, a.id, 9001, exitCode(0));
    await h.core.service.remove(a.id, true, 'cli');
    review.predictions = [];
    expect((await radar.cachedRadar()).pairs).toEqual([]);
    expect(review.predicts).toBe(2);
  });

  it('the merge order has every agent with changes, finished ones first; running and uncommitted ones are marked', async () => {
    const { h, review, radar } = await radarCore();
    const b = h.core.registry.resolve('b');
    await reportExit(h, b.id, 9002, exitCode(0));
    review.predictions.push({ a: 'wtp/b', b: 'main', conflicts: [], overlapping: [] });
    const report = await radar.radar();
    expect(report.mergeOrder).toEqual({
      order: ['b', 'a'],
      notes: [
        'a conflicts with b (merged before it) in app.ts.',
        'Still running: a; their branches may change before they are merged.',
      ],
    });
    expect(report.branches).toEqual([
      {
        agent: 'a',
        agentId: expect.any(String),
        branch: 'wtp/a',
        running: true,
        uncommitted: false,
        changed: true,
        landed: false,
      },
      {
        agent: 'b',
        agentId: b.id,
        branch: 'wtp/b',
        running: false,
        uncommitted: false,
        changed: true,
        landed: false,
      },
    ]);
  });

  it('compares a worktree as it is (its snapshot) and leaves out branches without changes', async () => {
    const { h, review, radar } = await radarCore();
    await startAgent(h, { name: 'c', repo: '/src/shop' }, 'cli', 9003);
    review.snapshots.set('/wt/a', { ref: 'f00d', uncommitted: true, changed: true });
    review.snapshots.set('/wt/c', { ref: 'wtp/c', uncommitted: false, changed: false, landed: true });
    review.predictions = [
      { a: 'f00d', b: 'wtp/b', conflicts: [{ path: 'app.ts', kind: 'content', hunks: [] }], overlapping: [] },
      { a: 'f00d', b: 'main', conflicts: [], overlapping: [] },
      { a: 'wtp/b', b: 'main', conflicts: [], overlapping: [] },
    ];
    const report = await radar.radar();
    expect(review.predicted).toEqual(['f00d', 'wtp/b']); // c has nothing to compare
    expect(report.pairs.map((p) => [p.a, p.b, p.conflicting])).toEqual([
      ['a', 'b', true],
      ['a', 'main', false],
      ['b', 'main', false],
    ]);
    expect(report.branches.map((x) => [x.agent, x.uncommitted, x.changed])).toEqual([
      ['a', true, true],
      ['b', false, true],
      ['c', false, false],
    ]);
    expect(report.mergeOrder.order).toEqual(['a', 'b']);
    expect(report.mergeOrder.notes).toEqual([
      'b conflicts with a (merged before it) in app.ts.',
      'Still running: a, b; their branches may change before they are merged.',
      'Uncommitted changes (compared as they are): a; merge with --commit MSG to commit them first.',
      'Merged already: c (all of its work is in the base; nothing to merge).',
    ]);
    expect(h.store.ofType('conflict.predicted').map((e) => e.data)).toEqual([
      { a: 'a', b: 'b', files: ['app.ts'] },
    ]);

    // a's edits go away: the pair is no longer compared, and its conflict is cleared.
    review.snapshots.set('/wt/a', { ref: 'wtp/a', uncommitted: false, changed: false });
    review.predictions = [{ a: 'wtp/b', b: 'main', conflicts: [], overlapping: [] }];
    const after = await radar.radar();
    expect(after.pairs.map((p) => [p.a, p.b])).toEqual([['b', 'main']]);
    expect(h.store.ofType('conflict.cleared').map((e) => e.data)).toEqual([{ a: 'a', b: 'b' }]);
  });
});
