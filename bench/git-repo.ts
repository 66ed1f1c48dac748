import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nowMs, runTimed, type Env } from './proc.js';
import { liveKillers } from './sandbox.js';
import { endInput } from '../src/adapters/child-input.js';

/** Shape of the generated repository (the "10,000 files and 20 live branches"). */
export const DIRS = 100;
export const FILES_PER_DIR = 100;
export const LINES = 8;
export const BRANCHES = 20;

/** What the branches were built to do, so the report can check the radar saw it. */
export interface GeneratedRepo {
  /** Parent temp folder of the repository (`<root>/repo`) and of every worktree made from it. */
  root: string;
  /** Where `root` lives: tmpfs when the machine has /dev/shm, else the system temp folder. */
  storage: string;
  /** Removes `root` (also run by the benchmark's cleanup on Ctrl-C or a crash). */
  dispose: () => void;
  repo: string;
  files: number;
  branches: string[];
  /** Pairs built to conflict on the same lines (a branch with `main` included). */
  conflicting: [string, string][];
  /** Pairs built to change the same files on different lines (merge cleanly). */
  overlapping: [string, string][];
  generateMs: number;
}

const TIMEOUT_MS = 120_000;
const pad = (n: number): string => String(n).padStart(2, '0');
const filePath = (d: number, f: number): string => `d${pad(d)}/f${pad(f)}.txt`;

/** The base content of a file: LINES short lines naming the file. */
function baseLines(path: string): string[] {
  return Array.from({ length: LINES }, (_, i) => `${path} line ${i + 1}: the quick brown fox ${i * 7}`);
}

