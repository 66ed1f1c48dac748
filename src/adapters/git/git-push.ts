import type { AppError } from '../../core/errors.js';
import type { PushStatus } from '../../core/ports/git.js';
import { ChildGroups } from '../group-child.js';
import { hardenedGitEnv, type GitEnv } from './git-exec.js';
import { maskUrlCredentials } from '../../protocol/url-credentials.js';
import { appError } from '../../protocol/error-messages.js';

/** After SIGTERM at the time limit, a push that still runs gets SIGKILL this much later. */
const KILL_GRACE_MS = 2_000;
const STDERR_KEPT = 16 * 1024;
const STDOUT_KEPT = 4 * 1024 * 1024;

/** A line of git's stderr as the user may see it: no credentials, no control characters (a remote's words). */
function shown(line: string): string {
  return maskUrlCredentials(line).replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** One ref line of `git push --porcelain`: its flag and summary. */
export interface PorcelainRef {
  flag: string;
  from: string;
  to: string;
  summary: string;
}

/** The ref lines of `git push --porcelain` output (`<flag>\t<from>:<to>\t<summary>`). */
export function parsePorcelain(stdout: string): PorcelainRef[] {
  const out: PorcelainRef[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([ +\-*!=])\t([^:\t]*):([^\t]*)\t(.*)$/.exec(line);
    if (m)
      out.push({ flag: m[1] as string, from: m[2] as string, to: m[3] as string, summary: m[4] as string });
  }
  return out;
}

/** What a porcelain flag says happened. */
export function pushStatusOf(flag: string): PushStatus | null {
  return flag === '*'
    ? 'new'
    : flag === ' '
      ? 'updated'
      : flag === '+'
        ? 'forced'
        : flag === '='
          ? 'up-to-date'
          : null;
}

/** PUSH_REJECTED for a `!` line: `behind` (not a fast-forward), `stale` (the lease failed) or `remote`. */
export function rejection(ref: PorcelainRef, remote: string, branch: string): AppError {
  const s = ref.summary;
  const reason = /stale info/.test(s)
    ? 'stale'
    : /non-fast-forward|fetch first|\(rejected\)|already exists/.test(s) && !/remote rejected/.test(s)
      ? 'behind'
      : 'remote';
  const said = /\(([^)]*)\)\s*$/.exec(s)?.[1] ?? s;
  return appError('PUSH_REJECTED', { reason, remote, branch, message: maskUrlCredentials(said) });
}

export interface PushRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Live push processes, killed (their process group) by {@link killPushes} when the daemon stops. */
const running = new ChildGroups(KILL_GRACE_MS);

/** Ends every push still running: SIGTERM to its process group, then SIGKILL. */
export function killPushes(): void {
  running.killAll();
}

/**
 * Runs `git push <args>` in `cwd` in a session of its own (no terminal to prompt on: ssh and
 * credential helpers fail instead of waiting), relaying each progress line of its stderr as it
 * comes; SIGTERM to its process group at `timeoutMs`, SIGKILL 2 s later.
 */
export async function runPush(
  args: readonly string[],
  o: { cwd: string; env: GitEnv; timeoutMs: number; progress: (line: string, partial: boolean) => void },
): Promise<PushRun> {
  let partial = '';
  // A process of its own (its progress relayed), in the hardened environment; the user's
  // credential helpers and ssh still apply: it is their delivery.
  // eslint-disable-next-line no-restricted-syntax
  const r = await running.run('git', ['push', ...args], {
    cwd: o.cwd,
    env: { ...hardenedGitEnv(o.env), GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C' },
    timeoutMs: o.timeoutMs,
    stdoutMax: STDOUT_KEPT,
    stderrMax: STDERR_KEPT,
    onStderr: (s) => {
      // A line ends with \n, or with \r when git will write over it (a percentage that goes on counting).
      const parts = (partial + s).split(/(\r\n|\r|\n)/);
      partial = parts.pop() ?? '';
      for (let i = 0; i + 1 < parts.length; i += 2) {
        const line = parts[i] ?? '';
        if (line.trim() !== '') o.progress(shown(line), parts[i + 1] === '\r');
      }
    },
  });
  if (partial.trim() !== '') o.progress(shown(partial), false);
  const stderr = r.spawnError
    ? r.spawnError.code === 'ENOENT'
      ? 'git is not installed (not found on PATH).'
      : r.spawnError.message
    : r.stderr;
  return { code: r.code, stdout: r.stdout, stderr: maskUrlCredentials(stderr), timedOut: r.timedOut };
}
