import { mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import type { OrphanHost } from '../../src/protocol/orphans.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const COUNTER = 'i=0; while :; do i=$((i+1)); echo "count $i"; sleep 0.1; done';

/** Starts a daemon with two counting agents, then kills the daemon with SIGKILL. */
async function agentsWithoutDaemon(home: TestHome): Promise<AgentView[]> {
  await home.up();
  for (const name of ['one', 'two']) {
    expect((await home.run(['new', 'cmd', '--name', name, '--', 'sh', '-c', COUNTER])).code).toBe(0);
  }
  const agents = await eventually('both agents running', async () => {
    const list = await home.agents();
    return list.every((a) => a.state === 'running' && a.hostConnected) ? list : undefined;
  });
  const daemonPid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
  process.kill(daemonPid, 'SIGKILL');
  await eventually('the daemon to die', () => !isAlive(daemonPid));
  return agents;
}

function removeDatabase(home: TestHome, how: 'delete' | 'truncate'): void {
  if (how === 'truncate') truncateSync(home.path('wtp.db'), 0);
  else rmSync(home.path('wtp.db'));
  for (const f of ['wtp.db-wal', 'wtp.db-shm']) rmSync(home.path(f), { force: true });
}

const allAlive = (agents: AgentView[]): boolean =>
  agents.every((a) => a.pid !== null && isAlive(a.pid) && a.hostPid !== null && isAlive(a.hostPid));

describe('a lost database never costs the agents that still run', () => {
  let home: TestHome;
  beforeEach(() => {
    home = new TestHome({ SHELL: '/bin/sh' });
  });
  afterEach(() => home.cleanup());

  it.each(['delete', 'truncate'] as const)(
    'database %sd: the daemon refuses to start (DB_MISSING) and names what it found; the agents keep running',
    async (how) => {
      const agents = await agentsWithoutDaemon(home);
      removeDatabase(home, how);
      const up = await home.json<{
        error: { code: string; message: string; details: Record<string, unknown> };
      }>(['up', '--detach']);
      expect(up.code).toBe(1);
      expect(up.doc.error.code).toBe('DB_MISSING');
      expect(up.doc.error.message).toContain('wtp up --fresh');
      expect(up.doc.error.details.state).toBe(how === 'delete' ? 'missing' : 'empty');
      expect(up.doc.error.details.agentDirs).toEqual(agents.map((a) => a.id).sort());
      const hosts = up.doc.error.details.liveHosts as { agentId: string; pid: number }[];
      expect(hosts.map((h) => h.pid).sort()).toEqual(agents.map((a) => a.hostPid).sort());
      expect((await home.json(['status'])).code).toBe(3); // nothing started
      expect(allAlive(agents)).toBe(true);
    },
  );

  it('--fresh: the surviving hosts are orphans, kept alive; one is adopted with its output, one stopped', async () => {
    const agents = await agentsWithoutDaemon(home);
    removeDatabase(home, 'delete');
    expect((await home.run(['up', '--detach', '--fresh'])).code).toBe(0);
    const orphans = await eventually('both hosts to report as orphans', async () => {
      const r = await home.json<{ orphans: OrphanHost[] }>(['orphans']);
      return r.doc.orphans.length === 2 ? r.doc.orphans : undefined;
    });
    const [one, two] = ['one', 'two'].map((n) => agents.find((a) => a.name === n) as AgentView);
    if (!one || !two) throw new Error('agents missing');
    expect(
      orphans.map((o) => [o.agentId, o.name, o.workspace, o.hostPid, o.childPid, o.adoptable]).sort(),
    ).toEqual([one, two].map((a) => [a.id, a.name, 'default', a.hostPid, a.pid, true]).sort());
    expect((await home.json<{ daemon: { orphans: number } }>(['status'])).doc.daemon.orphans).toBe(2);
    expect((await home.run(['status'])).stdout).toContain('wtp orphans');
    expect((await home.agents()).length).toBe(0);
    expect(allAlive(agents)).toBe(true); // before this fix, every host was told to shut down

    const adopted = await home.json<{ agent: AgentView }>(['orphans', 'adopt', one.id]);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.doc.agent).toMatchObject({ id: one.id, name: 'one', workspace: 'default' });
    const back = await eventually('the adopted host to reconnect', async () => {
      const a = (await home.agents()).find((x) => x.id === one.id);
      return a?.hostConnected && a.state === 'running' ? a : undefined;
    });
    expect(back.pid).toBe(one.pid);
    // Its whole output, from before the daemon was lost too, is its own again.
    const log = (await home.run(['logs', 'one', '--plain'])).stdout;
    const counts = [...log.matchAll(/count (\d+)/g)].map((m) => Number(m[1]));
    expect(counts.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);

    const stopped = await home.json(['orphans', 'stop', two.id]);
    expect(stopped.code, stopped.stderr).toBe(0);
    // Headless hosts of one workspace share a process (agents.hostProcess): it stays, holding `one`.
    expect(two.hostPid).toBe(one.hostPid);
    await eventually('the stopped orphan to exit', () => !isAlive(two.pid ?? 0));
    await eventually(
      'the orphan list to be empty',
      async () => (await home.json<{ orphans: OrphanHost[] }>(['orphans'])).doc.orphans.length === 0,
    );
    expect(isAlive(one.pid ?? 0)).toBe(true);
    expect(isAlive(one.hostPid ?? 0)).toBe(true);
    const types = (await home.run(['events', '--json'])).stdout;
    for (const t of ['host.orphaned', 'host.adopted', 'host.orphanStopped'])
      expect(types).toContain(`"${t}"`);
  });

  it('a database path that is a directory: DB_NOT_A_FILE, nothing changed', async () => {
    mkdirSync(home.path('wtp.db'));
    writeFileSync(home.path('wtp.db', 'keep'), 'x');
    const up = await home.json<{ error: { code: string; details: { path: string } } }>(['up', '--detach']);
    expect(up.code).toBe(1);
    expect(up.doc.error).toMatchObject({ code: 'DB_NOT_A_FILE', details: { path: home.path('wtp.db') } });
    expect(statSync(home.path('wtp.db', 'keep')).size).toBe(1);
  });
});
