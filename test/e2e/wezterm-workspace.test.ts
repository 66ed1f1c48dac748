import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { startFakeWezterm, type FakeWezterm } from '../support/fake-wezterm.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const commandOf = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const parentOf = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[3] ?? '';

/** One row of `wezterm cli list --format json` (the fields these tests read). */
interface WezPane {
  pane_id: number;
  workspace: string;
  left_col: number;
  top_row: number;
  size: { cols: number; rows: number };
  title: string;
  tab_title: string;
}

/**
 * The WezTerm backend end to end, against the stand-in `wezterm` (test/fixtures/fake-wezterm):
 * the daemon runs "inside WezTerm" (WEZTERM_PANE and WEZTERM_UNIX_SOCKET set, `wezterm` on PATH)
 * and drives it only through `wezterm cli`, as it would drive the real one.
 */
describe('workspaces on WezTerm (stand-in wezterm CLI)', () => {
  let fake: FakeWezterm;
  let home: TestHome;
  let repo: string;

  const wezterm = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile('wezterm', ['cli', ...args], { env: fake.env }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  const list = async (): Promise<WezPane[]> => {
    const r = await wezterm(['list', '--format', 'json']);
    if (r.code !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as WezPane[];
  };

  beforeAll(async () => {
    fake = await startFakeWezterm();
    // The user's own pane, the one `wtp` is started from.
    const own = await wezterm(['spawn', '--new-window', '--', 'sleep', '1000']);
    expect(own.code, own.stderr).toBe(0);
    home = new TestHome({
      PATH: fake.env.PATH ?? '',
      WEZTERM_UNIX_SOCKET: fake.socket,
      WEZTERM_PANE: own.stdout.trim(),
      WTP_BACKEND: 'auto',
      SHELL: '/bin/sh',
    });
    repo = home.path('repo');
    mkdirSync(repo);
    await home.up();
  });
  afterAll(async () => {
    await home.cleanup();
    await fake.stop();
  });

  it('auto picks WezTerm inside WezTerm, and says why', async () => {
    const { doc } = await home.json<{ daemon: { backend: string; backendReason: string } }>(['status']);
    expect(doc.daemon.backend).toBe('wezterm');
    expect(doc.daemon.backendReason).toMatch(/inside WezTerm \(WEZTERM_PANE=\d+\)/);
  });

  it('builds the quad template as a 2x2 grid in a WezTerm workspace', async () => {
    const r = await home.json(['workspace', 'new', 'proj', '--template', 'quad', '--cwd', repo]);
    expect(r.code, r.stderr).toBe(0);
    const { workspace, agents } = cliOutputSchemas.workspace.parse(r.doc);
    expect(workspace).toMatchObject({ name: 'proj', backend: 'wezterm' });
    expect(agents.map((a) => [a.name, a.state])).toEqual([
      ['a1', 'running'],
      ['a2', 'running'],
      ['a3', 'running'],
      ['a4', 'running'],
    ]);
    const panes = (await list()).filter((p) => p.workspace === 'proj');
    expect(panes).toHaveLength(4);
    const at = (name: string): WezPane => {
      const id = agents.find((a) => a.name === name)?.paneId;
      const p = panes.find((x) => String(x.pane_id) === id);
      if (!p) throw new Error(`no pane for ${name}`);
      return p;
    };
    expect(at('a1').left_col).toBe(at('a3').left_col);
    expect(at('a2').left_col).toBe(at('a4').left_col);
    expect(at('a1').left_col).toBeLessThan(at('a2').left_col);
    expect(at('a1').top_row).toBe(at('a2').top_row);
    expect(at('a3').top_row).toBe(at('a4').top_row);
    expect(at('a1').top_row).toBeLessThan(at('a3').top_row);
    // The user's own pane is untouched, in its own workspace.
    expect((await list()).filter((p) => p.workspace !== 'proj')).toHaveLength(1);
    // One host process serves the workspace; each pane runs a holder (its title is its program's).
    const hostPid = agents[0]?.hostPid ?? 0;
    expect(commandOf(hostPid)).toEqual(expect.arrayContaining(['host', '--group']));
    for (const a of agents) {
      expect(a.hostPid).toBe(hostPid);
      expect(at(a.name).title).toBe('cat');
      expect(parentOf(a.pid ?? 0)).toBe(String(hostPid));
    }
    expect(readdirSync(home.path('wezterm-hosts', 'headless')).filter((n) => n.endsWith('.fifo'))).toEqual(
      [],
    );
    // The plugin reads each pane's user vars: the group writes them as WezTerm reads them, not wrapped for tmux.
    for (const a of agents)
      await eventually(`${a.name}'s user vars`, async () => {
        const vars = await fake.userVars(a.paneId ?? '');
        return vars.wtp_agent === a.name && vars.wtp_state === 'running' && vars.wtp_workspace === 'proj';
      });
  });

  it('keys typed in a pane reach its agent through the group', async () => {
    const a1 = await home.agent('a1');
    const typed = await wezterm([
      'send-text',
      '--pane-id',
      a1.paneId ?? '',
      '--no-paste',
      'echo typed-$((6*7))\r',
    ]);
    expect(typed.code, typed.stderr).toBe(0);
    await eventually('the daemon and the pane to show it', async () => {
      const inPane = (await wezterm(['get-text', '--pane-id', a1.paneId ?? ''])).stdout.includes('typed-42');
      return inPane && (await home.screen('a1')).includes('typed-42');
    });
  });

  it('a pane made narrower resizes its agent, which the group serves', async () => {
    const a1 = await home.agent('a1');
    const width = async (): Promise<number> =>
      (await list()).find((p) => String(p.pane_id) === a1.paneId)?.size.cols ?? 0;
    const before = await width();
    const r = await wezterm(['adjust-pane-size', '--pane-id', a1.paneId ?? '', '--amount', '5', 'Left']);
    expect(r.code, r.stderr).toBe(0);
    const after = await width();
    expect(after).toBeLessThan(before);
    await eventually('the agent to take the pane width', async () => {
      const { doc } = await home.json<{ screen: { cols: number } }>(['peek', 'proj/a1']);
      return doc.screen.cols === after;
    });
  });

  it('the pane shows what the agent prints (get-text), and the daemon sees it too (peek)', async () => {
    expect((await home.run(['send', 'proj/a2', 'echo wez-$((40+2))', '--enter'])).code).toBe(0);
    await eventually('peek to show the output', async () =>
      (await home.run(['peek', 'proj/a2'])).stdout.includes('wez-42'),
    );
    const a2 = await home.agent('a2');
    await eventually('the WezTerm pane to show it', async () =>
      (await wezterm(['get-text', '--pane-id', a2.paneId ?? ''])).stdout.includes('wez-42'),
    );
  });

  it('a pane closed in WezTerm ends its agent as exited (pane_closed)', async () => {
    const a4 = await home.agent('a4');
    expect((await wezterm(['kill-pane', '--pane-id', a4.paneId ?? ''])).code).toBe(0);
    const after = await home.untilState('a4', 'exited');
    expect(after.stateDetail.reason).toBe('pane_closed');
    expect(a4.pid !== null && isAlive(a4.pid)).toBe(false);
  });

  it('after kill -9 of the daemon, a restart re-attaches the agents in their panes', async () => {
    const before = await home.agents();
    const daemonPid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(daemonPid, 'SIGKILL');
    await eventually('the daemon to die', () => !isAlive(daemonPid));
    const a3 = before.find((a) => a.name === 'a3') as AgentView;
    expect((await wezterm(['kill-pane', '--pane-id', a3.paneId ?? ''])).code).toBe(0);

    await home.up();
    expect((await home.untilState('a3', 'exited')).stateDetail.reason).toBe('pane_closed');
    for (const name of ['a1', 'a2']) {
      const was = before.find((a) => a.name === name) as AgentView;
      const now = await home.untilState(name, 'running');
      expect(now).toMatchObject({ pid: was.pid, hostPid: was.hostPid, paneId: was.paneId });
    }
  });

  it('workspace rm --force closes its panes and nothing else', async () => {
    const rm = await home.run(['workspace', 'rm', 'proj', '--force']);
    expect(rm.code, rm.stderr).toBe(0);
    await eventually('the workspace panes to close', async () =>
      (await list()).every((p) => p.workspace !== 'proj'),
    );
    expect(await list()).toHaveLength(1);
    expect(await home.agents()).toEqual([]);
  });

  it("the group killed: its panes close and its agents say the host was shared; another workspace's run on", async () => {
    for (const [name, ws] of [
      ['g1', 'default'],
      ['g2', 'default'],
      ['o1', 'other'],
    ] as const) {
      if (ws === 'other' && !(await home.agents()).some((a) => a.workspace === 'other'))
        expect((await home.run(['workspace', 'new', 'other', '--cwd', repo])).code).toBe(0);
      const r = await home.run(['new', 'shell', '--name', name, '--workspace', ws, '--restart', 'never']);
      expect(r.code, r.stderr).toBe(0);
    }
    const [g1, g2, o1] = await Promise.all(['g1', 'g2', 'o1'].map((n) => home.untilState(n, 'running')));
    expect(g1?.hostPid).toBe(g2?.hostPid);
    expect(o1?.hostPid).not.toBe(g1?.hostPid);
    process.kill(g1?.hostPid ?? 0, 'SIGKILL');
    for (const name of ['g1', 'g2']) {
      const lost = await home.untilState(name, 'crashed');
      expect(lost.stateDetail).toMatchObject({
        reason: 'host_lost',
        message: expect.stringMatching(/shared with the agents of its workspace/),
      });
    }
    await eventually('their panes to close', async () =>
      (await list()).every((p) => ![g1?.paneId, g2?.paneId].includes(String(p.pane_id))),
    );
    expect(await home.agent('o1')).toMatchObject({ state: 'running', hostPid: o1?.hostPid });
    for (const name of ['g1', 'g2', 'o1']) expect((await home.run(['rm', name, '--force'])).code).toBe(0);
    const rm = await home.run(['workspace', 'rm', 'other', '--force']);
    expect(rm.code, rm.stderr).toBe(0);
  });

  it('a new agent opens a tab in the default workspace; rm closes it', async () => {
    const r = await home.json(['new', 'shell', '--name', 'solo']);
    expect(r.code, r.stderr).toBe(0);
    const solo = await home.untilState('solo', 'running');
    expect((await list()).some((p) => String(p.pane_id) === solo.paneId)).toBe(true);
    expect((await home.run(['rm', 'solo', '--force'])).code).toBe(0);
    await eventually('its pane to close', async () =>
      (await list()).every((p) => String(p.pane_id) !== solo.paneId),
    );
  });
});

/**
 * A Mac's WezTerm.app does not put `wezterm` on PATH; WezTerm sets WEZTERM_EXECUTABLE_DIR in its
 * panes. The daemon (and `wtp doctor`) find it there, and drive WezTerm by that absolute path.
 */
describe('wezterm off PATH, found through WEZTERM_EXECUTABLE_DIR (as WezTerm.app on a Mac)', () => {
  let fake: FakeWezterm;
  let home: TestHome;

  beforeAll(async () => {
    fake = await startFakeWezterm();
    const own = await new Promise<string>((resolve, reject) =>
      execFile(
        'wezterm',
        ['cli', 'spawn', '--new-window', '--', 'sleep', '1000'],
        { env: fake.env },
        (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
      ),
    );
    const path = (process.env.PATH ?? '')
      .split(delimiter)
      .filter((d) => d !== fake.binDir)
      .join(delimiter);
    home = new TestHome({
      PATH: path,
      WEZTERM_EXECUTABLE_DIR: fake.binDir,
      WEZTERM_UNIX_SOCKET: fake.socket,
      WEZTERM_PANE: own,
      WTP_BACKEND: 'auto',
      SHELL: '/bin/sh',
    });
    await home.up();
  });
  afterAll(async () => {
    await home.cleanup();
    await fake.stop();
  });

  it('auto picks WezTerm, says where wezterm was found, and opens the agent there', async () => {
    const { doc } = await home.json<{ daemon: { backend: string; backendReason: string } }>(['status']);
    expect(doc.daemon.backend).toBe('wezterm');
    expect(doc.daemon.backendReason).toContain(`with \`wezterm\` at ${fake.binDir}/wezterm`);
    const doctor = await home.json<{ checks: { id: string; status: string }[] }>(['doctor']);
    expect(doctor.doc.checks.find((c) => c.id === 'wezterm')?.status).toBe('ok');
    expect((await home.run(['new', 'shell', '--name', 'mac'])).code).toBe(0);
    const mac = await home.untilState('mac', 'running');
    const panes = await new Promise<{ pane_id: number }[]>((resolve, reject) =>
      execFile('wezterm', ['cli', 'list', '--format', 'json'], { env: fake.env }, (err, stdout) =>
        err ? reject(err) : resolve(JSON.parse(stdout) as { pane_id: number }[]),
      ),
    );
    expect(panes.some((p) => String(p.pane_id) === mac.paneId)).toBe(true);
  });
});
