import { defineConfig } from 'vitest/config';

// WTP_TEST_JSON=<file>: vitest's JSON report too, with each file's time (.ci/run's table, the test ledger).
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
    ...(json ? { reporters: ['default', ['json', { outputFile: json }]] } : {}),
  },
});
