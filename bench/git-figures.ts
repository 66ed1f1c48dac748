import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliGitReview } from '../src/adapters/git/git-review.js';
import { CliGitWorktrees } from '../src/adapters/git/git-worktrees.js';
import type { AgentWorktree, PairPrediction } from '../src/core/ports/git.js';
import { generateRepo, gitEnv, gitRun, type GeneratedRepo } from './git-repo.js';
import { nowMs, runTimed } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { disposeHome } from './sandbox.js';
import { removeAgent, startSession } from './session.js';
import { round, summarize } from './stats.js';

export interface GitRuns {
  /** Samples of worktree creation, each for ours and for plain `git worktree add`. */
  worktree: number;
  /** Full radar passes over all branches (and as many baseline loops). */
  radar: number;
  /** Passes per growth step (5, 10, 15 branches; the 20-branch step reuses the full passes). */
  growth: number;
  /** Samples of `wtp new cmd --repo` through a real daemon (0 skips the figure). */
  daemon: number;
}

const WORKTREE_TARGET = 1.2;
const RADAR_TARGET_MS = 2_000;
const GROWTH_STEPS = [5, 10, 15, 20] as const;
const PORTS = { portStart: 41_000, portCount: 10 };

/** Runs the `git` part: generates the repository, measures, removes everything it made. */
export async function measureGit(paths: RepoPaths, runs: GitRuns): Promise<Record<string, BenchResult>> {
  progress('git 1/4: generating a repository of 10,000 files and 20 branches (git fast-import)');
  const g = await generateRepo();
  try {
    progress(`git 2/4: worktree creation (${runs.worktree} runs each, alternating with plain git)`);
    const worktree = await measureWorktreeCreate(g, runs.worktree);
    progress(`git 3/4: conflict radar over ${g.branches.length} branches (${runs.radar} passes) and growth`);
    const radar = await measureRadar(g, runs);
    const out: Record<string, BenchResult> = { 'git.worktreeCreate': worktree, 'git.radarPass': radar };
    if (runs.daemon > 0) {
      progress(`git 4/4: \`wtp new cmd --repo\` through a daemon (${runs.daemon} runs each)`);
      out['git.worktreeCreate.cli'] = await measureThroughDaemon(paths, g, runs.daemon);
    }
    return out;
  } finally {
    g.dispose();
  }
}

function repoExtra(g: GeneratedRepo): Record<string, unknown> {
  return { files: g.files, branches: g.branches.length, generateMs: g.generateMs, storage: g.storage };
}

async function removeWorktree(repo: string, dir: string, branch: string): Promise<void> {
  await gitRun(['worktree', 'remove', '--force', dir], repo);
  await gitRun(['branch', '-D', branch], repo);
}

/** Figure: `CliGitWorktrees.provision` (in-process, what the daemon runs) vs `git worktree add -b`. */
async function measureWorktreeCreate(g: GeneratedRepo, n: number): Promise<BenchResult> {
  const wts = new CliGitWorktrees({
    worktreesDir: join(g.root, 'wtp-worktrees'),
    approvalsFile: join(g.root, 'approvals.json'),
    env: gitEnv(),
    gitEnv: process.env,
  });
  const ours: number[] = [];
  const plain: number[] = [];
  const removeMs: number[] = [];
  const runOurs = async (i: number): Promise<number> => {
    const t0 = nowMs();
    const wt = await wts.provision({ repo: g.repo, agentName: `bench-${i}`, ...PORTS });
    const ms = nowMs() - t0;
    const r0 = nowMs();
    await removeWorktree(g.repo, wt.path, wt.branch ?? `wtp/bench-${i}`);
    removeMs.push(nowMs() - r0);
    return ms;
  };
  const runPlain = async (i: number): Promise<number> => {
    const dir = join(g.root, 'plain-worktrees', `plain-${i}`);
    const branch = `plain/${i}`;
    const t0 = nowMs();
    const r = await runTimed('git', ['worktree', 'add', '-q', '-b', branch, dir, 'main'], {
      env: gitEnv(),
      cwd: g.repo,
      timeoutMs: 120_000,
    });
    const ms = nowMs() - t0;
    if (r.code !== 0) throw new Error(`git worktree add failed (${r.code}): ${r.stderr}`);
    await removeWorktree(g.repo, dir, branch);
    return ms;
  };
  // One unrecorded warm-up of each (page cache, git's first index write), then alternate the order.
  await runOurs(-1);
  await runPlain(-1);
  removeMs.length = 0;
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      ours.push(await runOurs(i));
      plain.push(await runPlain(i));
    } else {
      plain.push(await runPlain(i));
      ours.push(await runOurs(i));
    }
  }
  const baseline = latencyBaseline(
    'plain `git worktree add -q -b <branch> <fresh dir> main`, spawned from the benchmark',
    plain,
  );
  const r = latencyResult({
    samples: ours,
    baseline,
    note:
      '`CliGitWorktrees.provision({ repo, agentName, portStart, portCount })` called in-process (what ' +
      'the daemon runs for `wtp new --repo`), from the call to its return, on a repository of ' +
      `${g.files} files; the baseline is plain git into a fresh folder in the same run. Runs alternate ` +
      'ours/plain (order swapped every run) after one unrecorded warm-up of each; every worktree and ' +
      'branch is removed (`git worktree remove --force` + `git branch -D`) before the next run. ' +
      'provision also runs rev-parse/symbolic-ref/worktree prune checks before `worktree add --no-track`.',
    extra: { ...repoExtra(g), removeMs: summarize(removeMs) },
  });
  const meets = (r.ratio ?? Number.NaN) < WORKTREE_TARGET;
  return { ...r, target: `< ${WORKTREE_TARGET}x baseline (plain git worktree add)`, meetsTarget: meets };
}

