import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  connectHost,
  makeCore,
  reportSpawned,
  startAgent,
  transitions,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';

const HOST_LOST_MESSAGE = 'the host process vanished; the agent process died with it';

describe('a host link closes', () => {
  it('says hostAlive false for a host that was still ending when its socket closed', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'never' });
    h.core.sessions.closed(id, link); // SIGKILL: the socket closes while the process still shows
    await flush();
    h.inspector.alive.delete(hostPid); // …and a moment later it is gone
    await h.clock.advanceAsync(300);
    expect(h.store.ofType('agent.hostDisconnected', id).map((e) => e.data.hostAlive)).toEqual([false]);
    expect(agentOf(h, id).state).toBe('crashed');
  });

  it('a host that reconnects at once: one disconnect (alive), recorded before its new hello', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    const startedAt = agentOf(h, id).startedAt ?? 0;
    h.core.sessions.closed(id, link);
    await flush();
    await connectHost(h.core, id, { hostPid, child: { pid: 9001, startedAt } });
    await h.clock.advanceAsync(1_000);
    const kinds = h.store.events
      .filter((e) => e.agentId === id && e.type.startsWith('agent.host'))
      .map((e) => `${e.type} ${e.type === 'agent.hostDisconnected' ? e.data.hostAlive : ''}`.trim());
    expect(kinds).toEqual(['agent.hostConnected', 'agent.hostDisconnected true', 'agent.hostConnected']);
  });

  it('marks the agent crashed/host_lost after hostLostCheckMs when the host is dead (policy never)', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'never' });
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await flush();

    h.clock.advance(299);
    await flush();
    expect(agentOf(h, id).state).toBe('running');

    h.clock.advance(1);
    await flush();
    // Recorded once the host's end is certain (a SIGKILLed host closes its socket first).
    expect(h.store.ofType('agent.hostDisconnected', id).map((e) => [e.source, e.data])).toEqual([
      ['host', { hostPid, hostAlive: false }],
    ]);
    expect(agentOf(h, id)).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'host_lost', message: HOST_LOST_MESSAGE, exitCode: null, signal: null },
      hostPid: null,
      hostIdentity: null,
      pid: null,
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'crashed', 'host_lost', 'daemon']);
    expect(h.store.ofType('agent.exited', id).map((e) => [e.source, e.data.pid])).toEqual([['daemon', 9001]]);
    expect(link.ofType('shutdown')).toEqual([]);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('restarts through a new host when the policy says so (policy always)', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'always' });
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(300);
    expect(agentOf(h, id)).toMatchObject({
      state: 'starting',
      stateDetail: { reason: 'restarting', attempt: 1, exitCode: null, signal: null },
      hostPid: null,
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'starting', 'restarting', 'policy']);
    expect(h.launcher.launched).toHaveLength(1);

    await h.clock.advanceAsync(100);
    expect(h.launcher.launched).toHaveLength(2);
    expect(agentOf(h, id).hostPid).toBe(5002);
    const { link: link2 } = await connectHost(h.core, id, { hostPid: 5002 });
    expect(link2.types()).toEqual(['welcome', 'spawn']);
    await reportSpawned(h, id, 9002);
    expect(agentOf(h, id)).toMatchObject({ state: 'running', pid: 9002, restarts: 1 });
  });

  it('changes nothing while the host is alive, and a hello with the child re-binds it as running', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'never' });
    const startedAt = agentOf(h, id).startedAt ?? 0;
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(5_000);
    expect(agentOf(h, id)).toMatchObject({ state: 'running', pid: 9001, hostPid });
    expect(h.core.hosts.has(id)).toBe(false);
    expect(h.store.ofType('agent.hostDisconnected', id).map((e) => e.data.hostAlive)).toEqual([true]);
    const changes = transitions(h, id).length;

    const { link: link2 } = await connectHost(h.core, id, { hostPid, child: { pid: 9001, startedAt } });
    expect(link2.types()).toEqual(['welcome']);
    expect(agentOf(h, id)).toMatchObject({ state: 'running', pid: 9001, startedAt });
    expect(h.core.service.get(id).hostConnected).toBe(true);
    expect(transitions(h, id)).toHaveLength(changes);
    expect(h.store.ofType('agent.hostConnected', id).map((e) => [e.source, e.data])).toEqual([
      ['host', { hostPid, reattached: false }],
      ['host', { hostPid, reattached: true }],
    ]);
  });

  it('ignores the close of a link that a newer connection already replaced', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    const { link: link2 } = await connectHost(h.core, id, {
      hostPid,
      child: { pid: 9001, startedAt: h.clock.now() },
    });
    expect(link.closed).toBe(true); // the newest connection wins
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(1_000);
    expect(h.store.ofType('agent.hostDisconnected', id)).toEqual([]);
    expect(agentOf(h, id).state).toBe('running');
    expect(h.core.hosts.get(id)).toBe(link2);
  });

  it('does not declare the host lost if it reconnected within hostLostCheckMs', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await flush();
    h.clock.advance(100);
    await connectHost(h.core, id, { hostPid, child: { pid: 9001, startedAt: h.clock.now() } });
    h.inspector.alive.delete(hostPid); // what the check would see, if it still ran
    await h.clock.advanceAsync(1_000);
    expect(agentOf(h, id).state).toBe('running');
  });
});

