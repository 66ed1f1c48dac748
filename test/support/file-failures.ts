import { beforeEach } from 'vitest';

/**
 * Whether a test of this file has failed so far: evidence dumps (the agents' events, `wtp why`,
 * their screens) then print in CI too, where the failure may not come back.
 */
let failed = false;

export const anyTestFailed = (): boolean => failed;

/** Registered once per test file by the setup file. */
export function trackFailures(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      failed = true;
    });
  });
}
