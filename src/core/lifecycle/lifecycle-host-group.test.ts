import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  cmdRequest,
  makeCore,
  startAgent,
  transitions,
} from '../../../test/support/core-fakes.js';
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

describe('a tmux host group that ended while the daemon was away', () => {
  const TMUX_GROUP = 4100;
  /** Two agents of one group whose panes are gone, and the group with them; the daemon starts again. */
  async function restartedAfterGroupEnded(mark: (h: Awaited<ReturnType<typeof makeCore>>) => void) {
    const agents = ['ag-a', 'ag-b'].map((id, i) =>
      agentRecord({
        id,
        backend: 'tmux',
        restart: 'always',
        hostPid: TMUX_GROUP,
        hostIdentity: `${TMUX_GROUP}@1`,
        paneId: `%${i + 3}/${TMUX_GROUP}`,
        pid: 7100 + i,
      }),
    );
    const h = await makeCore({ agents, start: false, defaultBackend: 'tmux' });
    mark(h);
    await h.core.start();
    await flush();
    return h;
  }

  it('an agent whose pane the group recorded as closed by hand is exited(pane_closed), not restarted', async () => {
    const h = await restartedAfterGroupEnded((h) => h.launcher.closedByHandPanes.add(`%3/${TMUX_GROUP}`));
    expect(agentOf(h, 'ag-a')).toMatchObject({ state: 'exited', stateDetail: { reason: 'pane_closed' } });
    expect(transitions(h, 'ag-a')).toEqual([['running', 'exited', 'pane_closed', 'user']]);
    // Its neighbour, not recorded, ended with the group: a lost host, restarted by its policy.
    expect(transitions(h, 'ag-b')[0]).toEqual(['running', 'starting', 'restarting', 'policy']);
    await h.clock.advanceAsync(60_000);
    expect(h.launcher.launched.map((a) => a.id)).toEqual(['ag-b']);
  });

  it('a record that could not be read is a lost host, and the daemon log says why', async () => {
    const h = await restartedAfterGroupEnded((h) => {
      h.launcher.closedByHandPanes.add(`%3/${TMUX_GROUP}`);
      h.launcher.closedRefusal = '/state/g-1.closed is a symbolic link: not read';
    });
    expect(transitions(h, 'ag-a')[0]).toEqual(['running', 'starting', 'restarting', 'policy']);
    expect(h.log.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        obj: expect.objectContaining({ agentId: 'ag-a', refused: expect.stringMatching(/symbolic link/) }),
      }),
    );
  });

  it('a group that runs on is not asked: the pane gone from it is a stop on its own', async () => {
    const h = await makeCore({
      agents: [
        agentRecord({
          id: 'ag-a',
          backend: 'tmux',
          hostPid: TMUX_GROUP,
          hostIdentity: `${TMUX_GROUP}@1`,
          paneId: `%3/${TMUX_GROUP}`,
        }),
      ],
      aliveHosts: [TMUX_GROUP],
      start: false,
      defaultBackend: 'tmux',
    });
    h.launcher.closedRefusal = 'not to be read';
    await h.core.start();
    await flush();
    expect(agentOf(h, 'ag-a')).toMatchObject({ state: 'exited', stateDetail: { reason: 'pane_closed' } });
    expect(h.log.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });
});
