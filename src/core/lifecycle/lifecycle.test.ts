import { describe, expect, it } from 'vitest';
import {
  agentOf,
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

describe('lifecycle: from create to running', () => {
  it('launches a host, sends welcome and spawn on hello, and runs on spawned', async () => {
    const h = await makeCore();
    let view: AgentView | undefined;
    const created = h.core.service
      .create(
        cmdRequest({ wait: true, name: 'api', argv: ['node', 'server.js'], env: { FOO: 'bar' } }),
        'cli',
      )
      .then((v) => (view = v));
    await flush();
    const id = h.core.registry.resolve('api').id;

    expect(h.launcher.launched).toHaveLength(1);
    expect(h.launcher.launched[0]).toMatchObject({ id, state: 'starting', command: '/usr/bin/node' });
    expect(agentOf(h, id)).toMatchObject({
      state: 'starting',
      stateDetail: { reason: 'created' },
      hostPid: 5001,
      hostIdentity: '5001@1',
      pid: null,
    });
    expect(view).toBeUndefined(); // create waits for the process

    const { link, accepted } = await connectHost(h.core, id, { hostPid: 5001 });
    expect(accepted).toBe(true);
    expect(link.sent).toEqual([
      {
        type: 'welcome',
        resumeFrom: 0,
        daemonVersion: '0.0.0-test',
        features: ['outputLog', 'permissionMode', 'sandboxDenied'],
      },
      {
        type: 'spawn',
        command: '/usr/bin/node',
        args: ['server.js'],
        cwd: '/work',
        // The daemon's environment, the agent's overrides on top, and who the agent is.
        env: {
          PATH: '/usr/bin:/bin',
          HOME: '/home/test',
          FOO: 'bar',
          WTP_AGENT_ID: id,
          WTP_AGENT_NAME: 'api',
        },
        cols: 80,
        rows: 24,
        // Who the agent is, so a daemon that lost its record can adopt the host.
        origin: { name: 'api', workspace: 'default', profile: 'cmd' },
      },
    ]);
    expect(agentOf(h, id).state).toBe('starting');
    expect(view).toBeUndefined();

    await reportSpawned(h, id, 9001);
    await created;
    expect(view).toMatchObject({ state: 'running', pid: 9001, hostPid: 5001, hostConnected: true });
    // The host learns every state, for the pane's user vars (the WezTerm tab bar).
    expect(link.states).toEqual([
      { type: 'state', state: 'starting', agent: 'api', workspace: 'default' },
      { type: 'state', state: 'running', agent: 'api', workspace: 'default' },
    ]);
    expect(h.store.agents.get(id)).toMatchObject({ state: 'running', pid: 9001, startedAt: h.clock.now() });
    expect(transitions(h, id)).toEqual([
      [null, 'starting', 'created', 'cli'],
      ['starting', 'running', 'spawned', 'host'],
    ]);
    expect(h.store.ofType('agent.created', id).map((e) => e.source)).toEqual(['cli']);
    expect(h.store.ofType('agent.hostConnected', id).map((e) => [e.source, e.data])).toEqual([
      ['host', { hostPid: 5001, reattached: false }],
    ]);
  });

  it('disarms the connect timeout once the host has said hello', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    await h.clock.advanceAsync(60_000);
    expect(agentOf(h, id).state).toBe('running');
    expect(h.inspector.signals).toEqual([]);
  });

  it('sends spawn only once even if asked to launch again before the host reports', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    await h.core.lifecycle.launch(agentOf(h, view.id));
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
  });
});

describe('lifecycle: exit with policy never', () => {
  it('ends as exited with the exit code and tells the host to shut down', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'never' });
    h.clock.advance(250);
    await reportExit(h, id, 9001, exitCode(3));

    expect(agentOf(h, id)).toMatchObject({
      state: 'exited',
      stateDetail: { reason: 'exited', exitCode: 3, signal: null },
      pid: null,
      lastExit: { exitCode: 3, signal: null },
      restarts: 0,
    });
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });
    expect(h.store.ofType('agent.exited', id).map((e) => [e.source, e.data])).toEqual([
      ['host', { pid: 9001, exit: { exitCode: 3, signal: null }, ranMs: 250 }],
    ]);
    expect(transitions(h, id).at(-1)).toEqual(['running', 'exited', 'exited', 'host']);
    expect(h.store.agents.get(id)?.state).toBe('exited');

    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('records a signal death as exitCode null with the signal', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    await reportExit(h, id, 9001, killedBy('SIGKILL'));
    expect(agentOf(h, id).stateDetail).toEqual({ reason: 'exited', exitCode: null, signal: 'SIGKILL' });
  });

  it('stays exited when the host then goes away', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(1_000);
    expect(agentOf(h, id)).toMatchObject({
      state: 'exited',
      hostPid: null,
      stateDetail: { reason: 'exited' },
    });
    expect(h.store.ofType('agent.hostDisconnected', id).map((e) => [e.source, e.data])).toEqual([
      ['host', { hostPid, hostAlive: false }],
    ]);
    expect(transitions(h, id)).toHaveLength(3);
  });
});