/** All unordered pairs of `refs`, then each ref with `base` (the order `predict` uses). */
function pairsOf(refs: readonly string[], base: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < refs.length; i++) {
    for (let j = i + 1; j < refs.length; j++) pairs.push([refs[i] as string, refs[j] as string]);
  }
  for (const ref of refs) pairs.push([ref, base]);
  return pairs;
}

/** The baseline loop: one bare `git merge-tree` per pair, sequential, spawned without a shell. */
async function bareMergeTrees(repo: string, pairs: [string, string][]): Promise<number> {
  const env = gitEnv();
  const t0 = nowMs();
  for (const [a, b] of pairs) {
    const r = await runTimed('git', ['merge-tree', '--write-tree', '--name-only', b, a], {
      env,
      cwd: repo,
      timeoutMs: 60_000,
    });
    if (r.code !== 0 && r.code !== 1) throw new Error(`git merge-tree ${b} ${a} failed: ${r.stderr}`);
  }
  return nowMs() - t0;
}

/** The git calls `predict` makes per pair (but the cat-file of conflicts), one after another. */
async function sameCallsSequential(repo: string, pairs: [string, string][]): Promise<number> {
  const env = gitEnv();
  const run = async (args: string[]): Promise<string> => {
    const r = await runTimed('git', args, { env, cwd: repo, timeoutMs: 60_000 });
    if (r.code !== 0 && r.code !== 1) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const t0 = nowMs();
  for (const [a, b] of pairs) {
    await run(['merge-tree', '--write-tree', '--name-only', '--messages', '-z', a, b]);
    const mb = (await run(['merge-base', a, b])).trim();
    for (const ref of [a, b]) await run(['diff', '--name-only', '--no-renames', '-z', mb, ref]);
  }
  return nowMs() - t0;
}

const key = (a: string, b: string): string => [a, b].sort().join(' ');

/** Whether the radar found exactly the conflicts the generator built, and the planned overlaps. */
function checkPredictions(g: GeneratedRepo, refs: readonly string[], got: PairPrediction[]) {
  const inSet = (p: [string, string]): boolean => p.every((r) => r === 'main' || refs.includes(r));
  const wantConflicts = new Set(g.conflicting.filter(inSet).map(([a, b]) => key(a, b)));
  const wantOverlaps = g.overlapping.filter(inSet).map(([a, b]) => key(a, b));
  const conflicts = new Set(got.filter((p) => p.conflicts.length > 0).map((p) => key(p.a, p.b)));
  const overlaps = new Set(got.filter((p) => p.overlapping.length > 0).map((p) => key(p.a, p.b)));
  const same = conflicts.size === wantConflicts.size && [...conflicts].every((k) => wantConflicts.has(k));
  return {
    pairs: got.length,
    conflictingPairs: conflicts.size,
    cleanOverlappingPairs: overlaps.size,
    disjointPairs: got.length - conflicts.size - overlaps.size,
    asBuilt: same && wantOverlaps.every((k) => overlaps.has(k)),
  };
}

/** Least-squares exponent of ms ~ c·x^k on a log-log scale. */
function exponent(xs: number[], ys: number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / lx.length;
  const my = ly.reduce((s, v) => s + v, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * ((ly[i] ?? 0) - my);
    den += (x - mx) ** 2;
  });
  return round(num / den, 2);
}

/**
 * A worktree per branch, as the agents have them; every other one with uncommitted work (a file of
 * its own folder modified, one untracked file), which changes no planned conflict or overlap.
 */
