import { afterEach, describe, expect, it } from 'vitest';
import { DispatchRig } from '../../../test/support/dispatch-rig.js';
import { UsageGovernor } from './usage-governor.js';
import { PROFILES } from '../../vendors/registry.js';

const rigs: DispatchRig[] = [];
async function rig(settings: ConstructorParameters<typeof DispatchRig>[0] = {}) {
  const r = new DispatchRig({ defaultProfile: 'claude', maxAgentsPerWorkspace: 5, ...settings });
  rigs.push(r);
  return r.start();
}
afterEach(() => {
  for (const r of rigs.splice(0)) r.stop();
});

async function add(r: DispatchRig, title: string, profile = 'claude') {
  await r.tasks.add({ title, prompt: title, status: 'ready', profile: profile as 'claude' }, 'cli');
  await r.settle();
}
const limit = (r: DispatchRig, agentId: string, resetsAt?: string) =>
  r.state(agentId, 'needs_input', { reason: 'usage_limit', ...(resetsAt === undefined ? {} : { resetsAt }) });

describe('UsageGovernor', () => {
  it('holds the vendor at a usage limit, keeps dispatching other vendors, resumes at the reset time', async () => {
    const r = await rig();
    await add(r, 'one');
    const [first] = r.live() as [string];
    await limit(r, first, 'in 2h');
    expect(r.governor.list()).toMatchObject([
      {
        vendor: 'anthropic',
        agentId: first,
        resetsAt: 'in 2h',
        resumeAt: new Date(r.clock.now() + 7_200_000).toISOString(),
      },
    ]);
    await add(r, 'two'); // claude: held
    await add(r, 'shell', 'cmd'); // no vendor: starts
    expect(r.created.map((c) => c.prompt ?? c.argv?.[2])).toEqual(['one', 'shell']);
    expect(r.tasks.get('two').status).toBe('ready');

    await r.clock.advanceAsync(7_200_000);
    await r.settle();
    expect(r.governor.list()).toEqual([]);
    expect(r.created.map((c) => c.prompt ?? c.argv?.[2])).toEqual(['one', 'shell', 'two']);
    const types = r.store.events.map((e) => e.type).filter((t) => t.startsWith('quota.'));
    expect(types).toEqual(['quota.exhausted', 'quota.resumed']);
    expect(r.store.events.find((e) => e.type === 'quota.resumed')?.data).toMatchObject({ by: 'reset' });
  });

  it('without a readable reset time, holds until the user resumes; a later limit with a time arms the timer', async () => {
    const r = await rig();
    await add(r, 'one');
    await add(r, 'other');
    const [a, b] = r.live() as [string, string];
    await limit(r, a);
    expect(r.governor.list()[0]?.resumeAt).toBeNull();
    await limit(r, b, '2026-01-01T00:00:00Z'); // in the fake clock's future
    expect(r.governor.list()[0]?.resetsAt).toBe('2026-01-01T00:00:00Z');

    const r2 = await rig();
    await add(r2, 'one');
    await limit(r2, r2.live()[0] as string, 'whenever');
    await add(r2, 'two');
    expect(r2.created).toHaveLength(1);
    r2.clock.advance(30 * 86_400_000);
    await r2.settle();
    expect(r2.created).toHaveLength(1); // never on its own
    expect((await r2.governor.resume('anthropic', 'user')).map((h) => h.vendor)).toEqual(['anthropic']);
    await r2.settle();
    expect(r2.created).toHaveLength(2);
    expect(await r2.governor.resume(undefined, 'user')).toEqual([]);
  });

  it('pauses the vendor’s other working agents when configured and continues them at the resume', async () => {
    const r = await rig({ pauseOnUsageLimit: true });
    for (const t of ['a', 'b', 'c']) await add(r, t);
    await add(r, 'shell', 'cmd');
    const [a, b, c, shell] = r.live() as [string, string, string, string];
    await r.state(b, 'working');
    await r.state(shell, 'running');
    await r.state(c, 'idle'); // idle spends nothing: left alone
    await limit(r, a, 'in 1h');
    expect(r.paused).toEqual([{ agentId: b, paused: true }]);
    expect(r.governor.list()[0]?.paused).toEqual([b]);
    await r.governor.resume('anthropic', 'user');
    expect(r.paused).toEqual([
      { agentId: b, paused: true },
      { agentId: b, paused: false },
    ]);
  });

  it('restores holds from the event log after a restart, timer included', async () => {
    const r = await rig();
    await add(r, 'one');
    await limit(r, r.live()[0] as string, 'in 1h');
    r.stop();
    const again = new UsageGovernor({
      registry: r.registry,
      profileCatalog: PROFILES,
      bus: r.bus,
      events: r.store,
      clock: r.clock,
      log: r.log,
      pause: () => true,
      settings: { pauseOnLimit: false },
      onResume: () => undefined,
    });
    await again.start();
    expect(again.heldFor('claude')?.vendor).toBe('anthropic');
    expect(again.heldFor('codex')).toBeUndefined();
    expect(again.heldFor('cmd')).toBeUndefined();
    await r.clock.advanceAsync(3_600_000);
    await r.settle();
    expect(again.list()).toEqual([]);
    again.stop();
  });
});
