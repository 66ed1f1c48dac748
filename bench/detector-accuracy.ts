import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTORS } from '../src/vendors/registry.js';
import { parseCorpusScreen } from '../src/core/state/detectors/screen-corpus.js';
import { detectScreen, evidenceOf, parseVersion } from '../src/core/state/detectors/screen-detector.js';
import { nowMs } from './proc.js';
import type { RepoPaths } from './repo-paths.js';
import { progress, ratio, type BenchResult } from './report.js';
import { round } from './stats.js';

/** Where the regression corpus lives, relative to the checkout. */
const CORPUS = ['test', 'fixtures', 'screens'];
/** Failures listed in the report (all are counted). */
const FAILURES_LISTED = 20;

interface Tally {
  correct: number;
  total: number;
}

interface Group {
  agent: string;
  version: string;
  /** Written from patterns rather than recorded from the real CLI (folder not a version number). */
  synthetic: boolean;
  files: number;
  correct: number;
  /** Right state, whatever the reason. */
  stateCorrect: number;
  byState: Record<string, Tally>;
}

interface Failure {
  file: string;
  expected: string;
  expectedReason?: string;
  got: string;
  evidence: string;
}

function dirs(path: string): string[] {
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

const pct = (t: Tally): number => (t.total === 0 ? Number.NaN : round((100 * t.correct) / t.total, 1));

/**
 * Figure state.detectorAccuracy: the screen detector (with the shipped DETECTORS table) over every
 * `test/fixtures/screens/<agent>/<version>/*.screen`; a file is correct when the verdict's state is
 * the expected one (`none`: no verdict) and, when the file names a reason, the reason too.
 */
export function measureDetectorAccuracy(paths: RepoPaths): BenchResult {
  const root = join(paths.root, ...CORPUS);
  if (!existsSync(root)) throw new Error(`no screen corpus at ${root}`);
  const groups: Group[] = [];
  const failures: Failure[] = [];
  const expectedCounts = new Map<string, number>();
  let detectMs = 0;
  let reasonsChecked = 0;
  for (const agent of dirs(root)) {
    for (const version of dirs(join(root, agent))) {
      const dir = join(root, agent, version);
      const names = readdirSync(dir)
        .filter((n) => n.endsWith('.screen'))
        .sort();
      if (names.length === 0) continue;
      const g: Group = {
        agent,
        version,
        synthetic: version === 'synthetic' || parseVersion(version) === null,
        files: 0,
        correct: 0,
        stateCorrect: 0,
        byState: {},
      };
      for (const name of names) {
        const screen = parseCorpusScreen(readFileSync(join(dir, name), 'utf8'));
        const t0 = nowMs();
        // A folder that is not a version ("synthetic") selects the newest rule set, as the test does.
        const verdict = detectScreen(DETECTORS, agent, version, { lines: screen.lines });
        detectMs += nowMs() - t0;
        const got = verdict === null ? 'none' : verdict.state;
        const reasonOk = screen.reason === undefined || verdict?.reason === screen.reason;
        if (screen.reason !== undefined) reasonsChecked += 1;
        const ok = got === screen.expected && reasonOk;
        const tally = (g.byState[screen.expected] ??= { correct: 0, total: 0 });
        tally.total += 1;
        g.files += 1;
        if (got === screen.expected) g.stateCorrect += 1;
        expectedCounts.set(screen.expected, (expectedCounts.get(screen.expected) ?? 0) + 1);
        if (ok) {
          tally.correct += 1;
          g.correct += 1;
        } else {
          failures.push({
            file: `${agent}/${version}/${name}`,
            expected: screen.expected,
            ...(screen.reason === undefined ? {} : { expectedReason: screen.reason }),
            got: verdict?.reason === undefined ? got : `${got} (${verdict.reason})`,
            evidence: verdict === null ? 'no rule fired' : evidenceOf(verdict),
          });
        }
      }
      groups.push(g);
    }
  }
  const files = groups.reduce((n, g) => n + g.files, 0);
  if (files === 0) throw new Error(`the screen corpus at ${root} holds no .screen file`);
  const correct = groups.reduce((n, g) => n + g.correct, 0);
  const stateCorrect = groups.reduce((n, g) => n + g.stateCorrect, 0);
  const accuracy = pct({ correct, total: files });
  // Baseline: a detector that always answers the corpus's most common expected state.
  const [majority = 'none', majorityCount = 0] =
    [...expectedCounts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [];
  const majorityPct = pct({ correct: majorityCount, total: files });
  // Every state of every group below 100 % is named (recorded and synthetic groups alike).
  const belowTarget = groups.flatMap((g) =>
    Object.entries(g.byState)
      .filter(([, t]) => t.correct < t.total)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([state, t]) => ({
        agent: g.agent,
        version: g.version,
        source: g.synthetic ? 'synthetic' : 'recorded',
        state,
        correct: `${t.correct}/${t.total}`,
      })),
  );
  for (const g of groups) {
    const below = belowTarget.filter((b) => b.agent === g.agent && b.version === g.version);
    progress(
      `states: detector ${g.agent}/${g.version}${g.synthetic ? ' (synthetic)' : ''}: ${g.correct}/${g.files} ` +
        `correct (${g.stateCorrect} with the right state)` +
        (below.length > 0 ? ` BELOW 100 %: ${below.map((b) => `${b.state} ${b.correct}`).join(', ')}` : ''),
    );
  }
  const bySource = (
    synthetic: boolean,
  ): { groups: number; files: number; correct: number; accuracyPct: number } => {
    const gs = groups.filter((g) => g.synthetic === synthetic);
    const t = { correct: gs.reduce((n, g) => n + g.correct, 0), total: gs.reduce((n, g) => n + g.files, 0) };
    return { groups: gs.length, files: t.total, correct: t.correct, accuracyPct: pct(t) };
  };
  return {
    value: accuracy,
    unit: '%',
    baseline: {
      name: `a constant detector answering the corpus's most common expected state ("${majority}")`,
      value: majorityPct,
      samples: files,
    },
    ratio: ratio(accuracy, majorityPct),
    samples: files,
    target:
      '100% of the corpus files (every agent, version and state; extra.belowTarget names any state under it)',
    meetsTarget: correct === files,
    note:
      'Screen detector accuracy over the regression corpus test/fixtures/screens/<agent>/<version>/*.screen ' +
      '(parsed with parseCorpusScreen, detected with detectScreen(DETECTORS, agent, version) as the host ' +
      'does; a folder that is not a version, such as "synthetic", selects the newest rule set). A file is ' +
      'correct when the verdict state equals its `state:` header (`none`: the detector must return null) ' +
      'and, when it has a `reason:` header, the verdict reason equals it. Folders named by a version hold ' +
      'screens recorded from the real CLI; `synthetic` ones are written from patterns and labelled so ' +
      '(extra.recorded and extra.synthetic count them apart; each group gives its accuracy per expected state).',
    extra: {
      correct,
      files,
      recorded: bySource(false),
      synthetic: bySource(true),
      belowTarget,
      stateCorrect,
      stateOnlyAccuracyPct: pct({ correct: stateCorrect, total: files }),
      reasonsChecked,
      detectMicrosPerScreen: round((1000 * detectMs) / files, 1),
      groups: groups.map((g) => ({
        agent: g.agent,
        version: g.version,
        source: g.synthetic ? 'synthetic' : 'recorded from the real CLI',
        files: g.files,
        correct: g.correct,
        accuracyPct: pct({ correct: g.correct, total: g.files }),
        stateCorrect: g.stateCorrect,
        byState: Object.fromEntries(
          Object.entries(g.byState)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([state, t]) => [state, `${t.correct}/${t.total}`]),
        ),
      })),
      failures: failures.slice(0, FAILURES_LISTED),
      ...(failures.length > FAILURES_LISTED ? { failuresNotListed: failures.length - FAILURES_LISTED } : {}),
    },
  };
}
