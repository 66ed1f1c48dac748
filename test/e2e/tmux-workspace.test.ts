import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

/** Real tmux on the home's dedicated server (`tmux -L wtp-<hash>`), never the user's own. */
interface PaneRow {
  id: string;
  left: number;
  top: number;
  agent: string;
  title: string;
}

async function panesOf(home: TestHome, session: string): Promise<PaneRow[]> {
  const r = await home.tmux([
    'list-panes',
    '-t',
    `=${session}`,
    '-F',
    '#{pane_id}\t#{pane_left}\t#{pane_top}\t#{@wtp_agent}\t#{pane_title}',
  ]);
  if (r.code !== 0) throw new Error(`list-panes: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [id = '', left = '', top = '', agent = '', title = ''] = l.split('\t');
      return { id, left: Number(left), top: Number(top), agent, title };
    });
}

/** This home's processes running `sleep 1000` (the crowded layout's command panes). */
function sleepers(home: TestHome): number[] {
  return home.processes().filter((pid) => {
    try {
      const [argv0 = '', ...args] = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
      return /(^|\/)sleep$/.test(argv0) && args[0] === '1000';
    } catch {
      return false;
    }
  });
}

async function hasSession(home: TestHome, session: string): Promise<boolean> {
  return (await home.tmux(['has-session', '-t', `=${session}`])).code === 0;
}

describe('workspaces on real tmux', () => {
  let home: TestHome;
  let repo: string;
  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
    repo = home.path('repo');
    mkdirSync(repo);
    await home.up();
  });
  afterAll(() => home.cleanup());

  it('status says tmux was chosen, and why', async () => {
    const { doc } = await home.json<{ daemon: { backend: string; backendReason: string } }>(['status']);
    expect(doc.daemon.backend).toBe('tmux');
    expect(doc.daemon.backendReason).toMatch(/tmux/);
  });

  it('builds the quad template as a 2x2 grid of agent panes, on its own tmux server', async () => {
    const r = await home.json(['workspace', 'new', 'proj', '--template', 'quad', '--cwd', repo]);
    expect(r.code, r.stderr).toBe(0);
    const { workspace, agents } = cliOutputSchemas.workspace.parse(r.doc);
    expect(workspace).toMatchObject({ name: 'proj', backend: 'tmux', template: 'quad', repoPath: repo });
    expect(agents.map((a) => [a.name, a.state])).toEqual([
      ['a1', 'running'],
      ['a2', 'running'],
      ['a3', 'running'],
      ['a4', 'running'],
    ]);

    const panes = await panesOf(home, 'proj');
    expect(panes).toHaveLength(4);
    const byAgent = new Map(panes.map((p) => [p.agent, p]));
    const at = (name: string): PaneRow => {
      const id = agents.find((a) => a.name === name)?.id ?? '';
      const p = byAgent.get(id);
      if (!p) throw new Error(`no pane for ${name}`);
      return p;
    };
    // a1 a2 / a3 a4, each pane titled with its agent and tagged with its id.
    expect(at('a1').left).toBe(at('a3').left);
    expect(at('a2').left).toBe(at('a4').left);
    expect(at('a1').left).toBeLessThan(at('a2').left);
    expect(at('a1').top).toBe(at('a2').top);
    expect(at('a3').top).toBe(at('a4').top);
    expect(at('a1').top).toBeLessThan(at('a3').top);
    expect(panes.map((p) => p.title).sort()).toEqual(['a1', 'a2', 'a3', 'a4']);
    for (const a of agents) expect(a.paneId).toBe(byAgent.get(a.id)?.id);

    const ls = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc);
    expect(ls.workspaces.find((w) => w.name === 'proj')).toMatchObject({
      backend: 'tmux',
      template: 'quad',
      agents: 4,
    });
  });

  it("shows each pane's agent and state on its border (pane options kept current by the host)", async () => {
    const a1 = await home.agent('a1');
    const fmt = '#{@wtp_agent}|#{@wtp_title}|#{@wtp_state}|#{pane-border-status}';
    await eventually('the host to set its pane options', async () => {
      const r = await home.tmux(['display-message', '-p', '-t', a1.paneId ?? '', fmt]);
      return r.stdout.trim() === `${a1.id}|a1|running|top`;
    });
    const border = await home.tmux(['show-options', '-g', '-w', '-v', 'pane-border-format']);
    expect(border.stdout).toContain('#{@wtp_state}');
  });

  it('shows the agent in its pane and through the daemon: send, peek, capture-pane', async () => {
    expect((await home.run(['send', 'proj/a1', 'echo hi-from-$((40+2))', '--enter'])).code).toBe(0);
    await eventually('peek to show the output', async () =>
      (await home.run(['peek', 'proj/a1'])).stdout.includes('hi-from-42'),
    );
    const a1 = await home.agent('a1');
    await eventually('the tmux pane to show it too', async () =>
      (await home.tmux(['capture-pane', '-p', '-t', a1.paneId ?? ''])).stdout.includes('hi-from-42'),
    );
  });

  it('a pane killed in tmux ends its agent as exited (pane_closed)', async () => {
    const a4 = await home.agent('a4');
    expect((await home.tmux(['kill-pane', '-t', a4.paneId ?? ''])).code).toBe(0);
    const after = await home.untilState('a4', 'exited');
    expect(after.stateDetail.reason).toBe('pane_closed');
    expect(a4.pid !== null && isAlive(a4.pid)).toBe(false);
    expect((await home.run(['ls', '--workspace', 'proj'])).stdout).toMatch(/a4 .* exited\(pane closed\)/);
  });

  it('after kill -9 of the daemon, a restart finds the panes again and notices one closed meanwhile', async () => {
    const before = await home.agents();
    const daemonPid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(daemonPid, 'SIGKILL');
    await eventually('the daemon to die', () => !isAlive(daemonPid));

    const a3 = before.find((a) => a.name === 'a3');
    expect((await home.tmux(['kill-pane', '-t', a3?.paneId ?? ''])).code).toBe(0);
    const panes = await panesOf(home, 'proj');
    expect(panes.map((p) => p.id).sort()).toEqual(
      before
        .filter((a) => a.name === 'a1' || a.name === 'a2')
        .map((a) => a.paneId)
        .sort(),
    );

    await home.up();
    const a3After = await home.untilState('a3', 'exited');
    expect(a3After.stateDetail.reason).toBe('pane_closed');
    for (const name of ['a1', 'a2']) {
      const was = before.find((a) => a.name === name) as AgentView;
      const now = await home.untilState(name, 'running');
      expect(now).toMatchObject({ pid: was.pid, hostPid: was.hostPid, paneId: was.paneId });
    }
    expect((await home.run(['send', 'proj/a2', 'echo still-$((6*7))', '--enter'])).code).toBe(0);
    await eventually('a2 to answer after the restart', async () =>
      (await home.run(['peek', 'proj/a2'])).stdout.includes('still-42'),
    );
  });

  it('workspace rm refuses live agents, then with --force closes the tmux session', async () => {
    const refused = await home.json<{ error: { code: string } }>(['workspace', 'rm', 'proj']);
    expect(refused.code).not.toBe(0);
    expect(refused.doc.error.code).toBe('WORKSPACE_NOT_EMPTY');
    expect(await hasSession(home, 'proj')).toBe(true);

    const pids = (await home.agents()).filter((a) => a.state === 'running').map((a) => a.pid);
    expect((await home.run(['workspace', 'rm', 'proj', '--force'])).code).toBe(0);
    expect(await hasSession(home, 'proj')).toBe(false);
    expect(await home.agents()).toEqual([]);
    await eventually('the agents to be gone', () => pids.every((p) => p === null || !isAlive(p)));
  });

  it('an invalid template is rejected before any pane exists', async () => {
    const file = home.path('broken.yaml');
    writeFileSync(
      file,
      'layout:\n  split: right\n  panes:\n    - agent: { name: x }\n    - agent: { nam: y }\n',
    );
    const r = await home.json<{ error: { code: string; message: string } }>([
      'workspace',
      'new',
      'bad',
      '--template',
      file,
      '--cwd',
      repo,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.doc.error.code).toBe('TEMPLATE_INVALID');
    expect(r.doc.error.message).toContain('line 5');
    expect(await hasSession(home, 'bad')).toBe(false);
    const ls = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc);
    expect(ls.workspaces.map((w) => w.name)).toEqual(['default']);
  });

  it('a layout that runs out of room half-way is rolled back: no session, agent or process left', async () => {
    const file = home.path('crowded.yaml');
    const many = Array.from({ length: 100 }, () => "    - command: { run: [sleep, '1000'] }").join('\n');
    writeFileSync(file, `layout:\n  split: right\n  panes:\n    - agent: { name: first }\n${many}\n`);
    const r = await home.json<{
      error: { code: string; message: string; details: { rolledBack: { agents: number; panes: number } } };
    }>(['workspace', 'new', 'crowded', '--template', file, '--cwd', repo]);
    expect(r.code).not.toBe(0);
    expect(r.doc.error.code).toBe('MUX_COMMAND_FAILED');
    expect(r.doc.error.message).toMatch(/no space for new pane\..* Nothing was kept: /);
    expect(r.doc.error.details.rolledBack.agents).toBe(1);
    expect(r.doc.error.details.rolledBack.panes).toBeGreaterThan(10);
    expect(await hasSession(home, 'crowded')).toBe(false);
    expect(await home.agents()).toEqual([]);
    await eventually('the command panes to be gone', () => sleepers(home).length === 0);
    const ls = cliOutputSchemas.workspaces.parse((await home.json(['workspace', 'ls'])).doc);
    expect(ls.workspaces.map((w) => w.name)).toEqual(['default']);
  });

  it("refuses a name already used by a tmux session that is not wezterm-parallel's, and leaves it alone", async () => {
    expect((await home.tmux(['new-session', '-d', '-s', 'mine', 'sleep', '1000'])).code).toBe(0);
    const r = await home.json<{ error: { code: string } }>([
      'workspace',
      'new',
      'mine',
      '--template',
      'solo',
      '--cwd',
      repo,
    ]);
    expect(r.doc.error.code).toBe('WORKSPACE_EXISTS');
    expect(await hasSession(home, 'mine')).toBe(true);
    expect(await panesOf(home, 'mine')).toHaveLength(1);
    expect(sleepers(home)).toHaveLength(1); // its program still runs (and `sleepers` sees it)
    await home.tmux(['kill-session', '-t', '=mine']);
  });

  it('down --stop-agents closes the panes, so the dedicated tmux server goes away', async () => {
    const r = await home.json(['workspace', 'new', 'last', '--template', 'pair', '--cwd', repo]);
    expect(r.code, r.stderr).toBe(0);
    expect(await hasSession(home, 'last')).toBe(true);
    // An agent that already exited keeps its pane open ("press any key"); shutting down closes it too.
    expect((await home.run(['new', 'cmd', '--name', 'quick', '--', 'true'])).code).toBe(0);
    await home.untilState('quick', 'exited');
    expect((await home.tmux(['list-panes', '-t', '=default'])).stdout.trim().split('\n')).toHaveLength(1);
    expect((await home.run(['down', '--stop-agents'])).code).toBe(0);
    await eventually('the tmux server to exit', async () => (await home.tmux(['ls'])).code !== 0);
  });
});
