import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import { ChildGroups } from '../group-child.js';

/** SIGKILL this long after the SIGTERM of a CLI past its time limit. */
const KILL_GRACE_MS = 2_000;
/** Output kept per stream. */
const MAX_OUTPUT = 4 * 1024 * 1024;

export type ForgeCliName = 'gh' | 'glab';

/** The environment a forge CLI runs with: the daemon's, with prompts, colours and update checks off. */
export type ForgeEnv = Readonly<Record<string, string | undefined>>;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const INSTALL: Record<ForgeCliName, { what: string; install: string; login: string }> = {
  gh: { what: 'GitHub CLI', install: 'https://cli.github.com', login: 'gh auth login' },
  glab: { what: 'GitLab CLI', install: 'https://gitlab.com/gitlab-org/cli', login: 'glab auth login' },
};

/** The file `name` runs as on `PATH`, or null when it is not found there (stats files; runs nothing). */
export function onPath(name: string, pathVar: string | undefined): string | null {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** FORGE_CLI_MISSING naming the CLI, where to get it and how to sign in. */
export function missingCli(cli: ForgeCliName): AppError {
  const i = INSTALL[cli];
  return appError('FORGE_CLI_MISSING', { cli, install: i.install, login: i.login, cliName: i.what });
}

/** Live CLI processes, ended (their process groups) by {@link killForgeClis} when the daemon stops. */
const running = new ChildGroups(KILL_GRACE_MS);

/** Ends every forge CLI still running: SIGTERM to its process group, SIGKILL 2 s later. */
export function killForgeClis(): void {
  running.killAll();
}

/**
 * Runs `cli args` (an argument array, never a shell) in `cwd`, in a process group of its own and
 * with no terminal, `input` on its stdin; SIGTERM to the group at `timeoutMs`, SIGKILL 2 s later.
 * FORGE_CLI_MISSING when the CLI is not on the environment's PATH.
 */
export async function runForgeCli(
  cli: ForgeCliName,
  args: readonly string[],
  o: { cwd: string; env: ForgeEnv; timeoutMs: number; input?: string },
): Promise<CliRun> {
  if (onPath(cli, o.env.PATH) === null) throw missingCli(cli);
  const r = await running.run(cli, args, {
    cwd: o.cwd,
    env: {
      ...o.env,
      GH_PROMPT_DISABLED: '1',
      GH_NO_UPDATE_NOTIFIER: '1',
      GLAB_NO_PROMPT: 'true',
      GLAB_CHECK_UPDATE: 'false',
      NO_COLOR: '1',
      GIT_TERMINAL_PROMPT: '0',
    },
    timeoutMs: o.timeoutMs,
    input: o.input ?? '',
    stdoutMax: MAX_OUTPUT,
    stderrMax: MAX_OUTPUT,
  });
  if (r.spawnError) throw r.spawnError.code === 'ENOENT' ? missingCli(cli) : r.spawnError;
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}

/** FORGE_FAILED for a CLI that exited non-zero (or ran out of time), with what it said. */
export function cliFailed(
  cli: ForgeCliName,
  args: readonly string[],
  run: CliRun,
  timeoutMs: number,
): AppError {
  const said = lastLines(run.stderr || run.stdout);
  const signedOut = (cli === 'gh' && run.code === 4) || /auth|401|unauthori[sz]ed|token/i.test(said);
  return appError('FORGE_FAILED', {
    cli,
    args: [...args],
    exitCode: run.code,
    timedOut: run.timedOut,
    stderr: run.stderr.slice(-4000),
    command: forgeCommand(cli, args),
    timeoutSeconds: run.timedOut ? timeoutMs / 1000 : null,
    login: signedOut ? INSTALL[cli].login : null,
    said: said.replace(/[.\s]+$/, '') || null,
  });
}

/** The command as a message names it: the CLI and its first two arguments (`gh pr view`). */
export const forgeCommand = (cli: ForgeCliName, args: readonly string[]): string =>
  [cli, ...args.slice(0, 2)].join(' ');

/** The last few non-empty lines of a CLI's message, on one line. */
function lastLines(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.slice(-3).join(' ').slice(0, 600);
}
