import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { DoctorCheck } from '../../../protocol/doctor.js';

/** A check's result without its id; `fix`, `version` and `path` default to null. */
export type Finding = Pick<DoctorCheck, 'status' | 'summary'> &
  Partial<Pick<DoctorCheck, 'fix' | 'version' | 'path'>>;

export const check = (id: string, f: Finding): DoctorCheck => ({
  id,
  status: f.status,
  summary: f.summary,
  fix: f.fix ?? null,
  version: f.version ?? null,
  path: f.path ?? null,
});

/** `f()`, or `fallback` when it throws (a file gone or unreadable meanwhile). */
export function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** What running `program --version` gave: its output, or that it is not there, or how it failed. */
export type ProgramRun =
  { kind: 'ok'; text: string } | { kind: 'missing' } | { kind: 'failed'; text: string; why: string };

/** As the daemon's own probe (`src/adapters/profiles/cli-version.ts`): Gemini CLI took 12 s under load. */
const VERSION_TIMEOUT_MS = 30_000;

/**
 * Runs a program (no shell) with a timeout, stdin closed; its stdout and stderr together. With
 * `searchPath`, the program is looked for there instead of on `childEnv`'s PATH (its environment).
 */
export function runProgram(
  file: string,
  args: readonly string[],
  childEnv: NodeJS.ProcessEnv,
  searchPath?: string,
): Promise<ProgramRun> {
  const found = searchPath === undefined ? file : (findOn(file, searchPath) ?? file);
  return new Promise((resolve) => {
    const child = execFile(
      found,
      [...args],
      // SIGKILL: a relaunch wrapper (Gemini CLI's) ignores SIGTERM and would outlive the limit.
      { env: childEnv, timeout: VERSION_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 },
      (err, stdout, stderr) => {
        const text = `${stdout}${stderr}`.trim();
        if (!err) return resolve({ kind: 'ok', text });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (e.code === 'ENOENT' && text === '') return resolve({ kind: 'missing' });
        const why = e.killed
          ? `timed out after ${VERSION_TIMEOUT_MS / 1000} s`
          : typeof e.code === 'number'
            ? `exit ${e.code}`
            : String(e.code ?? e.message);
        resolve({ kind: 'failed', text: text.slice(0, 300), why });
      },
    );
    child.stdin?.end();
  });
}

/** `[3, 3]` from `tmux 3.3a`, `[2, 39, 2]` from `git version 2.39.2`; null when none. */
export function versionIn(text: string): number[] | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? m.slice(1).flatMap((p) => (p === undefined ? [] : [Number(p)])) : null;
}

/** Whether version `v` is `min` or later (missing parts count as 0). */
export function atLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < Math.max(v.length, min.length); i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The first executable file named `file` in the folders of `searchPath` (absolute ones only), or null. */
function findOn(file: string, searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, file);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not there
    }
  }
  return null;
}
