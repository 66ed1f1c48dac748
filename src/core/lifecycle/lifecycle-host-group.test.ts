import { describe, expect, it } from 'vitest';
import { agentOf, agentRecord, cmdRequest, makeCore, startAgent } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';

const GROUP = 4000;
const SHARED_LOST =
  'the host process it shared with the agents of its workspace vanished (or dropped it); the agent process died with it';

/** The hosts of one workspace in one process (a headless host group): one pid, a place each. */
async function grouped() {
  const h = await makeCore({ start: false });
  h.launcher.groupPid = GROUP;
  await h.core.start();
  return h;
}

describe('agents whose hosts share a process', () => {
  it('one host that never connects: its place is closed, the process holding the others is not killed', async () => {
    const h = await grouped();
    const a = await startAgent(h, { name: 'a', restart: 'never' });
    const b = await h.core.service.create(cmdRequest({ name: 'b' }), 'cli');
    expect(agentOf(h, b.id)).toMatchObject({ hostPid: GROUP, paneId: `h-${GROUP}/${b.id}` });
    await h.clock.advanceAsync(20_000);
    expect(h.inspector.signals).toEqual([]);
    expect(h.launcher.closed).toEqual([`h-${GROUP}/${b.id}`]);
    expect(agentOf(h, b.id).stateDetail.reason).toBe('host_timeout');
    expect(agentOf(h, a.id).state).toBe('running');
  });

  it('a host link that closes while the process lives but no longer holds it: host lost, said as shared', async () => {
    const h = await grouped();
    const { id, link } = await startAgent(h, { restart: 'never' });
    h.launcher.panes.delete(`h-${GROUP}/${id}`); // the group dropped it
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(300);
    await flush();
    expect(agentOf(h, id)).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'host_lost', message: SHARED_LOST },
    });
  });

  it('a host link that closes while the process still holds it: waits for the reconnect', async () => {
    const h = await grouped();
    const { id, link } = await startAgent(h, { restart: 'never' });
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(60_000);
    expect(agentOf(h, id).state).toBe('running');
  });

  it('after a daemon restart, an agent the live process no longer holds is host lost', async () => {
    const held = agentRecord({
      id: 'ag-held',
      hostPid: GROUP,
      hostIdentity: `${GROUP}@1`,
      paneId: `h-${GROUP}/ag-held`,
      pid: 7001,
    });
    const gone = agentRecord({
      id: 'ag-gone',
      hostPid: GROUP,
      hostIdentity: `${GROUP}@1`,
      paneId: `h-${GROUP}/ag-gone`,
      pid: 7002,
    });
    const h = await makeCore({ agents: [held, gone], aliveHosts: [GROUP], start: false });
    h.launcher.panes.add(`h-${GROUP}/ag-held`);
    await h.core.start();
    await h.clock.advanceAsync(0);
    expect(agentOf(h, 'ag-held')).toMatchObject({ state: 'running', hostPid: GROUP });
    expect(agentOf(h, 'ag-gone')).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'host_lost', message: SHARED_LOST },
    });
  });
});
