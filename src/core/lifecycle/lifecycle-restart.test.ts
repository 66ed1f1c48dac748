import { describe, expect, it } from 'vitest';
import {
  agentOf,
  connectHost,
  exitCode,
  killedBy,
  makeCore,
  reportExit,
  reportSpawned,
  startAgent,
  transitions,
  type FakeLink,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { AgentView, ExitInfo } from '../../protocol/agent.js';

/** The running agent exits after `ranMs`; returns the restart delay the policy chose, or null. */
async function exitAfter(h: Harness, id: string, ranMs: number, code = 1): Promise<number | null> {
  h.clock.advance(ranMs);
  await reportExit(h, id, 9001, exitCode(code));
  const a = agentOf(h, id);
  if (a.state !== 'starting' || a.stateDetail.restartAt === undefined) return null;
  return Date.parse(a.stateDetail.restartAt) - h.clock.now();
}

/** Waits out a restart delay, checking that spawn is sent only when it is over; then runs again. */
async function respawnAfter(h: Harness, id: string, link: FakeLink, delayMs: number): Promise<void> {
  const before = link.ofType('spawn').length;
  await h.clock.advanceAsync(delayMs - 1);
  expect(link.ofType('spawn')).toHaveLength(before);
  await h.clock.advanceAsync(1);
  expect(link.ofType('spawn')).toHaveLength(before + 1);
  await reportSpawned(h, id, 9001);
  expect(agentOf(h, id).state).toBe('running');
}

describe('restart policy on-failure', () => {
  it('stays down after exit 0', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'on-failure' });
    expect(await exitAfter(h, id, 10, 0)).toBeNull();
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'exited', exitCode: 0 } });
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });
    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
  });

  it('restarts after exit 1 once the backoff has passed, on the same host', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'on-failure' });
    h.clock.advance(10);
    await reportExit(h, id, 9001, exitCode(1));

    const restartAt = new Date(h.clock.now() + 100).toISOString();
    expect(agentOf(h, id)).toMatchObject({
      state: 'starting',
      stateDetail: { reason: 'restarting', attempt: 1, restartAt, exitCode: 1, signal: null },
      pid: null,
      restarts: 1,
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'starting', 'restarting', 'policy']);
    expect(h.store.ofType('agent.exited', id).map((e) => e.source)).toEqual(['host']);
    expect(link.ofType('shutdown')).toHaveLength(0);

    await respawnAfter(h, id, link, 100);
    expect(h.launcher.launched).toHaveLength(1);
    expect(transitions(h, id).at(-1)).toEqual(['starting', 'running', 'spawned', 'host']);
  });

  it('waits out the backoff even if the host reconnects meanwhile', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'on-failure' });
    await reportExit(h, id, 9001, exitCode(1));
    h.core.sessions.closed(id, link);
    await flush();
    h.clock.advance(50);
    const { link: link2 } = await connectHost(h.core, id, { hostPid });
    expect(link2.types()).toEqual(['welcome']);
    await h.clock.advanceAsync(49);
    expect(link2.ofType('spawn')).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(link2.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('counts a signal death as a failure', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, { restart: 'on-failure' });
    await reportExit(h, id, 9001, killedBy('SIGSEGV'));
    expect(agentOf(h, id).stateDetail).toMatchObject({
      reason: 'restarting',
      exitCode: null,
      signal: 'SIGSEGV',
    });
  });

  it('doubles the delay for quick exits and resets it after a run longer than stableAfterMs', async () => {
    const h = await makeCore({ restart: { crashLoopCount: 10 } });
    const { id, link } = await startAgent(h, { restart: 'on-failure' });
    const delays: (number | null)[] = [];
    for (const ranMs of [10, 10, 10, 1_500, 10, 10]) {
      const delay = await exitAfter(h, id, ranMs);
      delays.push(delay);
      if (delay !== null) await respawnAfter(h, id, link, delay);
    }
    expect(delays).toEqual([100, 200, 400, 100, 100, 200]);
    expect(agentOf(h, id).restarts).toBe(6);
    expect(h.launcher.launched).toHaveLength(1);
  });
});

