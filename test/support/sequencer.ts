import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Each test file's time in seconds, as the test ledger last measured it (`npm run ledger`). */
const DURATIONS = join(import.meta.dirname, '..', 'durations.json');
const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Runs the longest files first, by the ledger's durations: a clean clone has no vitest cache, and
 * ordered by size a minutes-long file could start last and hold the run while the other worker idles.
 * Files the ledger does not know yet run first of all (a new file may well be a slow one). Projects
 * keep vitest's order, by name (vitest.config.ts: test/ first, the unit tests fill the end).
 */
export class LedgerSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    if (!existsSync(DURATIONS)) return base;
    const known = JSON.parse(readFileSync(DURATIONS, 'utf8')) as Record<string, number>;
    const projects = [...new Set(base.map((f) => f.project.name))];
    const time = (f: TestSpecification): number => known[relative(ROOT, f.moduleId)] ?? Infinity;
    return base
      .map((f, i) => ({ f, i, p: projects.indexOf(f.project.name), t: time(f) }))
      .sort((a, b) => a.p - b.p || (a.t === b.t ? a.i - b.i : b.t - a.t))
      .map(({ f }) => f);
  }
}
