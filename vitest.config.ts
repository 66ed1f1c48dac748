import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { LedgerSequencer } from './test/support/sequencer.js';

// WTP_TEST_JSON=<file>: the run report too (test/support/run-reporter.ts): each file's wall time and
// its tests, for .ci/run's time table, the test ledger and the flake hunt.
const json = process.env.WTP_TEST_JSON;

/**
 * The unit tests beside the code (src/), and those of them that need a worker of their own: they
 * mock a module (vi.mock), or make better-sqlite3 objects that become garbage, which abort Node.js
 * 24 when its collector finalizes them (src/adapters/sqlite/pinned-database.ts) — in a worker that
 * lives on, a later file's collection would.
 */
const unitTests = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('src', f));
const alone = unitTests.filter((f) =>
  /\bvi\.(?:do)?[mM]ock\(|^import (?!type )[^;]*from 'better-sqlite3'/m.test(readFileSync(f, 'utf8')),
);

// The tests never leave the machine, and Node parses NODE_EXTRA_CA_CERTS at every start (Debian's
// bundle: ~65 ms of CPU per process, against ~30 ms for the rest of a bare start). The workers and
// every daemon, host, hook, CLI call and agent they start inherit this environment.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    // Integration and e2e tests start real daemons, hosts and agents, and mostly wait on them: with two
    // workers on 2 cores the machine was busy 76% of `npm test` (CPU sampled every 10 s).
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test file that leaves processes behind fails (test/support/leak-check.ts); the global
    // teardown kills anything a crashed worker left and fails the run.
    setupFiles: ['test/support/leak-check.ts'],
    // The built bundle, which tests run `wtp` calls through in-process (test/support/in-process-cli.ts),
    // is loaded by Node itself, as bin/wtp.js loads it.
    server: { deps: { external: [/\/dist\/[^/]+\.js$/, /\/dist\/chunks\//] } },
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LedgerSequencer },
    ...(json ? { reporters: ['default', ['./test/support/run-reporter.ts', { outputFile: json }]] } : {}),
    projects: [
      // Each test file runs in a worker that earlier files of its project used, with their modules
      // already imported, but for those of `alone`: importing anew for each file took 77 s of the
      // unit suite's wall (28 s shared), and about 0.65 CPU-s per file of test/.
      // Projects run in the order of their names, the slow files first: e2e, isolated, unit.
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts', 'bench/**/*.test.ts'], isolate: false },
      },
      { extends: true, test: { name: 'isolated', include: alone } },
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: alone, isolate: false },
      },
    ],
  },
});
