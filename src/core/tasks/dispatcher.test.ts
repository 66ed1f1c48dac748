import { describe, expect, it } from 'vitest';
import { type DispatchRig } from '../../../test/support/dispatch-rig.js';
import { addReady, dispatchRigs } from '../../../test/support/dispatch-rigs.js';
import { AppError } from '../errors.js';
import { readyTasks } from './task-graph.js';

const rig = dispatchRigs();
const add = async (...a: Parameters<typeof addReady>) => (await addReady(...a)).id;
const status = (r: DispatchRig, ref: string) => r.tasks.get(ref).status;
const runsOf = (r: DispatchRig, ref: string) =>
  r.tasks.get(ref).runs.map((x) => [x.attempt, x.try, x.status]);

describe('Dispatcher', () => {
  it('starts ready tasks highest priority first, up to the per-workspace limit; a finished run frees a slot', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 2, defaultProfile: 'claude' });
    r.dispatcher.stop(); // the whole list first
    for (const [title, priority] of [
      ['low', 0],
      ['high', 5],
      ['mid', 2],
      ['top', 9],
    ] as const) {
      await add(r, title, { priority });
    }
    r.dispatcher.start();
    await r.settle();
    expect(r.created.map((c) => c.prompt)).toEqual(['do top', 'do high']);
    expect(r.created[0]).toMatchObject({
      profile: 'claude',
      cwd: '/repo',
      restart: 'never',
      env: { WTP_TASK_ID: r.tasks.get('top').id },
    });
    expect(status(r, 'top')).toBe('running');

    await r.finishTurn(r.live()[0] as string);
    expect(status(r, 'top')).toBe('review');
    expect(r.created.map((c) => c.prompt)).toEqual(['do top', 'do high', 'do mid']);
  });

  it('dates a run from before its agent was created: a start that is quick is still the run’s', async () => {
    const r = await rig();
    const before = r.clock.now();
    r.beforeCreate = () => r.clock.advance(700);
    await add(r, 'quick');
    await r.settle();
    expect(r.tasks.get('quick').runs[0]?.startedAt).toBe(new Date(before).toISOString());
  });

  it('a task whose budget in money is reached waits (retries and attempts too), says so, and starts once lifted', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 3, retries: 1 });
    r.heldByBudget.add('costly');
    await add(r, 'costly', { attempts: 2 });
    await add(r, 'cheap');
    expect(r.created.map((c) => c.argv?.[2])).toEqual(['do cheap']);
    expect(r.tasks.get('costly')).toMatchObject({
      status: 'ready',
      runs: [],
      blocked: { reason: 'budget', message: 'budget of costly spent', budget: { scope: 'task' } },
    });
    r.heldByBudget.delete('costly');
    await r.dispatcher.tick();
    await r.settle();
    expect(r.created.map((c) => c.argv?.[2])).toEqual(['do cheap', 'do costly', 'do costly']);
    // A failed attempt's retry waits for the budget too.
    r.heldByBudget.add('costly');
    const [first] = r.tasks.get('costly').runs;
    await r.state(first!.agentId, 'crashed', { reason: 'host_lost', signal: 'SIGKILL' });
    await r.dispatcher.tick();
    await r.settle();
    expect(r.created).toHaveLength(3);
    expect(r.tasks.get('costly').blocked?.reason).toBe('budget');
  });

  it('gives a task’s agents the MCP server when the task asks for it (issue 34)', async () => {
    const r = await rig({ defaultProfile: 'claude' });
    await add(r, 'lead', { mcp: true });
    await add(r, 'plain');
    await r.settle();
    expect(r.created.find((c) => c.prompt === 'do lead')).toMatchObject({ mcp: true });
    expect(r.created.find((c) => c.prompt === 'do plain')?.mcp).toBeUndefined();
    expect(r.tasks.get('lead').mcp).toBe(true);
  });

  it('holds a dependant until its dependency is merged (review is not enough)', async () => {
    const r = await rig();
    await add(r, 'schema');
    await add(r, 'api', { after: ['schema'] });
    expect(r.created).toHaveLength(1);
    const [agent] = r.live();
    await r.state(agent as string, 'exited', { exitCode: 0 });
    expect(status(r, 'schema')).toBe('review');
    expect(r.created).toHaveLength(1);
    await r.merged(agent as string);
    expect(status(r, 'schema')).toBe('done');
    expect(r.created.map((c) => c.argv)).toEqual([
      ['/bin/sh', '-c', 'do schema'],
      ['/bin/sh', '-c', 'do api'],
    ]);
  });

  it('best of N: one agent per attempt with its variant; review once every attempt settled and one succeeded', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 5 });
    await add(r, 'login', {
      attempts: 3,
      retries: 0,
      variants: [{ profile: 'claude' }, { profile: 'codex', model: 'o3' }],
    });
    expect(r.created.map((c) => [c.name, c.profile, c.model ?? null, c.env?.['WTP_TASK_ATTEMPT']])).toEqual([
      ['login-a1', 'claude', null, '1'],
      ['login-a2', 'codex', 'o3', '2'],
      ['login-a3', 'claude', null, '3'],
    ]);
    const [a1, a2, a3] = r.live() as [string, string, string];
    await r.finishTurn(a2);
    expect(status(r, 'login')).toBe('running'); // the others still work
    await r.state(a1, 'crashed', { reason: 'host_lost', signal: 'SIGKILL' });
    await r.state(a3, 'exited', { exitCode: 1 });
    expect(runsOf(r, 'login')).toEqual([
      [1, 1, 'failed'],
      [2, 1, 'review'],
      [3, 1, 'failed'],
    ]);
    expect(status(r, 'login')).toBe('review');
    const events = r.store.events.filter((e) => e.type.startsWith('task.attempt')).map((e) => e.type);
    expect(events.filter((t) => t === 'task.attemptStarted')).toHaveLength(3);
    expect(events.filter((t) => t === 'task.attemptEnded')).toHaveLength(3);
  });

  it('retries a crashed attempt on a fresh agent, then fails the task when retries run out', async () => {
    const r = await rig({ retries: 1 });
    await add(r, 'flaky');
    await r.state(r.live()[0] as string, 'crashed', { reason: 'spawn_failed' });
    expect(r.created.map((c) => c.name)).toEqual(['flaky', 'flaky-r2']);
    expect(status(r, 'flaky')).toBe('running');
    await r.state(r.live()[0] as string, 'exited', { exitCode: 3 });
    expect(status(r, 'flaky')).toBe('failed');
    expect(r.tasks.get('flaky').statusReason).toBe('every attempt failed; the last: exit 3');
    expect(r.created).toHaveLength(2);

    await add(r, 'once', { retries: 0 });
    await r.state(r.live()[0] as string, 'crashed', { reason: 'spawn_failed' });
    expect(status(r, 'once')).toBe('failed');
    expect(r.created).toHaveLength(3);
  });

  it('never retries an attempt the user stopped or removed: the run is given up', async () => {
    const r = await rig({ retries: 2 });
    await add(r, 'stopped');
    await r.state(r.live()[0] as string, 'exited', { reason: 'stopped', signal: 'SIGTERM' });
    expect(runsOf(r, 'stopped')).toEqual([[1, 1, 'discarded']]);
    expect(r.tasks.get('stopped')).toMatchObject({
      status: 'failed',
      statusReason: 'every attempt failed; the last: agent stopped by the user',
    });
    await add(r, 'removed');
    const [agent] = r.live() as [string];
    await r.registry.remove(agent, [
      { type: 'agent.removed', source: 'cli', agentId: agent, workspaceId: 'ws-rig', data: { name: agent } },
    ]);
    await r.settle();
    expect(runsOf(r, 'removed')).toEqual([[1, 1, 'discarded']]);
    expect(r.created).toHaveLength(2);
  });

  it('gives a reuse task to an idle agent of its profile (safe input), never to a working one', async () => {
    const r = await rig({ defaultProfile: 'claude' });
    await add(r, 'first');
    const [agent] = r.live() as [string];
    await r.finishTurn(agent); // idle now, its task in review
    await r.state(agent, 'working');
    await add(r, 'busy-reuse', { reuseIdle: true });
    expect(r.created).toHaveLength(2); // the only claude agent works: a new one
    await r.state(agent, 'idle');
    await add(r, 'reuse', { reuseIdle: true });
    expect(r.created).toHaveLength(2);
    expect(r.inputs).toEqual([{ agentId: agent, text: 'do reuse' }]);
    expect(r.tasks.get('reuse').runs[0]).toMatchObject({ agentId: agent, reused: true, status: 'running' });
    await r.finishTurn(agent);
    expect(status(r, 'reuse')).toBe('review');
    expect(status(r, 'first')).toBe('review'); // the agent's earlier task is left alone
  });

  it('a sandboxed task: its agents are made sandboxed, and an unsandboxed idle agent is never reused for it', async () => {
    const r = await rig({ defaultProfile: 'claude' });
    await add(r, 'first');
    const [agent] = r.live() as [string];
    await r.finishTurn(agent); // idle, and unsandboxed
    await add(r, 'fenced', { reuseIdle: true, sandbox: true });
    expect(r.inputs).toEqual([]);
    expect(r.created).toHaveLength(2);
    expect(r.created[1]).toMatchObject({ prompt: 'do fenced', sandbox: true });
    expect(r.created[0]).not.toHaveProperty('sandbox');
    expect(r.tasks.get('fenced')).toMatchObject({ sandbox: true });
  });

  it('a new round when a task is given back: live runs are let go, attempts start again', async () => {
    const r = await rig();
    await add(r, 'redo', { retries: 0 });
    const [first] = r.live() as [string];
    await r.tasks.move('redo', 'ready', 'cli');
    await r.settle();
    const t = r.tasks.get('redo');
    expect(t.round).toBe(2);
    expect(t.runs.map((x) => [x.round, x.status])).toEqual([
      [1, 'discarded'],
      [2, 'running'],
    ]);
    await r.state(first, 'exited', { exitCode: 1 }); // the let-go agent ends: nothing changes
    expect(status(r, 'redo')).toBe('running');
  });

  it('names agents after their task, unique in the workspace; passes over a name whose branch is taken', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 5 });
    await add(r, 'Orders API');
    await add(r, 'Orders API', { priority: 1 });
    expect(r.created.map((c) => c.name)).toEqual(['orders-api', 'orders-api-2']);
    // Another workspace on the same repository has an agent `ui`: its branch wtp/ui exists.
    r.beforeCreate = (req) => {
      if (req.name === 'ui')
        throw new AppError('GIT_BRANCH_TAKEN', 'The branch wtp/ui already exists.', { branch: 'wtp/ui' });
    };
    await add(r, 'UI');
    expect(r.created.map((c) => c.name)).toEqual(['orders-api', 'orders-api-2', 'ui-2']);
    expect(status(r, 'UI')).toBe('running');
  });

  it('fails the task when no agent can start, and waits while the workspace has no folder', async () => {
    const r = await rig();
    r.failCreate = 'claude is not installed';
    await add(r, 'doomed');
    expect(status(r, 'doomed')).toBe('failed');
    expect(r.tasks.get('doomed').statusReason).toBe(
      'could not start an agent for attempt 1: claude is not installed',
    );

    const nowhere = await rig({}, null);
    await add(nowhere, 'waits');
    expect(nowhere.created).toHaveLength(0);
    expect(status(nowhere, 'waits')).toBe('ready');
  });

  it("keeps a plan's order: tasks made in one millisecond get distinct creation times, also after a reload", async () => {
    const r = await rig({ maxAgentsPerWorkspace: 1 });
    r.dispatcher.stop();
    // Twelve ids (tk-1 … tk-12) do not sort in the order they were made: tk-10 < tk-2.
    const names = Array.from({ length: 12 }, (_, i) => `p${i}`);
    await r.tasks.importPlan(
      { tasks: names.map((name) => ({ name, title: name, prompt: `do ${name}` })) },
      'cli',
    );
    const before = r.clock.now();
    await add(r, 'later');
    const titles = (list: { title: string }[]) => list.map((t) => t.title);
    expect(titles(r.tasks.list())).toEqual([...names, 'later']);
    const created = r.tasks.list().map((t) => Date.parse(t.createdAt));
    expect(new Set(created).size).toBe(13);
    expect(created[0]).toBe(before); // the clock did not move: the first keeps the real time
    expect(readyTasks(r.tasks.list())).toEqual(r.tasks.list().map((t) => t.id));

    await r.tasks.load(); // as a restarted daemon does, from the store
    expect(titles(r.tasks.list())).toEqual([...names, 'later']);
    r.dispatcher.start();
    await r.settle();
    expect(r.created.map((c) => c.env?.WTP_TASK_ID)).toEqual([r.tasks.get('p0').id]);
  });

  it('dispatches in the order readyTasks defines, on a random graph, one slot at a time', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 1, retries: 0 });
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const ids: string[] = [];
    r.dispatcher.stop(); // add the whole graph first
    for (let i = 0; i < 60; i++) {
      const after = [...new Set([rand(i + 1), rand(i + 1)])]
        .filter((d) => d < i && rand(3) === 0)
        .map((d) => ids[d] as string);
      ids.push(
        (
          await r.tasks.add(
            { title: `t${i}`, prompt: `p${i}`, status: 'ready', priority: rand(4), after },
            'cli',
          )
        ).id,
      );
    }
    r.dispatcher.start();
    await r.settle();
    // After each step (a run ends in review, then it is merged), the task started, if any, must be
    // the first one readyTasks picks from the graph as that step left it.
    const running = () => r.tasks.list().find((t) => t.runs.some((x) => x.status === 'running'));
    const order: string[] = [running()?.id as string];
    const taskOf = (agent: string) => r.tasks.byAgent(agent)?.id as string;
    const step = async (taskId: string, what: 'review' | 'done', act: () => Promise<void>): Promise<void> => {
      const snapshot = r.tasks.list().map((t) => (t.id === taskId ? { ...t, status: what } : t));
      const before = running();
      await act();
      const next = running();
      if (next && next.id !== before?.id) order.push(next.id);
      // A slot was free after this step: what started (or nothing) is readyTasks' first pick.
      if (what === 'review' || before === undefined) expect(next?.id).toBe(readyTasks(snapshot)[0]);
    };
    for (let agent = r.live()[0]; agent !== undefined; agent = r.live()[0]) {
      const finished = agent;
      await step(taskOf(finished), 'review', () => r.state(finished, 'exited', { exitCode: 0 }));
      await step(taskOf(finished), 'done', () => r.merged(finished));
      // Tasks left in review while others ran are merged once nothing runs.
      for (const t of r.live().length === 0 ? r.tasks.list().filter((x) => x.status === 'review') : []) {
        const id = t.runs[0]?.agentId as string;
        await step(t.id, 'done', () => r.merged(id));
      }
    }
    expect(order).toHaveLength(60);
    expect(r.tasks.list().every((t) => t.status === 'done')).toBe(true);
  });
});
