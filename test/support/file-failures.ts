import { beforeAll, beforeEach } from 'vitest';

/**
 * Whether a test of this file has failed so far: evidence dumps (the agents' events, `wtp why`,
 * their screens) then print in CI too, where the failure may not come back.
 */
let failed = false;

export const anyTestFailed = (): boolean => failed;

/** Registered once per test file by the setup file. */
export function trackFailures(): void {
  // Files may share this module in a worker (isolate: false): an earlier file's failure is not this one's.
  beforeAll(() => {
    failed = false;
  });
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });
}