describe('restart policy always: crash loop', () => {
  it('stops as crashed/crash_loop after crashLoopCount restarts inside the window', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    const delays: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const delay = await exitAfter(h, id, 10, 0);
      delays.push(delay);
      expect(agentOf(h, id).stateDetail.attempt).toBe(i + 1);
      if (delay !== null) await respawnAfter(h, id, link, delay);
    }
    expect(delays).toEqual([100, 200, 400]);

    expect(await exitAfter(h, id, 10, 0)).toBeNull();
    expect(agentOf(h, id)).toMatchObject({
      state: 'crashed',
      stateDetail: {
        reason: 'crash_loop',
        message: '3 restarts within 10 s; not restarting again',
        exitCode: 0,
        signal: null,
      },
      restarts: 3,
      pid: null,
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'crashed', 'crash_loop', 'policy']);
    expect(h.store.ofType('agent.crashLoopDetected', id).map((e) => [e.source, e.data])).toEqual([
      ['policy', { restarts: 3, windowMs: 10_000 }],
    ]);
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });

    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(4);
    expect(agentOf(h, id).state).toBe('crashed');
  });

  it('keeps restarting when the restarts are spread wider than the window', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    for (let i = 0; i < 6; i++) {
      const delay = await exitAfter(h, id, 6_000, 0);
      expect(delay).toBe(100);
      await respawnAfter(h, id, link, 100);
    }
    expect(h.store.ofType('agent.crashLoopDetected', id)).toEqual([]);
    expect(agentOf(h, id).restarts).toBe(6);
  });
});

describe('user restart', () => {
  it('signals a running agent, then spawns it again on the same host', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'never' });
    let view: AgentView | undefined;
    const restarting = h.core.service.restart(id, 'api').then((v) => (view = v));
    await flush();
    expect(link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(agentOf(h, id).state).toBe('running');

    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, id)).toMatchObject({
      state: 'starting',
      stateDetail: { reason: 'restarted_by_user', exitCode: null, signal: 'SIGTERM' },
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'starting', 'restarted_by_user', 'api']);
    expect(link.ofType('spawn')).toHaveLength(2);
    expect(link.ofType('shutdown')).toHaveLength(0);
    expect(view).toBeUndefined();

    await reportSpawned(h, id, 9002);
    await restarting;
    expect(view).toMatchObject({ state: 'running', pid: 9002 });
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('resets the restart count and the backoff', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    for (const expected of [100, 200]) {
      expect(await exitAfter(h, id, 10)).toBe(expected);
      await respawnAfter(h, id, link, expected);
    }
    expect(agentOf(h, id).restarts).toBe(2);
    void h.core.service.restart(id, 'cli');
    await flush();
    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, id).restarts).toBe(0);
    await reportSpawned(h, id, 9001);
    expect(await exitAfter(h, id, 10)).toBe(100);
    expect(agentOf(h, id).stateDetail.attempt).toBe(1);
  });

  it('launches a new host for an exited agent whose host is gone', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(300);
    expect(agentOf(h, id).hostPid).toBeNull();

    const restarting = h.core.service.restart(id, 'cli');
    await flush();
    expect(transitions(h, id).at(-1)).toEqual(['exited', 'starting', 'restarted_by_user', 'cli']);
    expect(h.launcher.launched).toHaveLength(2);
    expect(agentOf(h, id).hostPid).toBe(5002);

    const { link: link2 } = await connectHost(h.core, id, { hostPid: 5002 });
    expect(link2.types()).toEqual(['welcome', 'spawn']);
    await reportSpawned(h, id, 9100);
    await restarting;
    expect(agentOf(h, id)).toMatchObject({ state: 'running', pid: 9100, restarts: 0 });
  });

  it('skips the remaining backoff of a pending automatic restart', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    await exitAfter(h, id, 10);
    expect(link.ofType('spawn')).toHaveLength(1);
    await h.core.lifecycle.restart(agentOf(h, id), 'cli');
    expect(link.ofType('spawn')).toHaveLength(2);
    await h.clock.advanceAsync(1_000);
    expect(link.ofType('spawn')).toHaveLength(2); // the old timer does not spawn a second time
  });

  it('brings back an agent stopped by a crash loop, with a fresh count', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    for (let i = 0; i < 3; i++) await respawnAfter(h, id, link, (await exitAfter(h, id, 10)) ?? 0);
    await exitAfter(h, id, 10);
    expect(agentOf(h, id).state).toBe('crashed');
    await h.core.lifecycle.restart(agentOf(h, id), 'cli');
    expect(agentOf(h, id)).toMatchObject({
      state: 'starting',
      restarts: 0,
      stateDetail: { reason: 'restarted_by_user' },
    });
    await reportSpawned(h, id, 9001);
    expect(await exitAfter(h, id, 10)).toBe(100);
  });
});