async function agentWorktrees(g: GeneratedRepo): Promise<AgentWorktree[]> {
  const baseCommit = (await gitRun(['rev-parse', 'main'], g.repo)).trim();
  const out: AgentWorktree[] = [];
  for (const [i, branch] of g.branches.entries()) {
    const path = join(g.root, 'radar-worktrees', branch);
    await gitRun(['worktree', 'add', '-q', path, branch], g.repo);
    if (i % 2 === 0) {
      const k = Number(branch.slice(1));
      writeFileSync(join(path, `d${String(20 + k).padStart(2, '0')}`, 'f50.txt'), `uncommitted ${branch}\n`);
      writeFileSync(join(path, `notes-${branch}.txt`), 'untracked\n');
    }
    out.push({ repo: g.repo, path, branch, base: 'main', baseCommit, ...PORTS, owned: true });
  }
  return out;
}

/**
 * Figure: one radar pass over all branches as the radar runs it — a snapshot of every worktree
 * (its uncommitted work included), then `CliGitReview.predict` over the branches with changes — vs
 * sequential bare merge-trees.
 */
async function measureRadar(g: GeneratedRepo, runs: GitRuns): Promise<BenchResult> {
  const review = new CliGitReview({ gitEnv: process.env });
  const refs = g.branches;
  const worktrees = await agentWorktrees(g);
  const snapshotMs: number[] = [];
  const pass = async (n: number): Promise<{ ms: number; got: PairPrediction[] }> => {
    const t0 = nowMs();
    const snaps = await review.snapshot(worktrees.slice(0, n), 'main');
    snapshotMs.push(nowMs() - t0);
    const branchOf = new Map(snaps.map((s, i) => [s.ref, refs[i] as string]));
    const changed = snaps.filter((s) => s.changed).map((s) => s.ref);
    const predicted = await review.predict(g.repo, changed, 'main');
    const name = (ref: string) => branchOf.get(ref) ?? ref;
    const got = predicted.map((p) => ({ ...p, a: name(p.a), b: name(p.b) }));
    return { ms: nowMs() - t0, got };
  };
  const allPairs = pairsOf(refs, 'main');
  await pass(refs.length); // unrecorded warm-up
  await bareMergeTrees(g.repo, allPairs);
  const ours: number[] = [];
  const bare: number[] = [];
  const same: number[] = [];
  let last: PairPrediction[] = [];
  for (let i = 0; i < runs.radar; i++) {
    const p = await pass(refs.length);
    ours.push(p.ms);
    last = p.got;
    bare.push(await bareMergeTrees(g.repo, allPairs));
    same.push(await sameCallsSequential(g.repo, allPairs));
  }
  const check = checkPredictions(g, refs, last);
  const fullSnapshotMs = snapshotMs.slice(1, 1 + runs.radar); // the full passes after the warm-up

  const growth: Record<string, unknown>[] = [];
  for (const n of GROWTH_STEPS) {
    const samples: number[] = [];
    let got: PairPrediction[] = [];
    if (n === refs.length) samples.push(...ours);
    else {
      for (let i = 0; i < runs.growth; i++) {
        const p = await pass(n);
        samples.push(p.ms);
        got = p.got;
      }
    }
    const pairs = pairsOf(refs.slice(0, n), 'main').length;
    const ms = summarize(samples, 0).p50;
    const found = n === refs.length ? check : checkPredictions(g, refs.slice(0, n), got);
    growth.push({ branches: n, pairs, ms, msPerPair: round(ms / pairs, 2), asBuilt: found.asBuilt });
  }
  const pairsSeries = growth.map((s) => s['pairs'] as number);
  const msSeries = growth.map((s) => s['ms'] as number);
  const vsPairs = exponent(pairsSeries, msSeries);
  const vsBranches = exponent([...GROWTH_STEPS], msSeries);

  const baseline = latencyBaseline(
    `${allPairs.length} bare \`git merge-tree --write-tree --name-only <a> <b>\` calls over the same ` +
      'pairs, run one after another from a shell-free loop in the benchmark',
    bare,
    0,
  );
  const r = latencyResult({
    samples: ours,
    baseline,
    digits: 0,
    target: { text: `< ${RADAR_TARGET_MS} ms for all ${allPairs.length} pairs`, below: RADAR_TARGET_MS },
    note:
      `One radar pass as the radar runs it, in-process: \`CliGitReview.snapshot\` of ${refs.length} ` +
      'worktrees (one per branch, every other one with a modified and an untracked file: a copied ' +
      'index, `add -A`, `write-tree`, a commit when it differs, `diff --quiet main...ref`; 4 at a time; ' +
      `snapshotMs), then \`predict(repo, the ${refs.length} refs, 'main')\`: ` +
      `${allPairs.length - refs.length} branch pairs + ${refs.length} branch/main pairs, each a merge-tree ` +
      '(--messages), a merge-base, two diffs --name-only and, per conflicted file, a cat-file for the ' +
      'marker lines; 4 pairs in flight. Passes alternate with the baseline after one unrecorded warm-up ' +
      'of each. otherBaselines[0] runs the same git calls one by one, to split git work from ours. ' +
      'growth[] holds the median pass for the first 5/10/15/20 branches; ' +
      'growthExponent is the log-log slope of ms against pairs (1 = linear in pairs, i.e. quadratic in ' +
      'branches) and against branches (2 = quadratic).',
    extra: {
      ...repoExtra(g),
      snapshotMs: summarize(fullSnapshotMs, 0),
      predictions: check,
      growth,
      growthExponent: { vsPairs, vsBranches },
      growsQuadratically: vsBranches > 1.6 && vsBranches < 2.4,
    },
  });
  const calls = latencyBaseline(
    `the ${allPairs.length * 4} git calls predict makes for these pairs (merge-tree --messages, ` +
      'merge-base, two diffs; no cat-file), one after another from the same loop',
    same,
    0,
  );
  return { ...r, otherBaselines: [{ ...calls, ratio: ratio(r.value, calls.value) }] };
}

