import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  exitCode,
  makeCore,
  reportExit,
  startAgent,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { changed, fakeWorktree, FakeGitReview, FakeGitWorktrees } from '../../../test/support/fake-git.js';
import { agentEvent } from '../model/agent-event.js';

async function gitCore(opts: Parameters<typeof makeCore>[0] = {}) {
  const review = new FakeGitReview();
  const h = await makeCore({ ...opts, git: { worktrees: new FakeGitWorktrees(), review } });
  return { h, review };
}

/** Every agent.diffChanged of an agent, as [files, insertions, deletions]. */
const changes = (h: Harness, id: string) =>
  h.store.ofType('agent.diffChanged', id).map((e) => [e.data.files, e.data.insertions, e.data.deletions]);

const settle = async (h: Harness): Promise<void> => {
  await flush();
  await h.core.diffStats?.settled();
  await h.core.registry.flush();
  await flush();
};

/** Records a state change the way the lifecycle would (through the store, then the bus). */
const becomes = (h: Harness, id: string, to: 'idle' | 'working') =>
  h.core.registry.record([
    agentEvent(agentOf(h, id), 'host', 'agent.stateChanged', {
      from: to === 'idle' ? 'working' : 'idle',
      to,
      detail: { reason: to === 'idle' ? 'turn_done' : 'working', source: 'status' },
      pid: 9001,
    }),
  ]);

describe('diff stats of agents (DiffStatTracker)', () => {
  it('measures a new agent with a worktree, shows it in the view and records agent.diffChanged', async () => {
    const { h, review } = await gitCore();
    review.files.set('/wt/api', [changed('a.ts', 30, 2), changed('b.ts', 10)]);
    const { id } = await startAgent(h, { name: 'api', repo: '/src/shop' });
    await settle(h);
    expect(review.diffs).toEqual(['/wt/api']);
    expect(h.core.service.get(id).diffStat).toEqual({
      files: 2,
      insertions: 40,
      deletions: 2,
      at: new Date(h.clock.now()).toISOString(),
    });
    expect(changes(h, id)).toEqual([[2, 40, 2]]);
    expect(h.store.ofType('agent.diffChanged', id)[0]?.source).toBe('daemon');
  });

  it('an agent without a worktree is never measured and its view has no diff stat', async () => {
    const { h, review } = await gitCore();
    const { id } = await startAgent(h, { name: 'plain' });
    await settle(h);
    expect(review.diffs).toEqual([]);
    expect(h.core.service.get(id).diffStat).toBeNull();
  });

  it('records agent.diffChanged only when the numbers change (commit and merge measure again)', async () => {
    const { h, review } = await gitCore();
    const { id } = await startAgent(h, { name: 'api', repo: '/src/shop' });
    await settle(h);
    expect(changes(h, id)).toEqual([[0, 0, 0]]);
    review.files.set('/wt/api', [changed('a.ts', 3, 1)]);
    await h.core.review?.commit('api', 'work', 'cli');
    await settle(h);
    await h.core.review?.commit('api', 'more', 'cli'); // same numbers: measured, nothing recorded
    await settle(h);
    h.clock.advance(60_000);
    review.files.set('/wt/api', []);
    await h.core.review?.merge('api', { strategy: 'squash' }, 'cli');
    await settle(h);
    expect(review.diffs).toHaveLength(4);
    expect(changes(h, id)).toEqual([
      [0, 0, 0],
      [1, 3, 1],
      [0, 0, 0],
    ]);
    expect(h.core.service.get(id).diffStat?.at).toBe(new Date(h.clock.now()).toISOString());
  });

  it('measures once after an agent has been idle for the debounce delay, and after it exits', async () => {
    const { h, review } = await gitCore();
    const { id } = await startAgent(h, { name: 'api', repo: '/src/shop' });
    await settle(h);
    review.files.set('/wt/api', [changed('a.ts', 1)]);
    await becomes(h, id, 'idle');
    await becomes(h, id, 'working');
    await becomes(h, id, 'idle'); // a turn that ends in bursts: one measurement
    await settle(h);
    h.clock.advance(1_000);
    await settle(h);
    expect(review.diffs).toHaveLength(1);
    h.clock.advance(1_000);
    await settle(h);
    expect(review.diffs).toHaveLength(2);
    expect(changes(h, id)).toEqual([
      [0, 0, 0],
      [1, 1, 0],
    ]);
    review.files.set('/wt/api', [changed('a.ts', 1), changed('b.ts', 5, 5)]);
    await reportExit(h, id, 9001, exitCode(0));
    h.clock.advance(2_000);
    await settle(h);
    expect(review.diffs).toHaveLength(3);
    expect(h.core.service.get(id).diffStat).toMatchObject({ files: 2, insertions: 6, deletions: 5 });
  });

  it('measures every agent at daemon start, one at a time, in the background', async () => {
    const review = new FakeGitReview();
    let open = (): void => undefined;
    review.gate = new Promise((resolve) => (open = resolve));
    const agents = ['a', 'b', 'c'].map((n, i) =>
      agentRecord({
        id: `ag-${n}`,
        name: n,
        state: 'exited',
        pid: null,
        hostPid: null,
        worktree: fakeWorktree(n, 20_000 + 10 * i),
      }),
    );
    agents.push(agentRecord({ id: 'ag-plain', name: 'plain', state: 'exited', pid: null, hostPid: null }));
    for (const n of ['a', 'b', 'c']) review.files.set(`/wt/${n}`, [changed(`${n}.ts`, 1)]);
    const h = await makeCore({ agents, git: { worktrees: new FakeGitWorktrees(), review } });
    expect(review.diffs).toEqual(['/wt/a']); // start() did not wait for git
    h.core.diffStats?.refresh('ag-c'); // queued already: still one measurement, after a and b
    await flush();
    expect(review.diffs).toEqual(['/wt/a']);
    open();
    await settle(h);
    expect(review.diffs).toEqual(['/wt/a', '/wt/b', '/wt/c']);
    expect(review.maxRunning).toBe(1);
    expect(h.core.service.list().map((a) => [a.name, a.diffStat?.files ?? null])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 1],
      ['plain', null],
    ]);
  });

  it('takes a review diff as a measurement without running git again; forgets removed agents', async () => {
    const { h, review } = await gitCore();
    const { id } = await startAgent(h, { name: 'api', repo: '/src/shop' });
    await settle(h);
    review.files.set('/wt/api', [changed('a.ts', 7, 7)]);
    await h.core.review?.diff('api', false);
    await settle(h);
    expect(review.diffs).toHaveLength(2); // the review's own diff only
    expect(changes(h, id)).toEqual([
      [0, 0, 0],
      [1, 7, 7],
    ]);
    await reportExit(h, id, 9001, exitCode(0));
    await h.core.service.remove(id, true, 'cli');
    h.clock.advance(5_000);
    await settle(h);
    expect(review.diffs).toHaveLength(2); // the debounced measurement after the exit was dropped
    expect(h.core.diffStats?.get(id)).toBeNull();
  });
});
