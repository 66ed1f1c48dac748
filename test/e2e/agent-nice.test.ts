import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, TestHome } from '../support/harness.js';

/** A process's nice value, field 19 of /proc/<pid>/stat (after the command name in parentheses). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/**
 * On Linux with autogroup scheduling: the nice value of a process's session group. The kernel
 * prints nothing for a process still in the boot session's default group (no setsid since boot, as
 * in many containers' init); that group is the root task group, scheduled at nice 0.
 */
function groupNiceOf(pid: number): number | null {
  if (!existsSync('/proc/sys/kernel/sched_autogroup_enabled')) return null;
  if (readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() !== '1') return null;
  const text = readFileSync(`/proc/${pid}/autogroup`, 'utf8');
  if (text.trim() === '') return 0;
  const nice = / nice (-?\d+)/.exec(text)?.[1];
  if (nice === undefined) throw new Error(`/proc/${pid}/autogroup: unexpected ${JSON.stringify(text)}`);
  return Number(nice);
}

/** The children of a process, from /proc/<pid>/task/<pid>/children. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(' ').map(Number);
}

/** agents.nice (issue 32): agents at a lower priority, the daemon and the hosts at the user's own. */
describe('agents.nice', () => {
  let home: TestHome;
  const own = niceOf(process.pid);
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh', WTP_BACKEND: 'headless' });
    home.writeConfig('agents:\n  nice: 7\n');
    await home.up();
  });
  afterAll(() => home.cleanup());

  it("runs every agent's process tree at the configured nice value, and nothing of ours", async () => {
    const r = await home.run(['new', 'cmd', '--name', 'low', '--', 'sh', '-c', 'sleep 300 & wait']);
    expect(r.code, r.stderr).toBe(0);
    const agent = await home.untilState('low', 'running');
    const pid = agent.pid ?? 0;
    // Started through `nice`, which lowers itself and then becomes the agent's command (exec): the
    // agent's own code runs lowered from its first instruction. Before the exec the process is
    // still `nice` (CI read it there once, at the host's 0), so the check waits for the command.
    await eventually('the agent process to be its command', () =>
      /(^|\/)sh$/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? ''),
    );
    expect(niceOf(pid)).toBe(Math.min(19, own + 7));
    // What the agent starts inherits it.
    const kids = await eventually('sh to start sleep', () => {
      const k = childrenOf(pid);
      return k.length > 0 && k;
    });
    for (const kid of kids) expect(niceOf(kid)).toBe(Math.min(19, own + 7));
    // The daemon and the agent's host stay at the user's priority.
    const status = (JSON.parse((await home.run(['status', '--json'])).stdout) as { daemon: { pid: number } })
      .daemon;
    expect(niceOf(status.pid)).toBe(own);
    const hostPid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    expect(readFileSync(`/proc/${hostPid}/cmdline`, 'utf8')).toContain('host');
    expect(niceOf(hostPid)).toBe(own);
    // With autogroup scheduling each session is scheduled as a group: the agent's (its PTY's session)
    // is lowered too, or its nice value would count for nothing against other programs; the host's
    // and the daemon's groups are left alone.
    const ownGroup = groupNiceOf(process.pid);
    if (ownGroup !== null) {
      await eventually("the agent's session group lowered", () => groupNiceOf(pid) === 7);
      expect(groupNiceOf(hostPid)).toBe(ownGroup);
      expect(groupNiceOf(status.pid)).toBe(ownGroup);
    }
  });

  it('refuses a value that would raise the priority, or is not one', async () => {
    for (const bad of ['-5', '20', '2.5', '"low"']) {
      home.writeConfig(`agents:\n  nice: ${bad}\n`);
      const r = await home.run(['doctor', '--json']);
      expect(r.stdout + r.stderr, bad).toMatch(/agents\.nice/);
    }
    home.writeConfig('agents:\n  nice: 7\n');
  });
});
