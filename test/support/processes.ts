import { readdirSync, readFileSync } from 'node:fs';

/** Prefix of every temporary WTP_HOME the tests create (the leak check looks for it). */
export const TEST_HOME_PREFIX = 'wtp-test-';

/** Pids of processes whose environment has WTP_HOME under `homeOrPrefix` (hosts and agents inherit it). */
export function processesWithHome(match: (home: string) => boolean): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    for (const entry of env.split('\0')) {
      if (entry.startsWith('WTP_HOME=') && match(entry.slice('WTP_HOME='.length))) {
        if (!isZombie(Number(name))) pids.push(Number(name));
        break;
      }
    }
  }
  return pids;
}

/**
 * Whether the process has ended and only waits to be reaped. Its first thread shows `Z` while the
 * others still exit, holding its files (a daemon's listening socket took connections then): every
 * thread must be gone or a zombie.
 */
function isZombie(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).every((tid) => {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
      } catch {
        return true; // that thread is gone
      }
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
    });
  } catch {
    return true;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
