import { afterEach, describe, expect, it } from 'vitest';
import { fakeWorktree } from '../../../test/support/fake-git.js';
import { check, FakeForgeCli, pr } from '../../../test/support/fake-forge-cli.js';
import { addReady, dispatchRigs } from '../../../test/support/dispatch-rigs.js';
import type { DispatchRig } from '../../../test/support/dispatch-rig.js';
import { AppError } from '../errors.js';
import type { PullRequestRecord } from './pr-record.js';
import { PrWatcher, type WatcherSettings } from './pr-watcher.js';

const INTERVAL = 60_000;
const rig = dispatchRigs();
const watchers: PrWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.stop();
});

/** A PrWatcher on the rig, with a fake forge and the inputs and pushes it asks for recorded. */
function watch(r: DispatchRig, settings: Partial<WatcherSettings> = {}) {
  const forge = new FakeForgeCli();
  const inputs: { agentId: string; text: string; source: string }[] = [];
  const pushes: string[] = [];
  const watcher = new PrWatcher({
    registry: r.registry,
    forge,
    tasks: r.tasks,
    bus: r.bus,
    clock: r.clock,
    log: r.log,
    actions: {
      sendInput: (ref, text, _enter, source) => {
        inputs.push({ agentId: ref, text, source });
        return Promise.resolve({ bytes: text.length, seq: 1 });
      },
      pushFix: (agentId) => {
        pushes.push(agentId);
        return Promise.resolve();
      },
    },
    settings: { pollIntervalMs: INTERVAL, maxPollIntervalMs: 8 * INTERVAL, fixChecks: 0, ...settings },
  });
  watchers.push(watcher);
  return { forge, inputs, pushes, watcher };
}

/** The agent `id` gets an open pull request #1 on commit c0ffee1 (as `wtp pr` records it). */
async function opened(r: DispatchRig, id: string): Promise<PullRequestRecord> {
  const agent = r.registry.get(id);
  if (!agent) throw new Error(`no agent ${id}`);
  agent.worktree = fakeWorktree(agent.name);
  agent.pullRequest = {
    forge: 'github',
    number: 1,
    url: 'https://github.com/acme/shop/pull/1',
    remote: 'origin',
    head: `wtp/${agent.name}`,
    base: 'main',
    title: 'a change',
    draft: false,
    state: 'open',
    reviewDecision: null,
    checks: [],
    headCommit: 'c0ffee1',
    createdAt: r.clock.now(),
    polledAt: null,
    pollError: null,
    failures: 0,
    mergedAt: null,
    mergeCommit: null,
    fixRounds: 0,
    fedCommit: null,
    awaitingFix: false,
  };
  await r.registry.save(agent);
  return agent.pullRequest;
}

const prEvents = (r: DispatchRig) =>
  r.store.events.filter((e) => e.type.startsWith('agent.pr')).map((e) => ({ type: e.type, data: e.data }));

