#!/usr/bin/env node
// CI's time table and its budget check: .ci/run writes each step's start and end (steps.tsv), and at
// its exit this prints the steps against their shares in .ci/budget, the slowest test files of
// `npm test` (the run report of test/support/run-reporter.ts), and exits 1 when a step took more than 1.5 times its share.
//   node .ci/times.mjs <steps.tsv> [npm-test.json]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** How far past its share a step may run before the run fails: growth is seen when it happens. */
export const OVERRUN = 1.5;

/** `.ci/budget`: `<step> <seconds>` per line (`#` comments); `total` is the whole run. */
export function readBudget(file = join(HERE, 'budget')) {
  const budget = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const text = line.replace(/#.*/, '').trim();
    if (!text) continue;
    const [id, seconds] = text.split(/\s+/);
    const n = Number(seconds);
    if (!id || !Number.isInteger(n) || n <= 0) throw new Error(`.ci/budget: bad line "${line}"`);
    budget.set(id, n);
  }
  const shares = [...budget].filter(([id]) => id !== 'total').reduce((n, [, s]) => n + s, 0);
  if (shares !== budget.get('total'))
    throw new Error(
      `.ci/budget: the steps' shares add up to ${shares} s, not the total ${budget.get('total')} s`,
    );
  return budget;
}

/** Each step's id, title and seconds from steps.tsv (`id<TAB>start<TAB>end<TAB>title`). */
function readSteps(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, start, end, title] = line.split('\t');
      return { id, title, seconds: Number(end) - Number(start) };
    });
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const mmss = (s) => {
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
};

/** The step table; returns the steps over OVERRUN × their share (and steps with no share). */
function stepTable(steps, budget) {
  const over = [];
  console.log(`\nCI time by step (budget: .ci/budget; a step fails past ${OVERRUN}× its share)`);
  console.log(`${pad('step', 16)} ${lpad('took', 7)} ${lpad('share', 7)}  `);
  for (const s of steps) {
    const share = budget.get(s.id);
    let verdict = '';
    if (share === undefined) {
      verdict = 'NO SHARE in .ci/budget';
      over.push(s);
    } else if (s.seconds > share * OVERRUN) {
      verdict = `OVER BUDGET: ${(s.seconds / share).toFixed(2)}× its share`;
      over.push(s);
    } else if (s.seconds > share) verdict = `over its share (${(s.seconds / share).toFixed(2)}×)`;
    console.log(
      `${pad(s.id, 16)} ${lpad(mmss(s.seconds), 7)} ${lpad(share ? mmss(share) : '-', 7)}  ${verdict}`,
    );
  }
  const total = steps.reduce((n, s) => n + s.seconds, 0);
  const whole = budget.get('total');
  console.log(
    `${pad('total', 16)} ${lpad(mmss(total), 7)} ${lpad(whole ? mmss(whole) : '-', 7)}  ${whole && total > whole ? 'over the whole run’s budget' : ''}`,
  );
  return over;
}

/** The slowest files of the run report (test/support/run-reporter.ts), and the time by folder. */
function fileTable(reportFile, top = 25) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const files = report.files
    .map((f) => ({ file: f.file, seconds: f.ms / 1000, tests: f.tests.length, status: f.status }))
    .sort((a, b) => b.seconds - a.seconds);
  const folder = (f) =>
    f.startsWith('test/e2e/')
      ? 'test/e2e'
      : f.startsWith('test/integration/')
        ? 'test/integration'
        : f.startsWith('test/docs/')
          ? 'test/docs'
          : f.startsWith('src/')
            ? 'src (unit)'
            : 'other';
  const byFolder = new Map();
  for (const f of files) {
    const k = folder(f.file);
    const t = byFolder.get(k) ?? { files: 0, seconds: 0 };
    t.files++;
    t.seconds += f.seconds;
    byFolder.set(k, t);
  }
  console.log(
    `\nnpm test: ${files.length} files in ${mmss(report.wallMs / 1000)}; file time by folder (three workers: it adds up to about three times the wall time)`,
  );
  for (const [k, t] of byFolder)
    console.log(`${pad(k, 18)} ${lpad(t.files, 4)} files ${lpad(mmss(t.seconds), 7)}`);
  console.log(`\nthe ${Math.min(top, files.length)} slowest files`);
  for (const f of files.slice(0, top))
    console.log(
      `${lpad(f.seconds.toFixed(1), 7)} s  ${lpad(f.tests, 3)} tests  ${f.file}${f.status === 'passed' ? '' : `  (${f.status})`}`,
    );
}

function main() {
  const [stepsFile, reportFile] = process.argv.slice(2);
  if (!stepsFile) {
    console.error('usage: node .ci/times.mjs <steps.tsv> [npm-test.json]');
    process.exit(2);
  }
  if (reportFile && existsSync(reportFile)) fileTable(reportFile);
  const over = stepTable(readSteps(stepsFile), readBudget());
  if (over.length > 0) {
    console.log(
      `\nCI budget: ${over.map((s) => s.id).join(', ')} took more than ${OVERRUN}× the share .ci/budget gives. ` +
        'Make the step faster, or give it a larger share from another step in .ci/budget and say why in the commit.',
    );
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
