import { connect } from 'node:net';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

/** One line to a group's control socket, and its reply. */
function ask(socket: string, req: unknown): Promise<{ ok: boolean; code?: string; message?: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(socket, () => s.write(`${JSON.stringify(req)}\n`));
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (out += d));
    s.on('end', () => resolve(JSON.parse(out.trim()) as { ok: boolean }));
    s.on('error', reject);
  });
}

const commandOf = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

describe('tmux panes served by a host group', () => {
  let home: TestHome;
  const byName = async (): Promise<Map<string, AgentView>> =>
    new Map((await home.agents()).map((a) => [a.name, a]));
  const pane = async (id: string, fmt: string): Promise<string> =>
    (await home.tmux(['display-message', '-p', '-t', id, fmt])).stdout.trim();

  beforeAll(async () => {
    home = new TestHome({ WTP_BACKEND: 'tmux', SHELL: '/bin/sh' });
    await home.up();
    expect((await home.run(['workspace', 'new', 'other', '--cwd', home.dir])).code).toBe(0);
    // b1 restarts on any end but a stop: the last test tells a pane closed by hand from a crash by it.
    for (const [name, ws, restart] of [
      ['a1', 'default', 'never'],
      ['a2', 'default', 'never'],
      ['b1', 'other', 'always'],
    ] as const) {
      const r = await home.run(['new', 'shell', '--name', name, '--workspace', ws, '--restart', restart]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(() => home.cleanup());

  it('one host process per workspace; each pane runs a holder, not a host', async () => {
    const all = await eventually('every agent connected', async () => {
      const m = await byName();
      return [...m.values()].every((a) => a.state === 'running' && a.hostConnected) ? m : undefined;
    });
    const [a1, a2, b1] = ['a1', 'a2', 'b1'].map((n) => all.get(n) as AgentView) as [
      AgentView,
      AgentView,
      AgentView,
    ];
    expect(a1.hostPid).toBe(a2.hostPid);
    expect(b1.hostPid).not.toBe(a1.hostPid);
    // The API keeps tmux's own pane ids: a script can hand them to tmux.
    for (const a of [a1, a2, b1]) {
      expect(a.paneId).toMatch(/^%\d+$/);
      const holder = Number(await pane(a.paneId ?? '', '#{pane_pid}'));
      expect(commandOf(holder)[0]).toBe('cat');
      expect(await pane(a.paneId ?? '', '#{@wtp_host}')).toBe(String(a.hostPid));
      // The agent's process is the group's child, in a terminal of its own.
      expect(readFileSync(`/proc/${a.pid}/stat`, 'utf8').split(' ')[3]).toBe(String(a.hostPid));
    }
    expect(commandOf(a1.hostPid ?? 0)).toEqual(expect.arrayContaining(['host', '--group']));
    // The FIFOs were private, and are unlinked once their holders have them open.
    for (const a of [a1, a2, b1]) {
      const holder = Number(await pane(a.paneId ?? '', '#{pane_pid}'));
      expect(statSync(`/proc/${holder}/fd/3`).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(home.path('tmux-hosts', 'headless')).filter((n) => n.endsWith('.fifo'))).toEqual([]);
  });

  it('an agent starts at its pane size, not the configured one', async () => {
    // A window of another size than agents.cols × rows (a user's client sizes its session's windows).
    expect((await home.tmux(['set-option', '-t', 'other', 'default-size', '100x31'])).code).toBe(0);
    expect((await home.run(['new', 'shell', '--name', 'b2', '--workspace', 'other'])).code).toBe(0);
    const id = (await home.agent('b2')).paneId ?? '';
    expect([await pane(id, '#{pane_width}'), await pane(id, '#{pane_height}')]).toEqual(['100', '30']);
    expect((await home.tmux(['send-keys', '-t', id, 'stty size', 'Enter'])).code).toBe(0);
    await eventually('stty to print the size', async () => (await home.screen('b2')).includes('\n30 100\n'));
    const { doc } = await home.json<{ screen: { cols: number; rows: number } }>(['peek', 'b2']);
    expect(doc.screen).toMatchObject({ cols: 100, rows: 30 });
    // b1 is to be its group's last pane again (the last test).
    expect((await home.run(['rm', '--force', 'b2'])).code).toBe(0);
  });

  it('keys typed in the pane reach the agent, and a resized pane resizes it', async () => {
    const a1 = await home.agent('a1');
    const id = a1.paneId ?? '';
    // A new session's pane is agents.cols × rows.
    expect([await pane(id, '#{pane_width}'), await pane(id, '#{pane_height}')]).toEqual(['120', '40']);
    expect((await home.tmux(['send-keys', '-t', id, 'echo typed-$((6*7))', 'Enter'])).code).toBe(0);
    await eventually('the pane and the daemon to show the answer', async () => {
      const inPane = (await home.tmux(['capture-pane', '-p', '-t', id])).stdout.includes('typed-42');
      return inPane && (await home.screen('a1')).includes('typed-42');
    });
    expect((await home.tmux(['resize-window', '-t', id, '-x', '90', '-y', '30'])).code).toBe(0);
    const rows = Number(await pane(id, '#{pane_height}'));
    await eventually('the agent to take the pane size', async () => {
      const { doc } = await home.json<{ screen: { cols: number; rows: number } }>(['peek', 'a1']);
      return doc.screen.cols === 90 && doc.screen.rows === rows;
    });
    expect((await home.tmux(['send-keys', '-t', id, 'stty size', 'Enter'])).code).toBe(0);
    await eventually('stty to print the size', async () => (await home.screen('a1')).includes(`${rows} 90`));
  });

  it('refuses a pane it cannot trust: a FIFO elsewhere, a file that is no FIFO, a device that is no terminal', async () => {
    const a1 = await home.agent('a1');
    const dir = home.path('tmux-hosts', 'headless');
    const socket = readdirSync(dir).find((n) => n.endsWith('.sock') && statSync(`${dir}/${n}`).isSocket());
    const groups = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .map(
        (n) => JSON.parse(readFileSync(`${dir}/${n}`, 'utf8')) as { pid: number; group: { socket: string } },
      );
    const own = groups.find((g) => g.pid === a1.hostPid)?.group.socket ?? `${dir}/${socket}`;
    const plain = `${dir}/plain.fifo`;
    writeFileSync(plain, '');
    const tty = await pane(a1.paneId ?? '', '#{pane_tty}');
    const base = [
      '--agent',
      'ag-x',
      '--socket',
      home.path('run', 'host.sock'),
      '--log-dir',
      home.path('agents', 'ag-x'),
    ];
    const paneArgs = (fifo: string, device: string): string[] => [
      ...base,
      '--pane',
      ...['--pane-id', '%99', '--pane-tty', device, '--pane-fifo', fifo],
      ...['--pane-term', 'tmux-256color', '--tmux-socket', '/tmp/x'],
    ];
    const outside = `${home.dir}/evil.fifo`;
    execFileSync('mkfifo', [outside]);
    // A FIFO no holder reads (a pane that never started its holder).
    const unread = `${dir}/unread.fifo`;
    execFileSync('mkfifo', ['-m', '600', unread]);
    for (const [fifo, device, why] of [
      [outside, tty, /not in this group's folder/],
      [plain, tty, /not this user's FIFO/],
      [plain, '/dev/null', /terminal device/],
      [`${dir}/nothing.fifo`, tty, /ENOENT/],
      [unread, tty, /ENXIO/],
    ] as const) {
      const reply = await ask(own, { op: 'add', args: paneArgs(fifo, device) });
      expect(reply, String(why)).toMatchObject({
        ok: false,
        code: 'invalid',
        message: expect.stringMatching(why),
      });
    }
    expect(statSync(plain).size).toBe(0);
    expect([...(await byName()).keys()].sort()).toEqual(['a1', 'a2', 'b1']);
    expect((await home.agent('a1')).hostPid).toBe(a1.hostPid);
  });

  it('a pane closed by hand stops its agent; the group keeps the others', async () => {
    const before = await byName();
    const a2 = before.get('a2') as AgentView;
    expect((await home.tmux(['kill-pane', '-t', a2.paneId ?? ''])).code).toBe(0);
    const after = await home.untilState('a2', 'exited');
    expect(after.stateDetail.reason).toBe('pane_closed');
    expect(isAlive(a2.pid ?? 0)).toBe(false);
    expect(await home.agent('a1')).toMatchObject({ state: 'running', hostPid: a2.hostPid });
  });

  it('the group killed: its panes close, its agents end as host lost and say so; another workspace runs on', async () => {
    const before = await byName();
    const a1 = before.get('a1') as AgentView;
    const b1 = before.get('b1') as AgentView;
    process.kill(a1.hostPid ?? 0, 'SIGKILL');
    const lost = await home.untilState('a1', 'crashed');
    expect(lost.stateDetail).toMatchObject({
      reason: 'host_lost',
      message: expect.stringMatching(/shared with the agents of its workspace/),
    });
    expect(isAlive(a1.pid ?? 0)).toBe(false);
    await eventually(
      "a1's pane to close",
      async () => (await home.tmux(['has-session', '-t', '=default'])).code !== 0,
    );
    expect(await home.agent('b1')).toMatchObject({
      state: 'running',
      hostPid: b1.hostPid,
      paneId: b1.paneId,
    });
  });

  it("the group's last pane closed by hand while the daemon is down: a stop, read when it is back", async () => {
    const b1 = await home.agent('b1');
    const daemonPid = (await home.json<{ daemon: { pid: number } }>(['status'])).doc.daemon.pid;
    process.kill(daemonPid, 'SIGKILL');
    await eventually('the daemon to die', () => !isAlive(daemonPid));
    expect((await home.tmux(['kill-pane', '-t', b1.paneId ?? ''])).code).toBe(0);
    // Its last agent gone, the group ends: the next daemon finds neither the pane nor the host.
    await eventually("b1's group to end", () => !isAlive(b1.hostPid ?? 0));
    await home.up();
    const after = await eventually('b1 to be read again', async () => {
      const a = await home.agent('b1');
      return a.state === 'running' && a.pid === b1.pid ? undefined : a;
    });
    expect(after).toMatchObject({ state: 'exited', stateDetail: { reason: 'pane_closed' }, restarts: 0 });
    expect((await home.run(['why', 'b1'])).stdout).toMatch(/its pane was closed/);
  });
});
