import { killAll, processesWithHome, TEST_HOME_PREFIX } from './processes.js';

const isTestHome = (home: string): boolean => home.includes(`/${TEST_HOME_PREFIX}`);

/**
 * Runs around the whole test run. Afterwards, any process still carrying a test WTP_HOME
 * (a daemon, host or agent a test forgot) is killed and the run fails: tests must clean up.
 */
export default function setup(): () => void {
  const before = new Set(processesWithHome(isTestHome));
  return () => {
    const leaked = processesWithHome(isTestHome).filter((p) => !before.has(p));
    if (leaked.length === 0) return;
    killAll(leaked);
    process.exitCode = 1;
    throw new Error(`tests left ${leaked.length} process(es) running: ${leaked.join(', ')}`);
  };
}
