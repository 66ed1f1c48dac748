#!/usr/bin/env node
// The flake hunt: runs test files N times in a row with K busy loops spinning beside them, as a
// loaded CI machine runs them, and reports every failure with its evidence.
//   npm run flake-hunt -- test/e2e/report.test.ts [more files…] [--runs 10] [--busy 2] [-t NAME] [--json]
// Each run is one `vitest run` of all the files (its three workers, as in npm test); -t: only the tests
// whose name matches NAME (vitest's -t), e.g. one document's blocks of test/docs/console-blocks.test.ts. A run's output,
// its JSON report and, when it failed, the WTP_HOMEs of its tests (WTP_E2E_KEEP_DIR) stay in
// .cache/flake-hunt/<time>/run-<n>/. Exit 1 when any run failed.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(import.meta.url), '../..');
const USAGE =
  'usage: npm run flake-hunt -- <test files…> [--runs N] [--busy K] [-t NAME] [--out DIR] [--json]';

function parseArgs(argv) {
  const opts = { files: [], runs: 10, busy: 2, name: undefined, out: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    const count = (name, min) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min) fail(`${name} must be a whole number of at least ${min}`);
      return n;
    };
    if (a === '--runs') opts.runs = count('--runs', 1);
    else if (a === '--busy') opts.busy = count('--busy', 0);
    else if (a === '-t' || a === '--test-name-pattern') opts.name = value();
    else if (a === '--out') opts.out = resolve(value());
    else if (a === '--json') opts.json = true;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (a.startsWith('-')) fail(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (opts.files.length === 0) fail('name at least one test file');
  for (const f of opts.files) if (!existsSync(f)) fail(`no such test file: ${f}`);
  return opts;
}

function fail(message) {
  console.error(`flake-hunt: ${message}\n${USAGE}`);
  process.exit(2);
}

/** K processes that each keep a core busy until killed (a CI machine's other work). */
function busyLoops(k) {
  const loops = Array.from({ length: k }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  const stop = () => loops.forEach((p) => p.exitCode === null && p.kill('SIGKILL'));
  process.on('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
      stop();
      process.exit(130);
    });
  return stop;
}

/** One `vitest run` of the files, with the run report (test/support/run-reporter.ts) in `dir`. */
function vitestRun(files, name, dir) {
  const args = [join(REPO, 'node_modules/vitest/vitest.mjs'), 'run', ...files, ...(name ? ['-t', name] : [])];
  const started = Date.now();
  return new Promise((done) => {
    const out = [];
    const child = spawn(process.execPath, args, {
      cwd: REPO,
      env: {
        ...process.env,
        WTP_TEST_JSON: join(dir, 'report.json'),
        WTP_E2E_KEEP_DIR: join(dir, 'homes'),
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('close', (code, signal) => {
      const log = Buffer.concat(out).toString('utf8');
      writeFileSync(join(dir, 'output.log'), log);
      done({ code: code ?? 1, signal, ms: Date.now() - started, log });
    });
  });
}

const readReport = (dir) => {
  const file = join(dir, 'report.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { files: [], unhandledErrors: [] };
};

/** The failures a run's report holds: failed tests, files that failed outside a test, unhandled errors. */
function failuresOf(dir, run) {
  const report = readReport(dir);
  const found = [];
  for (const f of report.files) {
    const failed = f.tests.filter((t) => t.status === 'failed');
    for (const t of failed) found.push({ run, file: f.file, test: t.name, evidence: t.errors.join('\n') });
    if (f.errors.length > 0 || (f.status === 'failed' && failed.length === 0))
      found.push({ run, file: f.file, test: '(the file, outside its tests)', evidence: f.errors.join('\n') });
  }
  for (const e of report.unhandledErrors)
    found.push({ run, file: '(the run)', test: 'an unhandled error', evidence: e });
  return found;
}

/** Per file of a run's report: its wall time in ms. */
function fileTimes(dir) {
  return Object.fromEntries(readReport(dir).files.map((f) => [f.file, f.ms]));
}

const firstLines = (text, n) => text.split('\n').slice(0, n).join('\n');

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = opts.out ?? join(REPO, '.cache/flake-hunt', stamp);
  mkdirSync(out, { recursive: true });
  const say = opts.json ? (line) => console.error(line) : (line) => console.log(line);
  say(
    `flake-hunt: ${opts.files.length} file(s)${opts.name ? `, tests matching ${JSON.stringify(opts.name)}` : ''}, ${opts.runs} run(s), ${opts.busy} busy loop(s); evidence in ${relative(process.cwd(), out) || '.'}`,
  );
  const stopBusy = busyLoops(opts.busy);
  const runs = [];
  for (let run = 1; run <= opts.runs; run++) {
    const dir = join(out, `run-${run}`);
    mkdirSync(dir, { recursive: true });
    const r = await vitestRun(opts.files, opts.name, dir);
    let failures = failuresOf(dir, run);
    if (r.code !== 0 && failures.length === 0) {
      // vitest failed with no failed test in its report: an unhandled error, a crashed worker.
      failures = [{ run, file: '(the run)', test: `vitest exited ${r.code}`, evidence: r.log.slice(-4000) }];
    }
    if (failures.length === 0) rmSync(join(dir, 'homes'), { recursive: true, force: true });
    runs.push({ run, ms: r.ms, passed: failures.length === 0, failures, files: fileTimes(dir) });
    say(
      `run ${run}/${opts.runs}: ${failures.length === 0 ? 'passed' : `FAILED (${failures.length})`} in ${(r.ms / 1000).toFixed(1)} s`,
    );
    for (const f of failures) {
      say(`  ✗ ${f.file} › ${f.test}`);
      say(`${firstLines(f.evidence, 25).replace(/^/gm, '      ')}`);
    }
  }
  stopBusy();

  const failed = runs.filter((r) => !r.passed);
  const perFile = {};
  for (const file of opts.files.map((f) => relative(REPO, resolve(f)))) {
    const times = runs.map((r) => r.files[file]).filter((t) => t !== undefined);
    const bad = runs.filter((r) => r.failures.some((f) => f.file === file)).map((r) => r.run);
    perFile[file] = {
      passed: opts.runs - bad.length,
      runs: opts.runs,
      failedRuns: bad,
      medianMs: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? null,
      maxMs: times.length ? Math.max(...times) : null,
    };
  }
  const summary = {
    files: perFile,
    runs: opts.runs,
    busy: opts.busy,
    passedRuns: runs.length - failed.length,
    failures: failed.flatMap((r) => r.failures),
    evidence: out,
  };
  say('');
  for (const [file, s] of Object.entries(perFile))
    say(
      `${s.passed}/${s.runs} ${file}  (median ${((s.medianMs ?? 0) / 1000).toFixed(1)} s, max ${((s.maxMs ?? 0) / 1000).toFixed(1)} s)${s.failedRuns.length ? `  failed in run ${s.failedRuns.join(', ')}` : ''}`,
    );
  say(
    failed.length === 0
      ? `flake-hunt: ${runs.length} of ${runs.length} runs passed with ${opts.busy} busy loop(s)`
      : `flake-hunt: ${failed.length} of ${runs.length} runs FAILED; each failed run's output, report and homes are in ${out}`,
  );
  if (opts.json) console.log(JSON.stringify(summary, null, 2));
  process.exitCode = failed.length === 0 ? 0 : 1;
}

await main();
