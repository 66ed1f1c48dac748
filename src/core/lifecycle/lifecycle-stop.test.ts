import { describe, expect, it } from 'vitest';
import {
  agentOf,
  bytes,
  cmdRequest,
  connectHost,
  exitCode,
  killedBy,
  makeCore,
  reportExit,
  reportSpawned,
  startAgent,
  transitions,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { AgentView } from '../../protocol/agent.js';

describe('user stop of a running agent', () => {
  it('sends SIGTERM with the grace delay, then ends as exited/stopped without a restart', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    let view: AgentView | undefined;
    const stopping = h.core.service.stop(id, { wait: true }, 'cli').then((v) => (view = v));
    await flush();
    expect(link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(agentOf(h, id).state).toBe('running');
    expect(view).toBeUndefined();

    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    await stopping;
    expect(view).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped', signal: 'SIGTERM' } });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'exited', 'stopped', 'cli']);
    expect(h.store.ofType('agent.exited', id).map((e) => e.source)).toEqual(['host']);
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });

    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(agentOf(h, id).state).toBe('exited');
  });

  it('passes a caller-chosen grace delay to the host', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    await h.core.service.stop(id, { graceMs: 500, wait: false }, 'api');
    expect(link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 500 });
  });

  it('does nothing for an agent that is not live', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    const sent = link.sent.length;
    const changes = transitions(h, id).length;
    await h.core.service.stop(id, { wait: true }, 'cli');
    expect(link.sent).toHaveLength(sent);
    expect(transitions(h, id)).toHaveLength(changes);
  });
});

describe('user stop of a starting agent', () => {
  it('cancels a pending automatic restart at once; the timer never spawns', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'on-failure' });
    await reportExit(h, id, 9001, exitCode(1));
    expect(agentOf(h, id).stateDetail.reason).toBe('restarting');

    await h.core.service.stop(id, { wait: true }, 'api');
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });
    expect(transitions(h, id).at(-1)).toEqual(['starting', 'exited', 'stopped', 'api']);
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });

    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
    expect(agentOf(h, id).state).toBe('exited');
  });

  it('stops an agent whose host has not connected yet, and sends that host away later', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    await h.core.service.stop(view.id, { wait: false }, 'cli');
    expect(agentOf(h, view.id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });

    await h.clock.advanceAsync(60_000); // the connect timeout was disarmed
    expect(h.inspector.signals).toEqual([]);
    expect(agentOf(h, view.id).stateDetail.reason).toBe('stopped');

    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    expect(link.types()).toEqual(['welcome', 'shutdown']);
  });

  it('stops a process whose spawn was already sent as soon as it reports spawned', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest({ restart: 'always' }), 'cli');
    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    const stopping = h.core.service.stop(view.id, { wait: true }, 'cli');
    await flush();
    expect(agentOf(h, view.id).state).toBe('starting');
    expect(link.types()).toEqual(['welcome', 'spawn']);

    await reportSpawned(h, view.id, 9001);
    expect(link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(agentOf(h, view.id).state).toBe('starting'); // never shown as running

    await reportExit(h, view.id, 9001, killedBy('SIGTERM'));
    await stopping;
    expect(agentOf(h, view.id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });
    expect(transitions(h, view.id).map((t) => t[1])).toEqual(['starting', 'exited']);
  });
});

describe('user stop while the host is away', () => {
  it('signals the process group itself and escalates to SIGKILL after the grace delay', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await flush();
    await h.core.service.stop(id, { wait: false }, 'cli');
    expect(h.inspector.signals).toEqual([{ pid: 9001, signal: 'SIGTERM' }]);
    h.clock.advance(1_999);
    expect(h.inspector.signals).toHaveLength(1);
    h.clock.advance(1);
    expect(h.inspector.signals).toEqual([
      { pid: 9001, signal: 'SIGTERM' },
      { pid: 9001, signal: 'SIGKILL' },
    ]);
    expect(link.ofType('signal')).toEqual([]);
  });

  it('finishes the stop when the host comes back reporting the exit, without a late SIGKILL', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'always' });
    h.core.sessions.closed(id, link);
    await flush();
    await h.core.service.stop(id, { wait: false }, 'cli');
    h.clock.advance(500);
    const report = { pid: 9001, exit: killedBy('SIGTERM'), at: h.clock.now() };
    const { link: link2 } = await connectHost(h.core, id, { hostPid, pendingExit: report });
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });
    expect(link2.types()).toEqual(['welcome', 'shutdown']);
    await h.clock.advanceAsync(60_000);
    expect(h.inspector.signals).toEqual([{ pid: 9001, signal: 'SIGTERM' }]);
  });

  it('signals again through the host if it comes back with the process still alive', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await flush();
    await h.core.service.stop(id, { wait: false }, 'cli');
    const { link: link2 } = await connectHost(h.core, id, {
      hostPid,
      child: { pid: 9001, startedAt: h.clock.now() },
    });
    expect(link2.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, id).stateDetail.reason).toBe('stopped');
  });
});

