import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of .ci/, run by Node itself at the end of a CI run.
import { readBudget } from '../.ci/times.mjs';
import { REPO } from './support/harness.js';

/**
 * `.ci/budget` is read only at the very end of a CI run, after every step passed: a budget that does
 * not add up, or a step without a share, would fail the run then. Checked here, in npm test.
 */
describe('.ci/budget', () => {
  it('adds up to its total, and gives a share to each step of .ci/run and to nothing else', () => {
    const budget = readBudget() as Map<string, number>;
    const steps = [...readFileSync(join(REPO, '.ci', 'run'), 'utf8').matchAll(/^\s*step (\S+) /gm)].map(
      (m) => m[1],
    );
    expect(steps.length).toBeGreaterThan(5);
    expect([...budget.keys()].filter((id) => id !== 'total').sort()).toEqual([...steps].sort());
  });
});
