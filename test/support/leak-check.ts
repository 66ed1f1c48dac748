import { afterAll, expect } from 'vitest';
import { trackFailures } from './file-failures.js';
import { createdHomes } from './home-registry.js';
import { killAll } from './processes.js';

/**
 * After each test file: no process may still run with a WTP_HOME the file created
 * (daemons, hosts and agents all inherit it). Leftovers are killed and the file fails.
 */
trackFailures();

afterAll(() => {
  for (const h of createdHomes) h.recordCliStarts(); // homes a test left for the run's teardown
  const leaked = [...createdHomes].flatMap((h) => h.processes().map((pid) => ({ pid, home: h.dir })));
  createdHomes.clear();
  killAll(leaked.map((l) => l.pid));
  expect(leaked, 'processes left running by this test file').toEqual([]);
});
