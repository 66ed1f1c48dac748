import type { ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { lowerPriority } from '../src/adapters/pty/lower-priority.js';
import { spawnTracked, stopChild } from './proc.js';
import { ratio, type BenchResult } from './report.js';

/**
 * `--contention-nice K`: the busy processes run at nice K (0 to 19), as agents would with
 * `agents.nice: K` — what lowering the agents' priority buys the control plane (issue 32).
 */
export function contentionNiceOption(argv: readonly string[]): number {
  const i = argv.indexOf('--contention-nice');
  if (i < 0) return 0;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0 || n > 19) {
    throw new Error(`--contention-nice takes a nice value from 0 to 19, not "${argv[i + 1] ?? ''}"`);
  }
  return n;
}

/** What `--contention [N]` asks for: N busy processes, by default twice the cores. */
export function contentionOption(argv: readonly string[]): number | undefined {
  const i = argv.indexOf('--contention');
  if (i < 0) return undefined;
  const next = argv[i + 1];
  if (next === undefined || next.startsWith('--')) return 2 * cpus().length;
  const n = Number(next);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(`--contention takes a number of busy processes from 1 to 256, not "${next}"`);
  }
  return n;
}

/**
 * N processes that each spin a core as hard as they can, at the user's own priority (as agents,
 * builds and test suites on a busy laptop do): `node -e 'for(;;);'`. Started and stopped by the
 * bench; tracked, so that an interrupted run kills them too (bench/sandbox.ts cleanupAll).
 */
export class BusyLoad {
  private readonly children: ChildProcess[] = [];
  private readonly lowered: Promise<boolean>[] = [];
  readonly startedAt = Date.now();

  constructor(
    readonly n: number,
    readonly nice = 0,
  ) {
    for (let i = 0; i < n; i++) {
      // Each in a session of its own, as an agent in its PTY is: on Linux with autogroup scheduling
      // that makes it a scheduling group of its own, as an agent is.
      const child = spawnTracked(process.execPath, ['-e', 'for (;;);'], {
        stdio: 'ignore',
        env: { PATH: '' },
        detached: true,
      });
      // As agents.nice lowers an agent's (src/adapters/pty/lower-priority.ts); ours stays as it is.
      const pid = child.pid;
      if (nice > 0 && pid !== undefined)
        this.lowered.push(
          new Promise((set) =>
            lowerPriority(pid, nice, { done: (r) => set(r.process && r.group !== false) }),
          ),
        );
      this.children.push(child);
    }
  }

  /** Resolves once every busy process runs at its nice value (an autogroup's is set 10 times a second at most). */
  async ready(): Promise<void> {
    const set = await Promise.all(this.lowered);
    if (set.includes(false)) throw new Error(`could not lower every busy process to nice ${this.nice}`);
  }

  /** Every busy process still spinning (one that died would make the figures quiet ones). */
  check(): void {
    const dead = this.children.filter((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead.length > 0) throw new Error(`${dead.length} of ${this.n} busy processes exited early`);
  }

  async stop(): Promise<{ seconds: number; loadavg1m: number }> {
    this.check();
    const load = loadavg()[0] ?? 0;
    await Promise.all(this.children.map((c) => stopChild(c, 1_000, 'busy process')));
    return {
      seconds: Math.round((Date.now() - this.startedAt) / 1000),
      loadavg1m: Math.round(load * 100) / 100,
    };
  }
}

/** A figure measured under contention, next to the same figure quiet (`ratioToQuiet`). */
export type ContendedResult = BenchResult & { quiet?: number; ratioToQuiet?: number };

/**
 * The contended latency figures (unit ms) with the quiet value of each: its `ratio` stays the one to
 * its own baseline, measured under the same contention (`node -e 0`, bare git, a bare PTY echo, a
 * static page — whatever each figure compares with).
 */
export function contendedFigures(
  quiet: Record<string, BenchResult>,
  contended: Record<string, BenchResult>,
): Record<string, ContendedResult> {
  const out: Record<string, ContendedResult> = {};
  for (const [key, r] of Object.entries(contended)) {
    if (r.unit !== 'ms') continue;
    const q = quiet[key];
    out[key] =
      q && Number.isFinite(q.value) && Number.isFinite(r.value)
        ? { ...r, quiet: q.value, ratioToQuiet: ratio(r.value, q.value) }
        : r;
  }
  return out;
}