/** Figure: the whole path, `wtp new cmd --name X --repo R -- sleep 600` (CLI → daemon → git). */
async function measureThroughDaemon(paths: RepoPaths, g: GeneratedRepo, n: number): Promise<BenchResult> {
  const config = join(g.root, 'daemon-config.yaml');
  const worktreesDir = join(g.root, 'daemon-worktrees');
  writeFileSync(config, `git:\n  worktreesDir: ${JSON.stringify(worktreesDir)}\n`);
  const s = await startSession(paths, 'git', { WTP_CONFIG: config, WTP_BACKEND: 'headless' });
  try {
    const cli = async (args: string[]): Promise<number> => {
      const t0 = nowMs();
      const r = await runTimed(process.execPath, [paths.binWtp, 'new', 'cmd', '--json', ...args], {
        env: s.env,
        cwd: g.repo,
        timeoutMs: 60_000,
      });
      const ms = nowMs() - t0;
      if (r.code !== 0)
        throw new Error(`wtp new ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
      return ms;
    };
    const withRepo: number[] = [];
    const noRepo: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i <= n; i++) {
      const a = await cli(['--name', `wt-${i}`, '--repo', g.repo, '--', 'sleep', '600']);
      await removeAgent(s, `wt-${i}`);
      const b = await cli(['--name', `plain-${i}`, '--cwd', g.root, '--', 'sleep', '600']);
      await removeAgent(s, `plain-${i}`);
      const dir = join(g.root, 'cli-plain-worktrees', `p-${i}`);
      const t0 = nowMs();
      const r = await runTimed('git', ['worktree', 'add', '-q', '-b', `cli-plain/${i}`, dir, 'main'], {
        env: gitEnv(),
        cwd: g.repo,
        timeoutMs: 120_000,
      });
      const c = nowMs() - t0;
      if (r.code !== 0) throw new Error(`git worktree add failed (${r.code}): ${r.stderr}`);
      await removeWorktree(g.repo, dir, `cli-plain/${i}`);
      if (i === 0) continue; // warm-up round
      withRepo.push(a);
      noRepo.push(b);
      plain.push(c);
    }
    const branches = await gitRun(['for-each-ref', '--format=%(refname)', 'refs/heads/wtp/'], g.repo);
    const leftoverBranches = branches.split('\n').filter(Boolean).length;
    const leftoverWorktrees = (await gitRun(['worktree', 'list', '--porcelain'], g.repo))
      .split('\n')
      .filter((l) => l.startsWith('worktree ') && l.includes(worktreesDir)).length;
    const baseline = latencyBaseline('plain `git worktree add -q -b <branch> <fresh dir> main`', plain);
    const without = latencyBaseline('`wtp new cmd --name X -- sleep 600` without --repo', noRepo);
    const r = latencyResult({
      samples: withRepo,
      baseline,
      note:
        'Optional end-to-end figure: spawning `node bin/wtp.js new cmd --json --name X --repo <repo> -- ' +
        'sleep 600` (a real daemon from `wtp up --detach`, headless backend, worktrees on the same ' +
        'storage as the repository) until the CLI exits with the agent running; includes the CLI ' +
        'process start, so no target. Each round also times the same command without --repo ' +
        '(otherBaselines) and plain git; one unrecorded warm-up round; every agent is removed (with ' +
        'its worktree and branch) after its sample.',
      extra: { leftoverBranches, leftoverWorktrees },
    });
    return { ...r, otherBaselines: [{ ...without, ratio: ratio(r.value, without.value) }] };
  } finally {
    disposeHome(s.home, paths.binWtp);
  }
}
