import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore } from '../../../test/support/core-fakes.js';
import type { Signal } from '../../protocol/signals.js';

/**
 * A Claude Code dialog announced by its status record whose PermissionRequest hook never came (a
 * hook call that failed on the CLI's side, e.g. a reset connection): noticed, logged and recorded.
 */
async function rig() {
  const agent = agentRecord({
    id: 'ag-1',
    name: 'c1',
    profile: 'claude',
    state: 'working',
    version: '2.1.330',
  });
  const h = await makeCore();
  await h.core.registry.add(agent, []);
  const at = () => h.clock.now();
  const status = (): Signal => ({
    source: 'status',
    state: 'needs_permission',
    reason: 'permission',
    evidence: 'status 7501 state=blocked kind=permission',
    at: at(),
  });
  const hook = (): Signal => ({
    source: 'hook',
    state: 'needs_permission',
    reason: 'permission',
    evidence: 'hook PermissionRequest Bash "npm test"',
    at: at(),
    request: { kind: 'permission', tool: 'Bash', about: 'npm test' },
  });
  return { h, status, hook };
}

describe('HookWatch', () => {
  it('a dialog announced by the status record with no PermissionRequest hook within 3 s: agent.hookMissed', async () => {
    const { h, status } = await rig();
    await h.core.engine.observe('ag-1', status());
    expect(h.core.registry.resolve('c1').state).toBe('needs_permission');
    await h.clock.advanceAsync(2_999);
    expect(h.store.ofType('agent.hookMissed', 'ag-1')).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(h.store.ofType('agent.hookMissed', 'ag-1')).toMatchObject([
      { source: 'daemon', data: { event: 'PermissionRequest', announcedBy: 'status', waitedMs: 3_000 } },
    ]);
    expect(h.log.entries.some((l) => l.msg.includes('its hook never arrived'))).toBe(true);
  });

  it('the hook came (before the status record, or just after it): nothing is recorded', async () => {
    const first = await rig();
    await first.h.core.engine.observe('ag-1', first.hook());
    await first.h.core.engine.observe('ag-1', first.status());
    await first.h.clock.advanceAsync(5_000);
    expect(first.h.store.ofType('agent.hookMissed', 'ag-1')).toEqual([]);

    const after = await rig();
    await after.h.core.engine.observe('ag-1', after.status());
    await after.h.clock.advanceAsync(500);
    await after.h.core.engine.observe('ag-1', after.hook());
    await after.h.clock.advanceAsync(5_000);
    expect(after.h.store.ofType('agent.hookMissed', 'ag-1')).toEqual([]);
  });

  it('the dialog ended before the wait: nothing is recorded', async () => {
    const { h, status } = await rig();
    await h.core.engine.observe('ag-1', status());
    await h.clock.advanceAsync(1_000);
    await h.core.engine.observe('ag-1', {
      source: 'status',
      state: 'working',
      evidence: 'status 7501 state=working',
      at: h.clock.now(),
    });
    await h.clock.advanceAsync(5_000);
    expect(h.store.ofType('agent.hookMissed', 'ag-1')).toEqual([]);
  });
});
