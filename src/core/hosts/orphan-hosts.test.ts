import { describe, expect, it } from 'vitest';
import { agentOf, connectHost, makeCore, startAgent } from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';

const spawned = {
  name: 'api',
  workspace: 'lost',
  profile: 'cmd',
  command: '/usr/bin/node',
  args: ['server.js'],
  cwd: '/work',
};

describe('orphan hosts: kept, shown, stopped or adopted — never stopped unasked', () => {
  it('lists an unknown host with what it says it runs', async () => {
    const h = await makeCore();
    await connectHost(h.core, 'ag-lost', {
      hostPid: 4321,
      child: { pid: 777, startedAt: 1 },
      pane: '%3',
      spawned,
    });
    expect(h.core.orphans.list()).toEqual([
      expect.objectContaining({
        agentId: 'ag-lost',
        hostPid: 4321,
        childPid: 777,
        pane: '%3',
        name: 'api',
        workspace: 'lost',
        command: ['/usr/bin/node', 'server.js'],
        cwd: '/work',
        adoptable: true,
      }),
    ]);
  });

  it('stop tells the host to shut down (it stops its agent) and records it', async () => {
    const h = await makeCore();
    const { link } = await connectHost(h.core, 'ag-lost', {
      hostPid: 4321,
      child: { pid: 777, startedAt: 1 },
    });
    await h.core.orphans.stop('ag-lost', 'cli');
    expect(link.sent).toEqual([{ type: 'shutdown' }]);
    expect(h.store.ofType('host.orphanStopped', 'ag-lost').map((e) => e.data.hostPid)).toEqual([4321]);
    h.core.sessions.closed('ag-lost', link);
    await flush();
    expect(h.core.orphans.list()).toEqual([]);
  });

  it('adopt registers the agent under its id, closes the link, and the host reconnects as known', async () => {
    const h = await makeCore();
    const { link } = await connectHost(h.core, 'ag-lost', {
      hostPid: 4321,
      child: { pid: 777, startedAt: 1 },
      pane: '%3',
      spawned,
    });
    const agent = await h.core.orphans.adopt('ag-lost', {}, 'cli');
    expect(agent).toMatchObject({
      id: 'ag-lost',
      name: 'api',
      backend: 'tmux',
      command: '/usr/bin/node',
      restart: 'never',
    });
    expect(h.core.registry.resolveWorkspace('lost').name).toBe('lost');
    expect(link.closed).toBe(true);
    expect(link.sent).toEqual([]); // never told to shut down
    expect(h.core.orphans.list()).toEqual([]);
    h.core.sessions.closed('ag-lost', link);
    h.inspector.alive.add(4321);
    const again = await connectHost(h.core, 'ag-lost', {
      hostPid: 4321,
      child: { pid: 777, startedAt: 1 },
      pane: '%3',
      spawned,
      outputSeq: 500,
      bufferedFrom: 100,
    });
    expect(again.accepted).toBe(true);
    expect(again.link.sent[0]).toMatchObject({ type: 'welcome', resumeFrom: 100 });
    expect(agentOf(h, 'ag-lost')).toMatchObject({ state: 'running', pid: 777, hostPid: 4321 });
    expect(again.link.ofType('spawn')).toEqual([]); // the running process is adopted, not started again
  });

  it('adopt refuses a taken name (AGENT_NAME_TAKEN) and takes --name; refuses a host with no process left', async () => {
    const h = await makeCore();
    await startAgent(h, { name: 'api' });
    await connectHost(h.core, 'ag-lost', {
      hostPid: 4321,
      child: { pid: 777, startedAt: 1 },
      spawned: { ...spawned, workspace: 'default' },
    });
    await expect(h.core.orphans.adopt('ag-lost', {}, 'cli')).rejects.toMatchObject({
      code: 'AGENT_NAME_TAKEN',
    });
    expect((await h.core.orphans.adopt('ag-lost', { name: 'api-2' }, 'cli')).name).toBe('api-2');

    await connectHost(h.core, 'ag-done', { hostPid: 4322, child: { pid: 778, startedAt: 1 }, spawned });
    h.core.sessions.message('ag-done', {
      type: 'exited',
      report: { pid: 778, exit: { exitCode: 0, signal: null }, at: 2 },
    });
    await flush();
    expect(h.core.orphans.list().find((o) => o.agentId === 'ag-done')?.adoptable).toBe(false);
    await expect(h.core.orphans.adopt('ag-done', {}, 'cli')).rejects.toMatchObject({
      code: 'ORPHAN_NOT_ADOPTABLE',
    });
    await connectHost(h.core, 'ag-old', { hostPid: 4323, child: { pid: 779, startedAt: 1 } });
    await expect(h.core.orphans.adopt('ag-old', {}, 'cli')).rejects.toMatchObject({
      code: 'ORPHAN_NOT_ADOPTABLE',
    });
    await expect(h.core.orphans.stop('ag-nope', 'cli')).rejects.toMatchObject({ code: 'ORPHAN_NOT_FOUND' });
  });

  it('core.stop closes orphan links without a shutdown', async () => {
    const h = await makeCore();
    const { link } = await connectHost(h.core, 'ag-lost', { hostPid: 4321 });
    await h.core.stop();
    expect(link.closed).toBe(true);
    expect(link.sent).toEqual([]);
  });
});