describe('a restart right after an exit', () => {
  it('never spawns on the host that was told to shut down: a new host is launched', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });
    // The old host has not disconnected yet when the user restarts the agent.
    await h.core.lifecycle.restart(agentOf(h, id), 'cli');
    expect(link.ofType('spawn')).toHaveLength(1); // only the first start
    expect(h.launcher.launchesOf(id)).toBe(2);
    const newHostPid = agentOf(h, id).hostPid ?? 0;
    const { link: fresh } = await connectHost(h.core, id, { hostPid: newHostPid });
    expect(fresh.ofType('spawn')).toHaveLength(1);
    expect(link.closed).toBe(true); // the newest connection replaced the retiring one
    await reportSpawned(h, id, 9002);
    expect(agentOf(h, id)).toMatchObject({ state: 'running', pid: 9002 });
  });
});

describe('a pane that went with its multiplexer (mux_gone) is not a stop', () => {
  const muxGone = (h: Harness, id: string): Promise<void> => {
    h.core.sessions.message(id, { type: 'closing', reason: 'mux_gone' });
    return flush();
  };

  it('policy never: exited with reason mux_gone, from the host, not the user', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, { restart: 'never' });
    await muxGone(h, id);
    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'mux_gone' } });
    expect(transitions(h, id).at(-1)?.[3]).toBe('host');
  });

  it('on-failure restarts even after a clean exit (the exit was ours), in a new host', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'on-failure' });
    await muxGone(h, id);
    await reportExit(h, id, 9001, exitCode(0));
    const a = agentOf(h, id);
    expect(a).toMatchObject({ state: 'starting', stateDetail: { reason: 'restarting' } });
    expect(a.stateDetail.message).toMatch(/tmux server/);
    const launches = h.launcher.launchesOf(id);
    await h.clock.advanceAsync(10_000);
    expect(h.launcher.launchesOf(id)).toBe(launches + 1); // not the old host, whose pane is gone
    expect(link.ofType('spawn')).toHaveLength(1);
  });

  it('a pane closed by hand stays a stop by the user', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h, { restart: 'always' });
    h.core.sessions.message(id, { type: 'closing', reason: 'pane_closed' });
    await flush();
    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'pane_closed' } });
    expect(transitions(h, id).at(-1)?.[3]).toBe('user');
  });
});

describe('last words: what a program that failed on its own printed last', () => {
  const said = async (exit: ExitInfo, stop = false): Promise<string | undefined> => {
    const h = await makeCore({ outputTailBytes: 4096 });
    const { id } = await startAgent(h);
    h.core.sessions.output(id, 0, new TextEncoder().encode('loading\r\nError: no API key\r\n'));
    if (stop) await h.core.service.stop(id, { wait: false }, 'cli');
    await reportExit(h, id, 9001, exit);
    return agentOf(h, id).stateDetail.lastWords;
  };

  it('are kept for an exit code of its own, not for a signal, a clean exit or a stop', async () => {
    expect(await said(exitCode(1))).toBe('loading\nError: no API key');
    expect(await said(killedBy('SIGKILL'))).toBeUndefined();
    expect(await said(exitCode(0))).toBeUndefined();
    expect(await said(exitCode(1), true)).toBeUndefined();
  });
});