describe('resume after a daemon restart', () => {
  it('treats a running agent whose host died meanwhile as host lost', async () => {
    const h = await makeCore({ agents: [agentRecord({ id: 'ag-old', hostPid: 6000, pid: 7000 })] });
    expect(agentOf(h, 'ag-old')).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'host_lost', message: HOST_LOST_MESSAGE },
      hostPid: null,
      pid: null,
    });
    expect(h.store.ofType('agent.exited', 'ag-old').map((e) => [e.source, e.data.pid])).toEqual([
      ['daemon', 7000],
    ]);
    expect(transitions(h, 'ag-old')).toEqual([['running', 'crashed', 'host_lost', 'daemon']]);
    expect(h.store.agents.get('ag-old')?.state).toBe('crashed');
    expect(h.launcher.launched).toEqual([]);
  });

  it('restarts such an agent through a new host when its policy says so', async () => {
    const h = await makeCore({ agents: [agentRecord({ id: 'ag-old', restart: 'always' })] });
    expect(agentOf(h, 'ag-old').stateDetail.reason).toBe('restarting');
    await h.clock.advanceAsync(100);
    expect(h.launcher.launched.map((a) => a.id)).toEqual(['ag-old']);
  });

  it('relaunches, without a second exit, an agent the daemon died with while it waited to restart', async () => {
    // Found by npm run soak: a headless host SIGKILLed (its "pane" is the host process), the exit
    // recorded, the restart's backoff running — and the daemon SIGKILLed. The record kept the dead
    // pane's id, so the next daemon took the pane for lost again: a second agent.exited for a
    // process that never ran, and one more restart counted.
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'always' });
    h.inspector.alive.delete(hostPid);
    h.launcher.panes.delete(`p-${hostPid}`);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(300);
    const saved = h.store.agents.get(id);
    expect(saved).toMatchObject({ state: 'starting', stateDetail: { reason: 'restarting' }, restarts: 1 });
    if (!saved) throw new Error('not saved');

    // A second daemon on the same store (the harness names its default workspace ws-default).
    const next = await makeCore({ agents: [{ ...saved, workspaceId: 'ws-default' }] });
    await next.clock.advanceAsync(0);
    expect(next.store.ofType('agent.exited', id)).toEqual([]);
    expect(next.launcher.launched.map((a) => a.id)).toEqual([id]);
    expect(agentOf(next, id)).toMatchObject({ state: 'starting', restarts: 1, hostPid: 5001 });
  });

  it('leaves an agent whose host is alive untouched until the host connects', async () => {
    const h = await makeCore({
      agents: [agentRecord({ id: 'ag-old', hostPid: 6000, hostIdentity: '6000@1', pid: 7000 })],
      aliveHosts: [6000],
    });
    await h.clock.advanceAsync(60_000);
    expect(agentOf(h, 'ag-old')).toMatchObject({ state: 'running', pid: 7000, hostPid: 6000 });
    expect(h.store.events.filter((e) => e.agentId === 'ag-old')).toEqual([]);
    expect(h.launcher.launched).toEqual([]);

    const { link } = await connectHost(h.core, 'ag-old', {
      hostPid: 6000,
      child: { pid: 7000, startedAt: 1 },
    });
    expect(link.types()).toEqual(['welcome']);
    expect(agentOf(h, 'ag-old')).toMatchObject({ state: 'running', pid: 7000 });
    expect(h.store.ofType('agent.hostConnected', 'ag-old').map((e) => e.data.reattached)).toEqual([true]);
  });

  it('treats a host pid now used by another process (identity changed) as lost', async () => {
    const h = await makeCore({
      agents: [agentRecord({ id: 'ag-old', hostPid: 6000, hostIdentity: '6000@0' })],
      aliveHosts: [6000], // alive, but its identity is now 6000@1
    });
    expect(agentOf(h, 'ag-old').stateDetail.reason).toBe('host_lost');
  });

  it('waits for a host the last daemon launched but died before recording, not launching a second', async () => {
    // Found by the soak in CI: killed between a restart's host spawn and its save, the daemon left
    // no host pid; the next launched another host, and the two took the agent from each other on
    // every reconnect until the restart policy called it a crash loop.
    const restarting = agentRecord({
      id: 'ag-r',
      state: 'starting',
      stateDetail: { reason: 'restarting', attempt: 1 },
      restart: 'always',
      hostPid: null,
      paneId: null,
      pid: null,
    });
    const h = await makeCore({ agents: [restarting], aliveHosts: [5009], start: false });
    h.launcher.panes.add('p-5009');
    h.launcher.owners.set('p-5009', 'ag-r');
    h.launcher.panes.add('p-5010'); // another agent's
    h.launcher.owners.set('p-5010', 'ag-other');
    await h.core.start();
    await h.clock.advanceAsync(0);
    expect(h.launcher.launched).toEqual([]);
    expect(agentOf(h, 'ag-r')).toMatchObject({ state: 'starting', hostPid: 5009, paneId: 'p-5009' });

    const { link } = await connectHost(h.core, 'ag-r', { hostPid: 5009 });
    expect(link.ofType('spawn')).toHaveLength(1);
    await h.clock.advanceAsync(60_000);
    expect(h.launcher.launched).toEqual([]);
    expect(h.store.ofType('agent.exited', 'ag-r')).toEqual([]);
  });

  it('launches an agent that was starting without a host, and ignores finished agents', async () => {
    const h = await makeCore({
      agents: [
        agentRecord({
          id: 'ag-new',
          state: 'starting',
          stateDetail: { reason: 'created' },
          hostPid: null,
          pid: null,
        }),
        agentRecord({
          id: 'ag-done',
          state: 'exited',
          stateDetail: { reason: 'exited' },
          hostPid: 6001,
          pid: null,
        }),
      ],
    });
    expect(h.launcher.launched.map((a) => a.id)).toEqual(['ag-new']);
    expect(agentOf(h, 'ag-new')).toMatchObject({ state: 'starting', hostPid: 5001 });
    expect(agentOf(h, 'ag-done')).toMatchObject({ state: 'exited', hostPid: 6001 });
    expect(h.store.events.filter((e) => e.agentId !== null)).toEqual([]);
  });
});