describe('PrWatcher: the checks that come back', () => {
  it('sets no timer and runs no CLI while no pull request is open', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, watcher } = watch(r);
    const before = r.clock.pending;
    watcher.start();
    expect(r.clock.pending).toBe(before);
    await r.clock.advanceAsync(10 * INTERVAL);
    expect(forge.calls).toEqual([]);
  });

  it('polls an open pull request every interval, writing an event only when something changed', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, watcher } = watch(r);
    await opened(r, 'ag-1');
    forge.prs.set(1, pr(1, { checks: [check('tests', 'pending')] }));
    watcher.start();
    expect(watcher.nextPollAt('ag-1')).toBe(r.clock.now() + INTERVAL);
    await r.clock.advanceAsync(INTERVAL);
    await r.settle();
    expect(forge.polls).toBe(1);
    expect(forge.calls[0]).toMatchObject({ kind: 'github', cwd: '/src/shop', arg: 1 });
    await r.clock.advanceAsync(INTERVAL); // nothing changed: no event
    await r.settle();
    forge.prs.set(1, pr(1, { checks: [check('tests', 'fail'), check('lint', 'pass')] }));
    await r.clock.advanceAsync(INTERVAL);
    await r.settle();
    expect(forge.polls).toBe(3);
    expect(prEvents(r)).toEqual([
      {
        type: 'agent.prChanged',
        data: { number: 1, state: 'open', reviewDecision: null, checksState: 'pending', failing: [] },
      },
      {
        type: 'agent.prChanged',
        data: { number: 1, state: 'open', reviewDecision: null, checksState: 'failing', failing: ['tests'] },
      },
    ]);
    expect(r.registry.get('ag-1')?.pullRequest?.checks.map((c) => c.state)).toEqual(['fail', 'pass']);
  });

  it('backs off after failures, doubling up to the maximum, and records why', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, watcher } = watch(r);
    await opened(r, 'ag-1');
    forge.failView = new AppError('FORGE_FAILED', 'gh pr view is not signed in (exit 4): run gh auth login');
    watcher.start();
    const gaps: number[] = [];
    let last = r.clock.now();
    for (let i = 0; i < 5; i++) {
      const next = watcher.nextPollAt('ag-1') ?? 0;
      gaps.push(next - last);
      last = next;
      await r.clock.advanceAsync(next - r.clock.now());
      await r.settle();
    }
    expect(gaps).toEqual([INTERVAL, 2 * INTERVAL, 4 * INTERVAL, 8 * INTERVAL, 8 * INTERVAL]);
    expect(r.registry.get('ag-1')?.pullRequest).toMatchObject({
      failures: 5,
      pollError: 'gh pr view is not signed in (exit 4): run gh auth login',
    });
    forge.failView = null;
    forge.prs.set(1, pr(1));
    await r.clock.advanceAsync((watcher.nextPollAt('ag-1') ?? 0) - r.clock.now());
    await r.settle();
    expect(r.registry.get('ag-1')?.pullRequest).toMatchObject({ failures: 0, pollError: null });
    expect(watcher.nextPollAt('ag-1')).toBe(r.clock.now() + INTERVAL);
  });

  it('a poll that comes back after `wtp pr` recorded the pull request again lands on the record the agent has', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, watcher } = watch(r);
    const first = await opened(r, 'ag-1');
    watcher.start();
    let open: () => void = () => undefined;
    forge.gate = new Promise<void>((resolve) => (open = resolve));
    forge.prs.set(1, pr(1, { checks: [check('tests', 'fail')] }));
    const polling = watcher.refresh('ag-1');
    const again = await opened(r, 'ag-1'); // a new record of the same pull request
    open();
    await polling;
    expect(again.checks.map((c) => c.name)).toEqual(['tests']);
    expect(first.checks).toEqual([]);
    forge.gate = null;
    await watcher.refresh('ag-1');
    expect(prEvents(r).map((e) => e.type)).toEqual(['agent.prChanged']); // one change, once
  });

  it('on demand, a failing CLI is the caller’s error', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, watcher } = watch(r);
    await opened(r, 'ag-1');
    watcher.start();
    forge.failView = new AppError('FORGE_CLI_MISSING', 'gh is not on the PATH', { cli: 'gh' });
    await expect(watcher.refresh('ag-1')).rejects.toMatchObject({ code: 'FORGE_CLI_MISSING' });
    expect(() => watcher.get('ag-2')).toThrow(/no agent|not found/i);
  });

  it('merged upstream: the task is done, and polling stops', async () => {
    const r = await rig();
    const t = await addReady(r, 'api');
    await r.finishTurn('ag-1'); // the run is in review
    const { forge, watcher } = watch(r);
    await opened(r, 'ag-1');
    watcher.start();
    forge.prs.set(1, pr(1, { state: 'merged', mergedAt: r.clock.now(), mergeCommit: 'feedbee' }));
    await watcher.refresh('ag-1');
    await r.settle();
    expect(prEvents(r).map((e) => e.type)).toEqual(['agent.prChanged', 'agent.prMerged']);
    expect(r.tasks.get(t.id)).toMatchObject({
      status: 'done',
      statusReason: 'attempt 1 merged',
      pullRequests: [{ agentId: 'ag-1', number: 1, state: 'merged' }],
    });
    expect(r.tasks.get(t.id).runs[0]).toMatchObject({
      status: 'merged',
      reason: 'pull request #1 merged upstream',
    });
    expect(watcher.nextPollAt('ag-1')).toBeNull();
    const polls = forge.polls;
    await r.clock.advanceAsync(10 * INTERVAL);
    expect(forge.polls).toBe(polls);
  });

  it('sends failing checks to a task’s agent by itself, once per commit, at most fixChecks times', async () => {
    const r = await rig();
    await addReady(r, 'api', { fixChecks: 1 });
    await r.finishTurn('ag-1');
    const { forge, inputs, pushes, watcher } = watch(r);
    const record = await opened(r, 'ag-1');
    watcher.start();
    forge.prs.set(1, pr(1, { checks: [check('tests', 'fail')] }));
    await watcher.refresh('ag-1');
    await watcher.refresh('ag-1'); // the same commit's failure is sent once
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ agentId: 'ag-1', source: 'policy' });
    expect(inputs[0]?.text).toContain(
      'The checks of pull request #1 (https://github.com/acme/shop/pull/1) failed',
    );
    expect(inputs[0]?.text).toContain('- tests: FAILURE https://ci.example/tests');
    expect(record).toMatchObject({ fixRounds: 1, fedCommit: 'c0ffee1', awaitingFix: true });
    // The agent works on it, then finishes its turn: its fix is pushed.
    await r.finishTurn('ag-1');
    expect(pushes).toEqual(['ag-1']);
    // A new commit whose checks fail again: the one round is spent.
    record.awaitingFix = false;
    forge.prs.set(1, pr(1, { headCommit: 'beef002', checks: [check('tests', 'fail')] }));
    await watcher.refresh('ag-1');
    expect(inputs).toHaveLength(1);
  });

  it('sends nothing by itself for agents without a task, or by default', async () => {
    const r = await rig();
    await addReady(r, 'api');
    await r.finishTurn('ag-1');
    const { forge, inputs, watcher } = watch(r);
    await opened(r, 'ag-1');
    watcher.start();
    forge.prs.set(1, pr(1, { checks: [check('tests', 'fail')] }));
    await watcher.refresh('ag-1');
    expect(inputs).toEqual([]);
  });

  it('waits until a working agent is at its prompt before typing', async () => {
    const r = await rig();
    await addReady(r, 'api', { fixChecks: 2 });
    await r.state('ag-1', 'working');
    const { forge, inputs, watcher } = watch(r);
    await opened(r, 'ag-1');
    watcher.start();
    forge.prs.set(1, pr(1, { checks: [check('tests', 'fail')] }));
    await watcher.refresh('ag-1');
    expect(inputs).toEqual([]);
    await r.state('ag-1', 'idle');
    expect(inputs).toHaveLength(1);
  });

  it('by hand (`wtp feedback --from-checks`): polls, sends the failing checks with the words added, counts the round', async () => {
    const r = await rig();
    await addReady(r, 'api');
    const { forge, inputs, watcher } = watch(r);
    await opened(r, 'ag-1');
    watcher.start();
    forge.prs.set(1, pr(1, { checks: [check('lint', 'pass')] }));
    await expect(watcher.checksFeedback('ag-1', { force: false }, 'cli')).rejects.toMatchObject({
      code: 'CHECKS_NOT_FAILING',
      details: { checksState: 'passing' },
    });
    forge.prs.set(1, pr(1, { checks: [{ ...check('tests', 'fail'), name: 'tests\u001b[2J\rrm -rf /' }] }));
    const sent = await watcher.checksFeedback('ag-1', { text: 'Mind the flaky one.', force: false }, 'cli');
    expect(sent).toMatchObject({ failing: ['tests\u001b[2J\rrm -rf /'], round: 1 });
    const text = inputs[0]?.text ?? '';
    expect(text).toContain('- tests [2J rm -rf /: FAILURE'); // no escape, no carriage return typed
    expect(text.endsWith('\nMind the flaky one.')).toBe(true);
  });
});
