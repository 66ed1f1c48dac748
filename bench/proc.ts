import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond resolution (CLOCK_REALTIME origin, monotonic since). */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export type Env = Record<string, string>;

/** Every child the benchmark starts, so that cleanup can reach the ones still alive. */
export const liveChildren = new Set<ChildProcess>();

/** Spawns a child and tracks it until it exits. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  child.once('error', () => liveChildren.delete(child));
  return child;
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when the child has exited; SIGKILLs it after `timeoutMs` and rejects. */
export function waitExit(child: ChildProcess, timeoutMs: number, what: string): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not exit within ${timeoutMs} ms (killed)`));
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, graceMs: number, what: string): Promise<boolean> {
  if (!isRunning(child)) return true;
  child.kill('SIGTERM');
  try {
    await waitExit(child, graceMs, what);
    return true;
  } catch {
    await waitExit(child, 5_000, what).catch(() => undefined);
    return false;
  }
}

/** Clock ticks per second of /proc's times (USER_HZ): 100 on every Linux architecture Node runs on. */
const USER_HZ = 100;

/** CPU time (user + system, ms) a live process has used so far (/proc/PID/stat). */
export function processCpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces): utime is 14, stime 15.
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.split(' ') ?? [];
  return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
}

/**
 * CPU time (user + system, ms) of this process's children that have exited and been waited for
 * (`cutime` + `cstime` of /proc/self/stat), or null without /proc. The difference around one child's
 * run is that child's CPU time, its own children's included, when no other child ends meanwhile.
 */
export function reapedChildrenCpuMs(): number | null {
  let stat: string;
  try {
    stat = readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) start at field 3 (state): cutime is 16, cstime 17.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[13]) + Number(f[14]);
  return Number.isFinite(ticks) ? (ticks * 1000) / USER_HZ : null;
}

export interface TimedRun {
  /** Wall time from just before spawn() to the child's exit event. */
  ms: number;
  /**
   * CPU time of the child (user + system, its own children's included, 10 ms resolution), or null
   * without /proc; exact only when no other child of the benchmark ends during the run.
   */
  cpuMs: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and times it; kills it after `timeoutMs`. */
export function runTimed(
  command: string,
  args: readonly string[],
  o: { env: Env; cwd: string; timeoutMs: number },
): Promise<TimedRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const cpu0 = reapedChildrenCpuMs();
  const t0 = nowMs();
  const child = spawnTracked(command, args, { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let ms = 0;
  child.once('exit', () => {
    ms = nowMs() - t0;
  });
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out after ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const cpu1 = reapedChildrenCpuMs();
      resolve({
        ms,
        cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Resolves with `probe()`'s first defined value, polled every `pollMs`; rejects after `ms`. */
export async function until<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  ms: number,
  what: string,
  pollMs = 25,
): Promise<T> {
  const deadline = nowMs() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (nowMs() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(pollMs);
  }
}

/** The parent pid of `pid` (/proc/PID/stat, after the command's closing parenthesis). */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every live process with its command line (NUL-separated, as /proc keeps it). */
export function processes(): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push({ pid: Number(name), cmd: readFileSync(`/proc/${name}/cmdline`, 'latin1') });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The processes whose parent is `parent`, with their command lines. */
export function childrenOf(parent: number): { pid: number; cmd: string }[] {
  return processes().filter((p) => parentOf(p.pid) === parent);
}
