import { execFile } from 'node:child_process';

/** What a finished (or failed) command did, execa-style. */
export interface CommandResult {
  command: string[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  spawnError: string | null;
}

/**
 * Runs a program with an argument array (never a shell), a timeout and a kill path
 * (SIGKILL when the timeout passes). Never rejects: callers map the result to errors.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs: number; input?: string },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      [...args],
      {
        env: opts.env,
        cwd: opts.cwd,
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as
          (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown }) | null;
        const spawnError = e && typeof e.code === 'string' ? e.code : null;
        resolve({
          command: [file, ...args],
          stdout,
          stderr,
          exitCode: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          timedOut: e?.killed === true && e.signal === 'SIGKILL',
          spawnError,
        });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
