import { describe, expect, it } from 'vitest';
import { type DispatchRig } from '../../../test/support/dispatch-rig.js';
import { addReady, dispatchRigs } from '../../../test/support/dispatch-rigs.js';

const rig = dispatchRigs();
const add = addReady;
const blocked = (r: DispatchRig, ref: string) => r.tasks.get(ref).blocked;

/** Why a task is not dispatched, as its view says, checked against what the dispatcher does. */
describe('the blocked reason of a task', () => {
  it('a workspace without a folder: says so and how to fix it, from the moment the task is added', async () => {
    const r = await rig({}, null);
    const added = await add(r, 'api');
    expect(r.created).toHaveLength(0);
    expect(added.blocked).toMatchObject({ reason: 'no_folder', waitingOn: [] });
    expect(added.blocked?.message).toContain('Workspace "default" has no folder');
    expect(added.blocked?.message).toContain('wtp workspace new NAME --repo DIR');
    // Its dependencies are listed too, though the folder comes first.
    await add(r, 'page', { after: ['api'] });
    expect(blocked(r, 'page')).toMatchObject({
      reason: 'no_folder',
      waitingOn: [{ id: added.id, title: 'api', status: 'ready' }],
    });
  });

  it('dependencies not done: each with its status, until the last is merged; a stuck one says so', async () => {
    const r = await rig();
    const schema = await add(r, 'schema');
    const db = await add(r, 'db', { status: 'backlog' });
    await add(r, 'api', { after: ['schema', 'db'] });
    expect(blocked(r, 'api')).toEqual({
      reason: 'dependencies',
      message: expect.stringMatching(
        /^Waiting for "schema" \(running\), "db" \(backlog\): it starts once they are done/,
      ),
      waitingOn: [
        { id: schema.id, title: 'schema', status: 'running', waiting: false },
        { id: db.id, title: 'db', status: 'backlog', waiting: false },
      ],
    });
    expect(blocked(r, 'api')?.message).toContain('"db" (backlog) will not get there by itself');
    // A dependency that is ready but waits for others of its own is "waiting", as its own row says.
    await add(r, 'web', { after: ['api'] });
    expect(blocked(r, 'web')?.message).toMatch(/^Waiting for "api" \(waiting\): it starts once it is done/);
    expect(blocked(r, 'web')?.waitingOn).toEqual([
      { id: expect.any(String), title: 'api', status: 'ready', waiting: true },
    ]);
    expect(blocked(r, 'schema')).toBeNull(); // it runs

    await r.merged(r.live()[0] as string);
    await r.tasks.move('db', 'ready', 'cli');
    await r.settle();
    expect(blocked(r, 'api')?.waitingOn.map((d) => [d.title, d.status])).toEqual([['db', 'running']]);
    await r.merged(r.live()[0] as string);
    expect(r.tasks.get('api').status).toBe('running');
    expect(blocked(r, 'api')).toBeNull();
  });

  it('a usage-limit hold on its vendor, with when it lifts; for a held attempt of a running best of N too', async () => {
    const r = await rig({ defaultProfile: 'claude', maxAgentsPerWorkspace: 5 });
    await add(r, 'one');
    await r.state(r.live()[0] as string, 'needs_input', { reason: 'usage_limit', resetsAt: 'in 2h' });
    await add(r, 'two');
    expect(r.tasks.get('two').status).toBe('ready');
    expect(blocked(r, 'two')).toEqual({
      reason: 'usage_limit',
      message: `anthropic is on a usage-limit hold until ${new Date(r.clock.now() + 7_200_000).toISOString()}; \`wtp resume anthropic\` lifts it now.`,
      waitingOn: [],
      vendor: 'anthropic',
      resumeAt: new Date(r.clock.now() + 7_200_000).toISOString(),
    });
    // Best of 2, one attempt on codex: that one starts, the claude one waits for the reset.
    await add(r, 'mixed', { attempts: 2, variants: [{ profile: 'claude' }, { profile: 'codex' }] });
    expect(r.tasks.get('mixed').runs.map((x) => x.profile)).toEqual(['codex']);
    expect(r.tasks.get('mixed')).toMatchObject({ status: 'running', blocked: { reason: 'usage_limit' } });
    await r.tasks.move('two', 'backlog', 'cli');
    await r.clock.advanceAsync(7_200_000);
    await r.settle();
    expect(r.tasks.get('mixed').runs.map((x) => x.profile)).toEqual(['codex', 'claude']);
    expect(blocked(r, 'mixed')).toBeNull();
  });

  it('a workspace at its maximum of task agents, also for the attempts of a running best of N', async () => {
    const r = await rig({ maxAgentsPerWorkspace: 1 });
    await add(r, 'pair', { attempts: 2 });
    await add(r, 'second');
    expect(r.created).toHaveLength(1);
    expect(blocked(r, 'second')).toMatchObject({ reason: 'max_agents', waitingOn: [] });
    expect(blocked(r, 'second')?.message).toContain('already runs 1 task agent(s), its maximum');
    expect(r.tasks.get('pair')).toMatchObject({ status: 'running', blocked: { reason: 'max_agents' } });
    await r.finishTurn(r.live()[0] as string);
    expect(r.tasks.get('pair').runs).toHaveLength(2); // its second attempt took the slot
    expect(blocked(r, 'pair')).toBeNull();
    expect(blocked(r, 'second')).toMatchObject({ reason: 'max_agents' });
  });

  it('none for tasks with nothing to start: backlog, review, done, cancelled', async () => {
    const r = await rig();
    await add(r, 'parked', { status: 'backlog' });
    await add(r, 'gone');
    await r.tasks.cancel('gone', 'cli');
    expect(blocked(r, 'parked')).toBeNull();
    expect(blocked(r, 'gone')).toBeNull();
  });
});
