import { readdirSync, readFileSync } from 'node:fs';

/** Process facts the soak reads from /proc: which host runs an agent, and what the host runs. */

function stat(pid: number): { state: string; ppid: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** Alive and not a zombie. */
export function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The `wtp host` process of this agent in this WTP_HOME (its log folder names both), if one runs. */
export function hostPidOf(home: string, agentId: string): number | null {
  const needle = `\0--log-dir\0${home}/agents/${agentId}\0`;
  for (const pid of pids()) {
    let cmd: string;
    try {
      cmd = `\0${readFileSync(`/proc/${pid}/cmdline`, 'latin1')}`;
    } catch {
      continue;
    }
    // A host group's command line holds the arguments of the agent it started with.
    const host = cmd.includes('\0host\0--agent\0') || cmd.includes('\0host\0--group\0');
    if (host && cmd.includes(needle) && alive(pid)) return pid;
  }
  return null;
}

/** Live children of `pid` (a host's child is the agent's process: node-pty forks and execs it). */
export function childrenOf(pid: number): number[] {
  return pids().filter((p) => stat(p)?.ppid === pid && alive(p));
}

export function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
