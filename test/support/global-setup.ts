import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { killAll, processesWithHome, TEST_HOME_PREFIX } from './processes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder under which this test run creates every WTP_HOME. */
    wtpTestRoot: string;
  }
}

/**
 * Runs around the whole test run: gives it its own root folder for WTP_HOMEs, and
 * afterwards kills any process still carrying one of them (a daemon, host or agent a
 * crashed worker left) and fails the run. Other runs on the same machine are not touched.
 */
export default function setup(project: TestProject): () => void {
  const root = mkdtempSync(join(tmpdir(), `${TEST_HOME_PREFIX}run-`));
  project.provide('wtpTestRoot', root);
  const ours = (home: string): boolean => home.startsWith(`${root}/`);
  return () => {
    const leaked = processesWithHome(ours);
    killAll(leaked);
    rmSync(root, { recursive: true, force: true });
    if (leaked.length === 0) return;
    process.exitCode = 1;
    throw new Error(`tests left ${leaked.length} process(es) running: ${leaked.join(', ')}`);
  };
}
