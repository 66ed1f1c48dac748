import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration and e2e tests start real daemons, hosts and agents: keep parallelism modest on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A test that leaves processes behind fails here, not silently (test/support/global-teardown.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
