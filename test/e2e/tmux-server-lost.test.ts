import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmuxSocketPath } from '../../src/config/paths.js';
import type { AgentView } from '../../src/protocol/agent.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const COUNTER = 'i=0; while :; do i=$((i+1)); echo "count $i"; sleep 0.2; done';

/** Real tmux: the server goes away under running agents (kill-server, then SIGKILL). */
describe('a vanished tmux server is not a user closing panes', () => {
  let home: TestHome;
  /** The tmux server's pid; throws when none runs (never 0: kill(0) would hit our own group). */
  const serverPid = async (): Promise<number> => {
    const r = await home.tmux(['display-message', '-p', '#{pid}']);
    const pid = Number(r.stdout.trim());
    if (r.code !== 0 || !Number.isInteger(pid) || pid <= 1) throw new Error(`no tmux server: ${r.stderr}`);
    return pid;
  };
  const socket = (): string => tmuxSocketPath(home.tmuxSocket, home.env.TMUX_TMPDIR, process.getuid?.() ?? 0);

  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
    home.writeConfig('restart:\n  backoffBaseMs: 200\n');
    await home.up();
    for (const [name, policy] of [
      ['always', 'always'],
      ['onfail', 'on-failure'],
      ['never', 'never'],
    ] as const) {
      const r = await home.run([
        'new',
        'cmd',
        '--name',
        name,
        '--restart',
        policy,
        '--',
        'sh',
        '-c',
        COUNTER,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const name of ['always', 'onfail', 'never']) await home.untilState(name, 'running');
  });
  afterAll(() => home.cleanup());

  it('kill-server: the restart policy applies and new panes open on a new server; `never` ends as mux_gone', async () => {
    const before = await home.agents();
    const oldServer = await serverPid();
    expect((await home.tmux(['kill-server'])).code).toBe(0);

    const never = await home.untilState('never', 'exited');
    expect(never.stateDetail.reason).toBe('mux_gone');
    const events = await home.events('never');
    const last = events.filter((e) => e.type === 'agent.stateChanged').at(-1);
    expect(last?.source).toBe('host'); // not the user
    for (const name of ['always', 'onfail']) {
      const was = before.find((a) => a.name === name) as AgentView;
      const now = await eventually(`${name} to run again in a new pane`, async () => {
        const a = await home.agent(name);
        return a.state === 'running' && a.hostConnected && a.pid !== was.pid ? a : undefined;
      });
      const story = (await home.events(name))
        .map((e) => `${e.ts.slice(11, 23)} ${e.type} ${e.source} ${JSON.stringify(e.data).slice(0, 200)}`)
        .join('\n');
      expect(now.restarts, story).toBe(1);
      const restarting = (await home.events(name)).find(
        (e) => e.type === 'agent.stateChanged' && e.data.detail.reason === 'restarting',
      );
      expect(restarting?.type === 'agent.stateChanged' && restarting.data.detail.message).toMatch(
        /tmux server/,
      );
      expect((await home.tmux(['list-panes', '-a', '-F', '#{pane_id}'])).stdout).toContain(now.paneId ?? '?');
    }
    expect(await serverPid()).not.toBe(oldServer);
  });

  it('SIGKILL of the server: the same', async () => {
    const was = await home.agent('always');
    const pid = await serverPid();
    process.kill(pid, 'SIGKILL');
    await eventually('the tmux server to die', () => !isAlive(pid));
    const now = await eventually('always to run again', async () => {
      const a = await home.agent('always');
      return a.state === 'running' && a.hostConnected && a.pid !== was.pid ? a : undefined;
    });
    expect(now.restarts).toBe(2);
  });

  it('a pane closed by hand is still a stop, even the last one on the server', async () => {
    await home.run(['rm', '--force', 'onfail']);
    const always = await home.agent('always');
    const panes = (await home.tmux(['list-panes', '-a', '-F', '#{pane_id}'])).stdout.trim().split('\n');
    expect(panes).toEqual([always.paneId]);
    expect((await home.tmux(['kill-pane', '-t', always.paneId ?? ''])).code).toBe(0);
    const after = await home.untilState('always', 'exited');
    expect(after.stateDetail.reason).toBe('pane_closed');
  });

  it('down --stop-agents leaves neither a tmux server nor its socket file', async () => {
    expect((await home.run(['new', 'cmd', '--name', 'late', '--', 'sh', '-c', COUNTER])).code).toBe(0);
    await home.untilState('late', 'running');
    const server = await serverPid();
    expect((await home.run(['down', '--stop-agents'])).code).toBe(0);
    await eventually('the tmux server to exit', () => !isAlive(server));
    expect(existsSync(socket())).toBe(false);
  });
});
