import { defineConfig } from 'vitest/config';
import { LedgerSequencer } from './test/support/sequencer.js';

// WTP_TEST_JSON=<file>: the run report too (test/support/run-reporter.ts): each file's wall time and
// its tests, for .ci/run's time table, the test ledger and the flake hunt.
const json = process.env.WTP_TEST_JSON;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Integration and e2e tests start real daemons, hosts and agents: keep parallelism modest on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test file that leaves processes behind fails (test/support/leak-check.ts); the global
    // teardown kills anything a crashed worker left and fails the run.
    setupFiles: ['test/support/leak-check.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    sequence: { sequencer: LedgerSequencer },
    ...(json ? { reporters: ['default', ['./test/support/run-reporter.ts', { outputFile: json }]] } : {}),
  },
});
