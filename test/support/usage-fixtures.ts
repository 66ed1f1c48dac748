import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addCounts, zeroCounts, type TokenCounts } from '../../src/core/usage/token-counts.js';
import { newTally, type FileTally, type LineOutcome } from '../../src/core/usage/usage-tally.js';

/** test/fixtures/usage/<vendor>/<version>/: session files recorded from the pinned CLI (record.ts). */
export const USAGE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'usage');

/** The versions recorded for a vendor. */
export const fixtureVersions = (vendor: string): string[] =>
  readdirSync(join(USAGE_FIXTURES, vendor)).filter((n) => /^\d/.test(n));

/** The session files and the numbers the scripted server sent (expected.json) of one recording. */
export function usageFixture<T>(
  vendor: string,
  version: string,
): { lines: string[]; expected: { model: string; turns: T[] } } {
  const dir = join(USAGE_FIXTURES, vendor, version);
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .sort();
  const lines = files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
  return {
    lines,
    expected: JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { model: string; turns: T[] },
  };
}

/** Feeds lines to a reader; the tally, the deltas' sum and the refusals. */
export function readAll(
  lines: readonly string[],
  read: (line: string, tally: FileTally) => LineOutcome,
  tally: FileTally = newTally(),
): { tally: FileTally; sum: TokenCounts; refused: string[] } {
  let sum = zeroCounts();
  const refused: string[] = [];
  for (const l of lines) {
    const out = read(l, tally);
    for (const d of out.deltas) sum = addCounts(sum, d.counts);
    if (out.refused) refused.push(out.refused);
  }
  return { tally, sum, refused };
}