describe('daemon shutdown', () => {
  it('stopAllAgents stops every live agent as daemon-stopped, with no restarts', async () => {
    const h = await makeCore();
    const a = await startAgent(h, { name: 'a', restart: 'always' }, 'cli', 9001);
    const b = await startAgent(h, { name: 'b', restart: 'never' }, 'cli', 9002);
    const c = await startAgent(h, { name: 'c' }, 'cli', 9003);
    await reportExit(h, c.id, 9003, exitCode(0));

    let count: number | undefined;
    const all = h.core.stopAllAgents().then((n) => (count = n));
    await flush();
    expect(a.link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(b.link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(c.link.ofType('signal')).toEqual([]);

    await reportExit(h, a.id, 9001, killedBy('SIGTERM'));
    expect(count).toBeUndefined();
    await reportExit(h, b.id, 9002, exitCode(0));
    await all;
    expect(count).toBe(2);
    for (const x of [a, b]) {
      expect(agentOf(h, x.id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });
      expect(transitions(h, x.id).at(-1)).toEqual(['running', 'exited', 'stopped', 'daemon']);
    }
    await h.clock.advanceAsync(60_000);
    expect(a.link.ofType('spawn')).toHaveLength(1);
    // Every pane is closed, also the one c (exited before) kept open for its last output.
    expect(h.launcher.closed.sort()).toEqual([a, b, c].map((x) => `p-${x.hostPid}`).sort());
    expect(h.launcher.panes.size).toBe(0);
  });

  it('after shutdown began, an exit is final even with policy always, and hosts are turned away unharmed', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    h.core.lifecycle.beginShutdown();
    await reportExit(h, id, 9001, exitCode(1));
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'stopped' } });
    expect(transitions(h, id).at(-1)?.[3]).toBe('daemon');
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });

    // Turned away, not stopped: it reconnects to the next daemon.
    const other = await connectHost(h.core, id, { hostPid: 5999 });
    expect(other.accepted).toBe(false);
    expect(other.link.sent).toEqual([]);
  });

  it('after shutdown began, closing links neither records a disconnect nor declares hosts lost', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'always' });
    h.core.lifecycle.beginShutdown();
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(10_000);
    expect(h.store.ofType('agent.hostDisconnected', id)).toEqual([]);
    expect(agentOf(h, id)).toMatchObject({ state: 'running', hostPid });
  });

  it('core.stop persists and acks output, closes host links and leaves no timers', async () => {
    const h = await makeCore();
    const a = await startAgent(h, { name: 'a', restart: 'on-failure' }, 'cli', 9001);
    const b = await startAgent(h, { name: 'b' }, 'cli', 9002);
    await reportExit(h, a.id, 9001, exitCode(1)); // a restart is now pending
    h.core.sessions.output(b.id, 0, bytes('hello'));
    await h.core.stop();
    expect(h.store.agents.get(b.id)?.outputSeq).toBe(5);
    expect(b.link.sent.at(-1)).toEqual({ type: 'ack', seq: 5 });
    expect([a.link.closed, b.link.closed]).toEqual([true, true]);
    expect(h.clock.pending).toBe(0);
    // Hosts keep running: nobody was told to shut down or signalled.
    expect(b.link.ofType('shutdown')).toEqual([]);
    expect(h.inspector.signals).toEqual([]);
  });
});
