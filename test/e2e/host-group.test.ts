import { connect } from 'node:net';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { eventually, TestHome } from '../support/harness.js';
import { isAlive } from '../support/processes.js';

const SHARED_LOST = /^the host process it shared with the agents of its workspace vanished/;

/** One line to a group's control socket, and its reply. */
function ask(socket: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socket, () => s.write(line));
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (out += d));
    s.on('end', () => resolve(out.trim()));
    s.on('error', reject);
  });
}

describe('headless hosts of a workspace share one process', () => {
  let home: TestHome;
  const byName = async (): Promise<Map<string, AgentView>> =>
    new Map((await home.agents()).map((a) => [a.name, a]));
  const groupOf = (pid: number): { socket: string; members: string } =>
    (
      JSON.parse(readFileSync(home.path('headless', `${pid}.json`), 'utf8')) as {
        group: { socket: string; members: string };
      }
    ).group;
  const members = (pid: number): string[] =>
    JSON.parse(readFileSync(groupOf(pid).members, 'utf8')) as string[];
  const running = (names: string[]) =>
    eventually(`${names.join(', ')} running`, async () => {
      const all = await byName();
      return names.every((n) => all.get(n)?.state === 'running' && all.get(n)?.hostConnected)
        ? all
        : undefined;
    });

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
    expect((await home.run(['workspace', 'new', 'other', '--cwd', home.dir])).code).toBe(0);
    for (const [name, ws] of [
      ['a1', 'default'],
      ['a2', 'default'],
      ['a3', 'default'],
      ['b1', 'other'],
    ] as const) {
      const r = await home.run([
        'new',
        'cmd',
        '--name',
        name,
        '--workspace',
        ws,
        '--restart',
        'never',
        '--',
        'sleep',
        '300',
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(() => home.cleanup());

  it('one process per workspace, its socket and members file private, every agent its own link', async () => {
    const all = await running(['a1', 'a2', 'a3', 'b1']);
    const get = (n: string): AgentView => all.get(n) as AgentView;
    const [a1, a2, a3, b1] = [get('a1'), get('a2'), get('a3'), get('b1')];
    expect(new Set([a1, a2, a3].map((a) => a.hostPid)).size).toBe(1);
    expect(b1.hostPid).not.toBe(a1.hostPid);
    expect(a2.paneId).toBe(`h-${a1.hostPid}/${a2.id}`);
    const g = groupOf(a1.hostPid ?? 0);
    expect(statSync(g.socket).mode & 0o777).toBe(0o600);
    expect(statSync(g.members).mode & 0o777).toBe(0o600);
    expect(members(a1.hostPid ?? 0).sort()).toEqual([a1.id, a2.id, a3.id].sort());
    // Each agent keeps its own host log and record beside its output.
    for (const a of [a1, a2, a3])
      expect(readdirSync(home.path('agents', a.id))).toContain(`host-${a.hostPid}.json`);
  });

  it('refuses what is not a request, and a pane or a second group through it', async () => {
    const pid = (await byName()).get('a1')?.hostPid ?? 0;
    const { socket } = groupOf(pid);
    expect(JSON.parse(await ask(socket, 'rm -rf /\n'))).toMatchObject({ ok: false, code: 'invalid' });
    expect(JSON.parse(await ask(socket, `${'x'.repeat(70_000)}`))).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    const pane = ['--agent', 'ag-x', '--socket', '/nope', '--log-dir', home.path('x'), '--pane'];
    expect(JSON.parse(await ask(socket, `${JSON.stringify({ op: 'add', args: pane })}\n`))).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    const nested = ['--agent', 'ag-x', '--socket', '/nope', '--log-dir', home.path('x'), '--group', '/tmp/g'];
    expect(JSON.parse(await ask(socket, `${JSON.stringify({ op: 'add', args: nested })}\n`))).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    // A host for a daemon or a folder elsewhere (another user's socket, logs written anywhere).
    const a1 = (await byName()).get('a1') as AgentView;
    const elsewhere = [
      '--agent',
      'ag-x',
      '--socket',
      home.path('run', 'host.sock'),
      '--log-dir',
      '/tmp/ag-x',
    ];
    const foreign = [
      '--agent',
      'ag-x',
      '--socket',
      '/tmp/evil.sock',
      '--log-dir',
      home.path('agents', 'ag-x'),
    ];
    for (const args of [elsewhere, foreign])
      expect(JSON.parse(await ask(socket, `${JSON.stringify({ op: 'add', args })}\n`))).toMatchObject({
        ok: false,
        code: 'invalid',
      });
    expect(a1.hostPid).toBe(pid);
    expect(JSON.parse(await ask(socket, '{"op":"close","agent":"ag-nobody"}\n'))).toMatchObject({
      ok: false,
      code: 'unknown',
    });
    expect((await byName()).size).toBe(4);
    expect(members(pid)).toHaveLength(3);
  });

  it('a stopped agent leaves the process; the others keep running in it', async () => {
    const before = await byName();
    const pid = before.get('a1')?.hostPid ?? 0;
    expect((await home.run(['stop', 'a2'])).code).toBe(0);
    await eventually('a2 to leave the group', () => members(pid).length === 2);
    const after = await byName();
    expect(after.get('a2')?.state).toBe('exited');
    expect(isAlive(before.get('a2')?.pid ?? 0)).toBe(false);
    expect(['a1', 'a3'].map((n) => [after.get(n)?.state, after.get(n)?.hostPid])).toEqual([
      ['running', pid],
      ['running', pid],
    ]);
  });

  it('the process killed: its agents end as host lost and say so; another workspace is untouched', async () => {
    const before = await byName();
    const pid = before.get('a1')?.hostPid ?? 0;
    process.kill(pid, 'SIGKILL');
    const after = await eventually('a1 and a3 to be lost', async () => {
      const all = await byName();
      return ['a1', 'a3'].every((n) => all.get(n)?.state === 'crashed') ? all : undefined;
    });
    for (const n of ['a1', 'a3']) {
      expect(after.get(n)?.stateDetail).toMatchObject({
        reason: 'host_lost',
        message: expect.stringMatching(SHARED_LOST),
      });
      expect(isAlive(before.get(n)?.pid ?? 0)).toBe(false); // a closed terminal ends its agent
    }
    expect(after.get('b1')).toMatchObject({ state: 'running', hostPid: before.get('b1')?.hostPid });
    const why = await home.json<{ doc: { agent: AgentView } }>(['why', 'a1']);
    expect(JSON.stringify(why.doc)).toMatch(/shared with the agents of its workspace/);
  });

  it('a new agent starts a new process; a process whose last agent leaves ends', async () => {
    expect(
      (await home.run(['new', 'cmd', '--name', 'a4', '--restart', 'never', '--', 'sleep', '300'])).code,
    ).toBe(0);
    const all = await running(['a4']);
    const old = all.get('a1')?.hostPid;
    expect(all.get('a4')?.hostPid).not.toBe(old);
    const b1 = all.get('b1') as AgentView;
    const { socket } = groupOf(b1.hostPid ?? 0);
    expect((await home.run(['stop', 'b1'])).code).toBe(0);
    await eventually("b1's host process to end", () => !isAlive(b1.hostPid ?? 0));
    expect(() => statSync(socket)).toThrow();
  });
});