describe('lifecycle: failures to start', () => {
  it('crashes with host_timeout and SIGKILLs the host when it never connects', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    h.clock.advance(4_999);
    await flush();
    expect(agentOf(h, view.id).state).toBe('starting');
    expect(h.inspector.signals).toEqual([]);

    h.clock.advance(1);
    await flush();
    expect(h.inspector.signals).toEqual([{ pid: 5001, signal: 'SIGKILL' }]);
    expect(agentOf(h, view.id)).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'host_timeout', message: 'the host did not connect within 5 s' },
    });
    expect(transitions(h, view.id).at(-1)).toEqual(['starting', 'crashed', 'host_timeout', 'daemon']);

    // A host that shows up after all is told to go away; the agent stays crashed.
    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    expect(link.types()).toEqual(['welcome', 'shutdown']);
    expect(agentOf(h, view.id).state).toBe('crashed');
  });

  it('crashes with spawn_failed when the launcher fails, without a later timeout', async () => {
    const h = await makeCore();
    h.launcher.fail = new Error('cannot start the host');
    const view = await h.core.service.create(cmdRequest(), 'api');
    expect(agentOf(h, view.id)).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'spawn_failed', message: 'cannot start the host' },
    });
    await h.clock.advanceAsync(60_000);
    expect(h.inspector.signals).toEqual([]);
    expect(transitions(h, view.id)).toEqual([
      [null, 'starting', 'created', 'api'],
      ['starting', 'crashed', 'spawn_failed', 'daemon'],
    ]);
  });

  it('crashes with spawn_failed when the host cannot spawn, and does not restart', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest({ restart: 'always' }), 'cli');
    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    h.core.sessions.message(view.id, { type: 'spawnFailed', message: 'ENOENT: no such file' });
    await flush();
    expect(agentOf(h, view.id)).toMatchObject({
      state: 'crashed',
      stateDetail: { reason: 'spawn_failed', message: 'ENOENT: no such file' },
    });
    expect(transitions(h, view.id).at(-1)).toEqual(['starting', 'crashed', 'spawn_failed', 'host']);
    expect(link.types()).toEqual(['welcome', 'spawn', 'shutdown']);
    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('keeps a host it does not know running as an orphan: no shutdown, reported', async () => {
    const h = await makeCore();
    const { link, accepted } = await connectHost(h.core, 'ag-ghost', { hostPid: 4321 });
    expect(accepted).toBe(true);
    expect(link.sent).toEqual([]);
    expect(link.closed).toBe(false);
    expect(h.core.hosts.has('ag-ghost')).toBe(false);
    expect(h.core.orphans.list().map((o) => [o.agentId, o.hostPid])).toEqual([['ag-ghost', 4321]]);
    expect(h.store.ofType('host.orphaned', 'ag-ghost').map((e) => e.data.hostPid)).toEqual([4321]);
  });

  it('tells the host of an agent the user removed to shut down', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    h.core.sessions.closed(id, link);
    h.inspector.alive.delete(link.hostPid);
    await h.clock.advanceAsync(1_000);
    await h.core.service.remove(id, true, 'cli');
    const again = await connectHost(h.core, id, { hostPid: 4322 });
    expect(again.accepted).toBe(false);
    expect(again.link.sent).toEqual([{ type: 'shutdown' }]);
    expect(h.core.orphans.list()).toEqual([]);
  });
});

describe('lifecycle: what a reconnecting host reports', () => {
  it('handles a pendingExit (the child ended while the daemon was away) like an exit', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(1_000); // host alive: nothing happens
    expect(agentOf(h, id).state).toBe('running');

    const report = { pid: 9001, exit: exitCode(0), at: h.clock.now() };
    const { link: link2 } = await connectHost(h.core, id, { hostPid, pendingExit: report });
    expect(agentOf(h, id)).toMatchObject({
      state: 'exited',
      stateDetail: { reason: 'exited', exitCode: 0, signal: null },
      pid: null,
    });
    expect(link2.types()).toEqual(['welcome', 'shutdown']);
    expect(h.store.ofType('agent.exited', id).map((e) => [e.source, e.data.pid, e.data.ranMs])).toEqual([
      ['host', 9001, 1_000],
    ]);
    expect(h.store.ofType('agent.hostConnected', id).map((e) => e.data.reattached)).toEqual([false, true]);
  });

  it('applies the restart policy to a pendingExit, spawning through the new link', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h, { restart: 'always' });
    h.core.sessions.closed(id, link);
    await flush();
    const report = { pid: 9001, exit: exitCode(1), at: h.clock.now() };
    const { link: link2 } = await connectHost(h.core, id, { hostPid, pendingExit: report });
    expect(agentOf(h, id)).toMatchObject({ state: 'starting', stateDetail: { reason: 'restarting' } });
    expect(link2.ofType('spawn')).toHaveLength(0);
    await h.clock.advanceAsync(100);
    expect(link2.ofType('spawn')).toHaveLength(1);
    expect(link.ofType('spawn')).toHaveLength(1);
  });

  it('treats a hello without child or pendingExit for a running agent as an unknown exit', async () => {
    const h = await makeCore();
    const { id, link, hostPid } = await startAgent(h);
    h.core.sessions.closed(id, link);
    await flush();
    await connectHost(h.core, id, { hostPid });
    expect(agentOf(h, id)).toMatchObject({
      state: 'exited',
      stateDetail: { reason: 'exited', exitCode: null, signal: null },
    });
    expect(h.store.ofType('agent.exited', id)[0]?.data.pid).toBe(9001);
  });

  it('re-sends spawn to a host that reconnects while the agent is still starting', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest(), 'cli');
    const { link } = await connectHost(h.core, view.id, { hostPid: 5001 });
    h.core.sessions.closed(view.id, link);
    await flush();
    const { link: link2 } = await connectHost(h.core, view.id, { hostPid: 5001 });
    expect(link2.types()).toEqual(['welcome', 'spawn']);
    await reportSpawned(h, view.id, 9001);
    expect(agentOf(h, view.id).state).toBe('running');
  });
});
