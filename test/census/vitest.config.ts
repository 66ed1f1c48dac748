import { defineConfig } from 'vitest/config';

/** The census (`npm run census -- <vendor>`): not part of `npm test`; it writes corpus files. */
export default defineConfig({
  test: {
    include: ['test/census/*.census.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
