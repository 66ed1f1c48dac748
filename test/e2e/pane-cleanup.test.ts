import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

/** Panes and hosts wezterm-parallel made go when their agents and workspaces do (tmux and headless). */

/** `<argv[1]> <argv[2]…>` of a process, or null when it is gone. */
function argvOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0');
  } catch {
    return null;
  }
}

/** This home's `wtp host` processes. */
function hosts(home: TestHome): number[] {
  return home.processes().filter((pid) => argvOf(pid)?.[2] === 'host');
}

/** This home's processes running `sleep 1000` (the templates' command panes here). */
function sleepers(home: TestHome): number[] {
  return home.processes().filter((pid) => {
    const [argv0 = '', arg = ''] = argvOf(pid) ?? [];
    return /(^|\/)sleep$/.test(argv0) && arg === '1000';
  });
}

/** Every pane of the home's private tmux server (`list-panes -a`): id, window, agent; none without a server. */
async function panes(home: TestHome): Promise<{ id: string; window: string; agent: string }[]> {
  const r = await home.tmux(['list-panes', '-a', '-F', '#{pane_id}\t#{window_id}\t#{@wtp_agent}']);
  if (r.code !== 0) return [];
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => {
      const [id = '', window = '', agent = ''] = l.split('\t');
      return { id, window, agent };
    });
}

const serverRuns = async (home: TestHome): Promise<boolean> =>
  (await home.tmux(['list-sessions'])).code === 0;

/** A template with an agent pane and a command pane beside it. */
function template(home: TestHome): string {
  const file = home.path('with-command.yaml');
  writeFileSync(
    file,
    "layout:\n  split: right\n  panes:\n    - agent: { name: worker, profile: cmd, args: [sleep, '600'] }\n    - command: { run: [sleep, '1000'], title: server }\n",
  );
  return file;
}

describe('panes and hosts left behind', () => {
  const homes: TestHome[] = [];
  const newHome = async (backend: string): Promise<TestHome> => {
    const h = new TestHome({ WTP_BACKEND: backend, SHELL: '/bin/sh' });
    homes.push(h);
    await h.up();
    return h;
  };
  afterEach(async () => {
    await Promise.all(homes.splice(0).map((h) => h.cleanup()));
  });

  it('tmux: restarting an exited agent reuses its place; rm --force leaves no pane, host or server', async () => {
    const home = await newHome('tmux');
    await home.run(['new', 'cmd', '--name', 'x', '--', 'sleep', '600']);
    const first = await home.untilState('x', 'running');
    expect((await home.run(['stop', 'x'])).code).toBe(0);
    // The exited agent's pane shows its last screen; its host waits there for a key.
    expect(await panes(home)).toHaveLength(1);
    expect(hosts(home)).toHaveLength(1);

    for (let i = 0; i < 2; i++) {
      const r = await home.run(['restart', 'x']);
      expect(r.code, r.stderr).toBe(0);
      await home.untilState('x', 'running');
      const now = await panes(home);
      expect(now.map((p) => p.agent)).toEqual([first.id]);
      expect(now[0]?.id).toBe((await home.agent('x')).paneId);
      await eventually('one host: the old one gone with its pane', () => hosts(home).length === 1);
      expect((await home.run(['stop', 'x'])).code).toBe(0);
    }
    // In its place: the same window, not a new one per restart.
    expect(new Set((await panes(home)).map((p) => p.window)).size).toBe(1);

    expect((await home.run(['rm', '--force', 'x'])).code).toBe(0);
    expect(await panes(home)).toEqual([]);
    await eventually('the hosts to exit', () => hosts(home).length === 0);
    expect(await serverRuns(home)).toBe(false);
  });

  it('tmux: down --stop-agents closes every pane it made, command panes too, and the server exits', async () => {
    const home = await newHome('tmux');
    const ws = await home.run(['workspace', 'new', 'proj', '--template', template(home), '--cwd', home.dir]);
    expect(ws.code, ws.stderr).toBe(0);
    await home.run(['new', 'cmd', '--name', 'done', '--', 'true']); // exits: its pane stays
    await home.untilState('done', 'exited');
    expect(await panes(home)).toHaveLength(3);
    expect(sleepers(home)).toHaveLength(1);
    expect(hosts(home)).toHaveLength(2);

    const down = await home.run(['down', '--stop-agents']);
    expect(down.code, down.stderr).toBe(0);
    expect(await panes(home)).toEqual([]);
    expect(await serverRuns(home)).toBe(false);
    await eventually('the hosts and the command to exit', () => home.processes().length === 0);
  });

  it('tmux: a window the user opened in our server is never closed (the server stays for it)', async () => {
    const home = await newHome('tmux');
    await home.run(['workspace', 'new', 'proj', '--template', template(home), '--cwd', home.dir]);
    const mine = await home.tmux([
      'new-window',
      '-d',
      '-t',
      '=proj:',
      '-P',
      '-F',
      '#{pane_pid}',
      'sleep',
      '1000',
    ]);
    const pid = Number(mine.stdout.trim());
    expect((await home.run(['down', '--stop-agents'])).code).toBe(0);
    expect(sleepers(home)).toEqual([pid]);
    expect(await serverRuns(home)).toBe(true);
    expect(isAlive(pid)).toBe(true);
    await home.killTmuxServer(); // the user's window goes with it
  });

  it('headless: down --stop-agents ends command panes of templates too', async () => {
    const home = await newHome('headless');
    const ws = await home.run(['workspace', 'new', 'proj', '--template', template(home), '--cwd', home.dir]);
    expect(ws.code, ws.stderr).toBe(0);
    expect(sleepers(home)).toHaveLength(1);
    expect((await home.run(['down', '--stop-agents'])).code).toBe(0);
    await eventually('every process of the home to exit', () => home.processes().length === 0);
  });
});
