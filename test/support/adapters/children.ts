import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { isAlive } from '../processes.js';
import { eventually } from '../harness.js';

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, …]. */
export function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Live (non-zombie) pids whose stat field `index` (0 = state, 1 = ppid, 2 = pgrp, 3 = session) is `value`. */
export function pidsWhere(index: number, value: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f && f[0] !== 'Z' && Number(f[index]) === value) out.push(Number(name));
  }
  return out;
}

/** Every live descendant of `pid` (children, grandchildren, …). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    for (const c of pidsWhere(1, p)) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** The environment for helper processes: ours without WTP_HOME (they are not wtp processes). */
export function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.WTP_HOME;
  return env;
}

/**
 * Processes a test file starts. `killAll()` (in `afterEach`) SIGKILLs every one of them,
 * their descendants and every extra pid registered with `track()`, and waits until they are gone.
 */
export class Children {
  private readonly pids = new Set<number>();

  spawn(command: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn(command, args, { env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    this.pids.add(child.pid);
    return child;
  }

  track(...pids: number[]): void {
    for (const pid of pids) this.pids.add(pid);
  }

  async killAll(): Promise<void> {
    const pids = [...this.pids];
    pids.push(...pids.flatMap((p) => descendants(p)));
    this.pids.clear();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await eventually('helper processes to exit', () => pids.every((p) => !isAlive(p)) || undefined);
  }
}

/** Resolves with the first line the child prints on stdout. */
export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`exited (${code ?? signal}) before printing a line: ${out}${err}`)),
    );
  });
}

/** Resolves when the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
