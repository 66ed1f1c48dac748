import { spawn, type ChildProcess } from 'node:child_process';

/** What a program run by {@link ChildGroups.run} did. */
export interface GroupRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when it could not be started at all (ENOENT: not installed). */
  spawnError: NodeJS.ErrnoException | null;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Programs the daemon runs for a while on the user's behalf (git push, gh, glab), each in a process
 * group and session of its own — no terminal to prompt on, so an ssh or credential prompt fails
 * instead of waiting — with a time limit: SIGTERM to the group, SIGKILL `graceMs` later. The ones
 * still running are ended together when the daemon stops ({@link killAll}).
 */
export class ChildGroups {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly graceMs = 2_000) {}

  /**
   * Runs `file args` (an argument array, never a shell). `input`: written to its stdin (none: stdin
   * is /dev/null); stdout keeps its first `stdoutMax` characters, stderr its last `stderrMax`;
   * `onStderr` sees stderr as it comes.
   */
  run(
    file: string,
    args: readonly string[],
    o: {
      cwd: string;
      env: NodeJS.ProcessEnv;
      timeoutMs: number;
      input?: string;
      stdoutMax: number;
      stderrMax: number;
      onStderr?: (chunk: string) => void;
    },
  ): Promise<GroupRun> {
    return new Promise((resolve) => {
      const child = spawn(file, [...args], {
        cwd: o.cwd,
        env: o.env,
        stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
      });
      this.running.add(child);
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let killer: NodeJS.Timeout | null = null;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, 'SIGTERM');
        killer = setTimeout(() => killGroup(child, 'SIGKILL'), this.graceMs);
      }, o.timeoutMs);
      child.stdout?.setEncoding('utf8').on('data', (s: string) => {
        if (stdout.length < o.stdoutMax) stdout += s;
      });
      child.stderr?.setEncoding('utf8').on('data', (s: string) => {
        stderr = (stderr + s).slice(-o.stderrMax);
        o.onStderr?.(s);
      });
      if (child.stdin) {
        child.stdin.on('error', () => undefined); // a program that exits without reading its stdin
        child.stdin.end(o.input ?? '');
      }
      let settled = false;
      const done = (code: number, spawnError: NodeJS.ErrnoException | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (killer) clearTimeout(killer);
        this.running.delete(child);
        resolve({ code, stdout, stderr, timedOut, spawnError });
      };
      child.on('error', (err: NodeJS.ErrnoException) => done(127, err));
      child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1), null));
    });
  }

  /** Ends every program still running: SIGTERM to its process group, SIGKILL `graceMs` later. */
  killAll(): void {
    const left = [...this.running];
    for (const child of left) killGroup(child, 'SIGTERM');
    if (left.length > 0) setTimeout(() => left.forEach((c) => killGroup(c, 'SIGKILL')), this.graceMs).unref();
  }
}
