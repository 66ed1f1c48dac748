import { execFile } from 'node:child_process';
import { AppError } from '../core/errors.js';
import { endInput } from './child-input.js';

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
 * (SIGKILL when the timeout passes). Callers map the result to errors; it rejects only for an
 * argument, path or environment value holding a NUL byte (INVALID_INPUT), which no program can
 * receive (node would throw ERR_INVALID_ARG_VALUE).
 */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs: number; input?: string },
): Promise<CommandResult> {
  const nul = [file, ...args, opts.cwd ?? '', ...Object.entries(opts.env ?? {}).flat()].find((a) =>
    a.includes('\0'),
  );
  if (nul !== undefined) {
    return Promise.reject(
      new AppError(
        'INVALID_INPUT',
        `An argument for ${file} holds a NUL byte, which no program can receive.`,
        {
          command: [file, ...args].map((a) => a.replaceAll('\0', '\\0')),
        },
      ),
    );
  }
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
    endInput(child.stdin, opts.input);
  });
}
