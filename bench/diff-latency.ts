import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latencyBaseline, latencyResult, progress, ratio, type BenchResult } from './report.js';
import { runTimed, type TimedRun } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import type { Session } from './session.js';

const TIMEOUT_MS = 60_000;
const FILES = 20;

async function ok(what: string, run: Promise<TimedRun>): Promise<TimedRun> {
  const r = await run;
  if (r.code !== 0) throw new Error(`${what} exited with ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
}

/**
 * Figure cli.diffStat: `wtp diff NAME --stat` (the CLI, the daemon's git calls: committed,
 * uncommitted and untracked changes against the base) on an agent's worktree with a change in each
 * of FILES files and a new one, against the bare `git diff --stat <base>` in that worktree;
 * alternating, after one unrecorded warm-up of each.
 */
export async function measureDiffStat(paths: RepoPaths, s: Session, runs: number): Promise<BenchResult> {
  const opts = { env: s.env, cwd: s.home, timeoutMs: TIMEOUT_MS };
  const repo = join(s.home, 'diff-repo');
  mkdirSync(repo);
  const git = (args: string[], cwd = repo) => ok(`git ${args[0]}`, runTimed('git', args, { ...opts, cwd }));
  await git(['init', '-q', '-b', 'main']);
  for (let i = 0; i < FILES; i++) writeFileSync(join(repo, `f${i}.txt`), `line\n`.repeat(200));
  await git(['add', '-A']);
  await git(['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '-qm', 'base']);
  const created = await ok(
    'wtp new',
    runTimed(
      process.execPath,
      [paths.binWtp, 'new', 'cmd', '--name', 'differ', '--repo', repo, '--json', '--', 'sleep', '3600'],
      opts,
    ),
  );
  const worktree = (JSON.parse(created.stdout) as { agent: { cwd: string } }).agent.cwd;
  for (let i = 0; i < FILES; i++) writeFileSync(join(worktree, `f${i}.txt`), `changed\n`.repeat(100));
  writeFileSync(join(worktree, 'new.txt'), 'new\n');
  const wtpDiff = () =>
    ok('wtp diff --stat', runTimed(process.execPath, [paths.binWtp, 'diff', 'differ', '--stat'], opts));
  const bare = () => git(['diff', '--stat', 'main'], worktree);
  // The floor of any Node CLI: a Node process that does nothing (issue 32's "measured bottleneck").
  const node = () => ok('node -e 0', runTimed(process.execPath, ['-e', '0'], opts));
  const first = await wtpDiff();
  if (!first.stdout.includes(`${FILES + 1} file(s)`)) {
    throw new Error(`wtp diff --stat did not list ${FILES + 1} files: ${first.stdout}`);
  }
  await bare();
  await node();
  const diffSamples: number[] = [];
  const bareSamples: number[] = [];
  const nodeSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    diffSamples.push((await wtpDiff()).ms);
    bareSamples.push((await bare()).ms);
    nodeSamples.push((await node()).ms);
  }
  // The session's later figures count its agents: this one goes, with its worktree.
  await ok('wtp rm', runTimed(process.execPath, [paths.binWtp, 'rm', '--force', 'differ'], opts));
  progress(`wtp diff --stat: done (${runs} runs)`);
  const result = latencyResult({
    samples: diffSamples,
    baseline: latencyBaseline('bare `git diff --stat main` in the worktree, spawn to exit', bareSamples),
    note:
      `Wall time from spawn to exit of \`node bin/wtp.js diff NAME --stat\` (the CLI asks the daemon, which ` +
      `runs git for the committed, uncommitted and untracked changes) on a worktree with ${FILES} changed ` +
      'files and a new one, against the bare git command (tracked changes only); alternating with it and ' +
      'with `node -e 0` (otherBaselines: the start of any Node program, which no Node CLI goes under).',
  });
  const floor = latencyBaseline('bare `node -e 0`, spawn to exit', nodeSamples);
  return { ...result, otherBaselines: [{ ...floor, ratio: ratio(result.value, floor.value) }] };
}
