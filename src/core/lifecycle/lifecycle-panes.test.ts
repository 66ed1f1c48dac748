import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
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

describe('agents in panes', () => {
  it('launches the host with the placement it is given and records the pane', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const view = await h.core.service.create(
      { profile: 'cmd', cwd: '/work', argv: ['node'], restart: 'never', env: {}, wait: false },
      'cli',
    );
    expect(h.launcher.placements).toEqual([{ kind: 'tab' }]);
    const a = agentOf(h, view.id);
    expect(a).toMatchObject({ backend: 'tmux', paneId: 'p-5001', hostPid: 5001 });
    const split = { kind: 'split', target: 'p-5001', direction: 'right', size: { percent: 30 } } as const;
    const second = await h.core.service.create(
      { profile: 'cmd', cwd: '/work', argv: ['node'], restart: 'never', env: {}, wait: false },
      'cli',
      split,
    );
    expect(h.launcher.placements.at(-1)).toEqual(split);
    expect(agentOf(h, second.id).paneId).toBe('p-5002');
  });

  it('learns the host pid from the hello when the backend cannot tell it (WezTerm)', async () => {
    const h = await makeCore({ defaultBackend: 'wezterm' });
    h.launcher.pidUnknown = true;
    const view = await h.core.service.create(
      { profile: 'cmd', cwd: '/work', argv: ['node'], restart: 'never', env: {}, wait: false },
      'cli',
    );
    expect(agentOf(h, view.id)).toMatchObject({ hostPid: null, paneId: 'p-5001' });
    await connectHost(h.core, view.id, { hostPid: 5001, pane: 'p-5001' });
    expect(agentOf(h, view.id)).toMatchObject({ hostPid: 5001, hostIdentity: '5001@1', paneId: 'p-5001' });
  });

  it('closes the pane (it has no pid to kill) when a WezTerm host never connects', async () => {
    const h = await makeCore({ defaultBackend: 'wezterm' });
    h.launcher.pidUnknown = true;
    const view = await h.core.service.create(
      { profile: 'cmd', cwd: '/work', argv: ['node'], restart: 'never', env: {}, wait: false },
      'cli',
    );
    await h.clock.advanceAsync(h.settings.lifecycle.hostConnectTimeoutMs);
    expect(agentOf(h, view.id)).toMatchObject({ state: 'crashed', stateDetail: { reason: 'host_timeout' } });
    expect(h.launcher.closed).toEqual(['p-5001']);
    expect(h.inspector.signals).toEqual([]);
  });

  it('a pane closed by hand stops the agent as pane_closed, without a restart', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const { id } = await startAgent(h, { restart: 'always' });
    h.core.sessions.message(id, { type: 'closing', reason: 'pane_closed' });
    await flush();
    await reportExit(h, id, 9001, killedBy('SIGHUP'));
    expect(agentOf(h, id)).toMatchObject({
      state: 'exited',
      stateDetail: { reason: 'pane_closed', signal: 'SIGHUP' },
    });
    expect(transitions(h, id).at(-1)).toEqual(['running', 'exited', 'pane_closed', 'user']);
    await h.clock.advanceAsync(60_000);
    expect(h.launcher.launchesOf(id)).toBe(1);
  });

  it('a host that vanished with its pane means the pane was closed, not a crash', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const { id, link, hostPid } = await startAgent(h, { restart: 'on-failure' });
    h.launcher.panes.delete('p-5001');
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(h.settings.lifecycle.hostLostCheckMs);
    expect(agentOf(h, id)).toMatchObject({ state: 'exited', stateDetail: { reason: 'pane_closed' } });
    expect(h.launcher.launchesOf(id)).toBe(1);
  });

  it('a vanished host whose pane is still there is a lost host (restart policy applies)', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const { id, link, hostPid } = await startAgent(h, { restart: 'never' });
    h.inspector.alive.delete(hostPid);
    h.core.sessions.closed(id, link);
    await h.clock.advanceAsync(h.settings.lifecycle.hostLostCheckMs);
    expect(agentOf(h, id)).toMatchObject({ state: 'crashed', stateDetail: { reason: 'host_lost' } });
  });

  it('after a daemon restart: a closed pane marks its agent exited; a starting pane gets time to connect', async () => {
    const closed = agentRecord({
      id: 'ag-closed',
      backend: 'tmux',
      paneId: '%3',
      hostPid: 6000,
      restart: 'always',
    });
    const starting = agentRecord({
      id: 'ag-start',
      name: 'start',
      backend: 'wezterm',
      paneId: '7',
      hostPid: null,
      hostIdentity: null,
      state: 'starting',
      pid: null,
    });
    const h = await makeCore({ agents: [closed, starting], start: false, defaultBackend: 'tmux' });
    h.launcher.panes.add('7'); // the WezTerm pane exists; its host has not said hello yet
    await h.core.start();
    await flush();
    expect(agentOf(h, 'ag-closed')).toMatchObject({
      state: 'exited',
      stateDetail: { reason: 'pane_closed' },
    });
    expect(agentOf(h, 'ag-start').state).toBe('starting');
    expect(h.launcher.launched).toEqual([]); // nothing relaunched
    await connectHost(h.core, 'ag-start', { hostPid: 6100, pane: '7' });
    await reportSpawned(h, 'ag-start', 9100);
    expect(agentOf(h, 'ag-start')).toMatchObject({ state: 'running', hostPid: 6100 });
  });

  it('a user restart after the exit puts the new host in the place of the old pane, which closes', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const { id } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0)); // its host keeps the pane open, showing the last screen
    await h.core.lifecycle.restart(agentOf(h, id), 'cli');
    expect(h.launcher.placements.at(-1)).toEqual({ kind: 'replace', target: 'p-5001' });
    expect(h.launcher.closed).toEqual(['p-5001']);
    expect(agentOf(h, id).paneId).toBe('p-5002');
    expect([...h.launcher.panes]).toEqual(['p-5002']);
  });

  it('a user restart whose old pane is gone (headless, or closed by hand) opens a tab', async () => {
    const h = await makeCore({ defaultBackend: 'headless' });
    const { id } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    h.launcher.panes.delete('p-5001'); // a headless host ends with its agent
    await h.core.lifecycle.restart(agentOf(h, id), 'cli');
    expect(h.launcher.placements.at(-1)).toEqual({ kind: 'tab' });
  });

  it('removing an agent closes its pane (a pane kept open after the exit goes too)', async () => {
    const h = await makeCore({ defaultBackend: 'tmux' });
    const { id } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    await h.core.service.remove(id, false, 'cli');
    expect(h.launcher.closed).toEqual(['p-5001']);
  });
});
