import { execFile, execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { appError } from '../../protocol/error-messages.js';
import { endInput } from '../child-input.js';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment git runs with: the daemon's own (the user's HOME, PATH and GIT_* settings apply as
 * they do to their own git), handed down from `config/env.ts` by the composition root.
 */
export type GitEnv = Readonly<Record<string, string | undefined>>;

export interface GitOptions {
  cwd: string;
  /** Variables laid over the runner's environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string | undefined>;
  /** Data written to git's stdin. */
  input?: string;
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-tree` with conflicts). */
  okCodes?: readonly number[];
  maxBuffer?: number;
}

/**
 * What git must never do in a folder an agent could write: start a program its configuration or
 * attributes name there (an fsmonitor, a hook, a pager, an external diff), or enter a nested
 * repository (whose own config is the agent's). Given as GIT_CONFIG_COUNT/KEY/VALUE (git 2.31+):
 * over every config file, and inherited by every git process git itself starts.
 */
export const HARDENED_CONFIG: readonly (readonly [string, string])[] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['diff.external', ''],
  ['diff.ignoreSubmodules', 'dirty'],
  ['status.submoduleSummary', 'false'],
  ['submodule.recurse', 'false'],
  ['fetch.recurseSubmodules', 'false'],
  ['push.recurseSubmodules', 'no'],
  ['protocol.ext.allow', 'never'],
];

/** HARDENED_CONFIG as environment variables, and the variables that would start programs unset. */
export function hardenedGitEnv(env: GitEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  // Config given by whoever started the daemon is kept, after ours would be overridden: ours last.
  const kept = Number(env.GIT_CONFIG_COUNT ?? 0);
  const base = Number.isInteger(kept) && kept > 0 ? kept : 0;
  HARDENED_CONFIG.forEach(([key, value], i) => {
    out[`GIT_CONFIG_KEY_${base + i}`] = key;
    out[`GIT_CONFIG_VALUE_${base + i}`] = value;
  });
  out.GIT_CONFIG_COUNT = String(base + HARDENED_CONFIG.length);
  out.GIT_EXTERNAL_DIFF = undefined;
  out.GIT_PAGER = 'cat';
  return out;
}

/**
 * Runs `git <args>` (an argument array, never a shell) and resolves with its output. A non-zero
 * exit not in `okCodes` rejects with GIT_FAILED carrying the command, exit code and stderr.
 * Git never prompts (no terminal, GIT_TERMINAL_PROMPT=0) and never opens an editor.
 */
export type Git = (args: readonly string[], o: GitOptions) => Promise<GitResult>;

/** A {@link Git} whose commands run with `env` (plus each call's own variables). */
export function gitRunner(env: GitEnv): Git {
  return (args, o) => git(args, o, env);
}

/** A git command is killed after this long unless its options say otherwise. */
const DEFAULT_TIMEOUT_MS = 120_000;

function git(args: readonly string[], o: GitOptions, baseEnv: GitEnv): Promise<GitResult> {
  // spawn reports a missing cwd as ENOENT, which would read as "git is not installed".
  if (!existsSync(o.cwd)) {
    return Promise.reject(
      appError('NOT_A_REPOSITORY', { path: o.cwd, args, reason: 'the folder does not exist' }),
    );
  }
  return new Promise((resolve, reject) => {
    // The one git this module runs, in HARDENED_CONFIG's environment.
    // eslint-disable-next-line no-restricted-syntax
    const child = execFile(
      'git',
      [...args],
      {
        cwd: o.cwd,
        env: {
          ...hardenedGitEnv({ ...baseEnv, ...o.env }),
          GIT_TERMINAL_PROMPT: '0',
          GIT_EDITOR: 'true',
          GIT_MERGE_AUTOEDIT: 'no',
          LC_ALL: 'C',
        },
        timeout: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: o.maxBuffer ?? 256 * 1024 * 1024,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown; killed?: boolean }) | null;
        const code = e ? (typeof e.code === 'number' ? e.code : -1) : 0;
        if (e && typeof e.code === 'string' && e.code === 'ENOENT') {
          reject(appError('GIT_FAILED', { args, command: `git ${args.join(' ')}` }));
          return;
        }
        if (code === 0 || o.okCodes?.includes(code)) {
          resolve({ code, stdout, stderr });
          return;
        }
        reject(
          appError('GIT_FAILED', {
            args,
            cwd: o.cwd,
            exitCode: code,
            stderr: stderr.slice(-4000),
            command: `git ${args.join(' ')}`,
            timeoutSeconds: e?.killed ? (o.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000 : null,
            said: (gist(stderr) || stdout.trim().slice(0, 200)).replace(/[.\s]+$/, '') || null,
          }),
        );
      },
    );
    endInput(child.stdin, o.input);
  });
}

/** Include chains deeper than git's own limit (10) are an error to git itself. */
const MAX_INCLUDE_DEPTH = 10;

/**
 * Every file git's configuration in `cwd` includes (`include.path`, `includeIf.*.path`, whether
 * its condition holds now or not: `onbranch:` follows a branch the agent picks), and what those
 * files include in turn: absolute paths, as git resolves them (relative to the including file,
 * `~/` to the home). Read by git itself (`git config --list`), which starts no program for it.
 */
export function gitConfigIncludes(cwd: string, env: GitEnv): string[] {
  const found = new Set<string>();
  const walk = (args: string[], depth: number): void => {
    // The config lister: a sync call made once per sandboxed start, in HARDENED_CONFIG's environment.
    // eslint-disable-next-line no-restricted-syntax
    const out = execFileSync('git', ['config', '--list', '--show-origin', '--no-includes', '-z', ...args], {
      cwd,
      env: { ...hardenedGitEnv(env), GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      encoding: 'utf8',
      timeout: 10_000,
      maxBuffer: 4 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const fields = out.split('\0');
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const origin = fields[i] ?? '';
      const entry = fields[i + 1] ?? '';
      const nl = entry.indexOf('\n');
      const key = nl < 0 ? entry : entry.slice(0, nl);
      if (!/^include(if\..*)?\.path$/is.test(key) || nl < 0 || !origin.startsWith('file:')) continue;
      const from = resolve(cwd, origin.slice('file:'.length));
      const target = includeTarget(entry.slice(nl + 1), from, env.HOME);
      if (target === null || found.has(target)) continue;
      found.add(target);
      if (depth < MAX_INCLUDE_DEPTH && isFile(target)) walk(['--file', target], depth + 1);
    }
  };
  walk([], 0);
  return [...found];
}

function includeTarget(value: string, from: string, home: string | undefined): string | null {
  if (value === '') return null;
  if (value.startsWith('~/')) return home ? join(home, value.slice(2)) : null;
  // `%(prefix)/` is git's own installation; `~user/` is another user's home.
  if (value.startsWith('%(prefix)/') || value.startsWith('~')) return null;
  return isAbsolute(value) ? resolve(value) : resolve(dirname(from), value);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** What git said went wrong: its `fatal:`/`error:` lines when there are any, else its last lines. */
function gist(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  const marked = lines.filter((l) => /^(fatal|error):/.test(l));
  return (marked.length > 0 ? marked : lines.slice(-3)).join(' ').slice(0, 1000);
}