function text(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A change of `line` (1-based) of `path`, tagged so that two writers produce different text. */
interface Edit {
  path: string;
  line: number;
  tag: string;
}

function edited(edits: Edit[]): Map<string, string> {
  const byFile = new Map<string, string[]>();
  for (const e of edits) {
    const lines = byFile.get(e.path) ?? baseLines(e.path);
    lines[e.line - 1] = `${e.path} line ${e.line}: changed by ${e.tag}`;
    byFile.set(e.path, lines);
  }
  return new Map([...byFile].map(([p, l]) => [p, text(l)]));
}

/**
 * Branch plan. Branch k (1-based) always changes 2-4 files of its own folder d<20+k> (disjoint
 * from everyone). On top of that:
 * - true conflicts (same line of the same file): b01/b02, b06/b07, b11/b12, b16/b17;
 * - clean overlaps (same file, different lines): b03/b04, b08/b09, b13/b14, b18/b19;
 * - conflicts with main (main changes line 5 of d01/f0k after the branches forked): b05, b10, b15, b20.
 * Every group of five branches holds one of each kind, so the 5/10/15/20 growth steps are alike.
 */
function plan(): {
  edits: Map<string, Edit[]>;
  conflicting: [string, string][];
  overlapping: [string, string][];
} {
  const name = (k: number): string => `b${pad(k)}`;
  const edits = new Map<string, Edit[]>();
  const add = (k: number, e: Omit<Edit, 'tag'>): void => {
    const list = edits.get(name(k)) ?? [];
    list.push({ ...e, tag: name(k) });
    edits.set(name(k), list);
  };
  const conflicting: [string, string][] = [];
  const overlapping: [string, string][] = [];
  for (let k = 1; k <= BRANCHES; k++) {
    for (let f = 0; f < 2 + (k % 3); f++) add(k, { path: filePath(20 + k, f), line: 1 + (f % LINES) });
  }
  for (let g = 0; g < BRANCHES / 5; g++) {
    const k = g * 5 + 1;
    add(k, { path: filePath(0, g), line: 3 });
    add(k + 1, { path: filePath(0, g), line: 3 });
    conflicting.push([name(k), name(k + 1)]);
    add(k + 2, { path: filePath(0, 10 + g), line: 1 });
    add(k + 3, { path: filePath(0, 10 + g), line: LINES });
    overlapping.push([name(k + 2), name(k + 3)]);
    add(k + 4, { path: filePath(1, g), line: 5 });
    conflicting.push([name(k + 4), 'main']);
  }
  return { edits, conflicting, overlapping };
}

/** Splits a branch's edits over 1-3 commits (k mod 3 + 1). */
function commitsOf(list: Edit[], k: number): Edit[][] {
  const n = Math.min(list.length, (k % 3) + 1);
  const out: Edit[][] = Array.from({ length: n }, () => []);
  list.forEach((e, i) => out[i % n]?.push(e));
  return out;
}

/** A `git fast-import` stream: the 10,000-file root commit, the branches, then main's second commit. */
function importStream(p: ReturnType<typeof plan>): string {
  const parts: string[] = [];
  let when = 1_700_000_000;
  const commit = (
    ref: string,
    from: string | null,
    msg: string,
    files: Map<string, string>,
    mark = '',
  ): void => {
    when += 60;
    parts.push(`commit ${ref}\n${mark}`);
    parts.push(`committer Bench <bench@localhost> ${when} +0000\n`);
    parts.push(`data ${Buffer.byteLength(msg)}\n${msg}\n`);
    if (from !== null) parts.push(`from ${from}\n`);
    for (const [path, content] of files) {
      parts.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
    }
  };
  const all = new Map<string, string>();
  for (let d = 0; d < DIRS; d++) {
    for (let f = 0; f < FILES_PER_DIR; f++) all.set(filePath(d, f), text(baseLines(filePath(d, f))));
  }
  parts.push('reset refs/heads/main\n');
  commit('refs/heads/main', null, 'initial: 10,000 files', all, 'mark :1\n');
  for (const [branch, list] of p.edits) {
    const k = Number(branch.slice(1));
    let from: string | null = ':1';
    for (const [i, part] of commitsOf(list, k).entries()) {
      commit(`refs/heads/${branch}`, from, `${branch}: change ${i + 1}`, edited(part));
      from = null; // later commits continue the branch
    }
  }
  const mainEdits: Edit[] = Array.from({ length: BRANCHES / 5 }, (_, g) => ({
    path: filePath(1, g),
    line: 5,
    tag: 'main',
  }));
  commit('refs/heads/main', null, 'main moves on after the branches forked', edited(mainEdits));
  parts.push('done\n');
  return parts.join('');
}

/** Runs git with `input` on stdin (argument array, no shell). */
function gitWithInput(args: string[], cwd: string, env: Env, input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} failed (${code}): ${err}`)),
    );
    endInput(child.stdin, input);
  });
}

export function gitEnv(): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@localhost',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@localhost',
  });
  return env;
}

/** `git <args>` in `cwd`; throws on a non-zero exit not in `ok`. */
export async function gitRun(args: string[], cwd: string, ok: number[] = [0]): Promise<string> {
  const r = await runTimed('git', args, { env: gitEnv(), cwd, timeoutMs: TIMEOUT_MS });
  if (r.code === null || !ok.includes(r.code)) {
    throw new Error(`git ${args.join(' ')} failed (${r.code ?? r.signal}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/**
 * A scratch folder on tmpfs when there is one: on a disk (ext4 mounted with `discard` here) the
 * 10,000 unlinks of each removed worktree stall the next checkout's file creations by 0.3-10 s of
 * kernel time, which is neither git's cost nor ours and drowns the ratio.
 */
function scratchRoot(): { root: string; storage: string; dispose: () => void } {
  const shm = '/dev/shm';
  let root: string;
  let storage: string;
  try {
    if (!existsSync(shm)) throw new Error('no tmpfs');
    root = mkdtempSync(join(shm, 'wtp-bench-git-'));
    storage = `tmpfs (${shm})`;
  } catch {
    root = mkdtempSync(join(tmpdir(), 'wtp-bench-git-'));
    storage = `system temp folder (${tmpdir()})`;
  }
  const dispose = (): void => {
    rmSync(root, { recursive: true, force: true });
    liveKillers.delete(dispose);
  };
  liveKillers.add(dispose);
  return { root, storage, dispose };
}

/** Generates the repository in a fresh scratch folder, main checked out. */
export async function generateRepo(): Promise<GeneratedRepo> {
  const t0 = nowMs();
  const { root, storage, dispose } = scratchRoot();
  const repo = join(root, 'repo');
  try {
    return await build(root, repo, t0, storage, dispose);
  } catch (err) {
    dispose();
    throw err;
  }
}

async function build(
  root: string,
  repo: string,
  t0: number,
  storage: string,
  dispose: () => void,
): Promise<GeneratedRepo> {
  await gitRun(['init', '-q', '-b', 'main', repo], root);
  for (const [k, v] of [
    ['user.name', 'Bench'],
    ['user.email', 'bench@localhost'],
    ['gc.auto', '0'],
  ] as const) {
    await gitRun(['config', k, v], repo);
  }
  const p = plan();
  await gitWithInput(['fast-import', '--quiet'], repo, gitEnv(), importStream(p));
  await gitRun(['reset', '-q', '--hard', 'main'], repo);
  const count = (await gitRun(['ls-files', '-z'], repo)).split('\0').filter(Boolean).length;
  return {
    root,
    storage,
    dispose,
    repo,
    files: count,
    branches: [...p.edits.keys()].sort(),
    conflicting: p.conflicting,
    overlapping: p.overlapping,
    generateMs: Math.round(nowMs() - t0),
  };
}
