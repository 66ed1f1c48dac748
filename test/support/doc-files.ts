import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from './harness.js';

/** Written by tools (the reference) or notes, not guides with runnable examples. */
const NOT_GUIDES = [
  'docs/cli.md',
  'docs/config.md',
  'docs/environment.md',
  'docs/events.md',
  'docs/errors.md',
  'docs/test-ledger.md',
];

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** README.md and the hand-written guides under docs/ (paths relative to the repository). */
export function guides(): string[] {
  const docs = markdownFiles(join(REPO, 'docs'))
    .map((f) => relative(REPO, f))
    .filter((f) => !NOT_GUIDES.includes(f) && !f.startsWith('docs/research/'))
    .sort();
  return ['README.md', ...docs];
}

/** The guides with a ```console block: the documents test/docs/console-blocks.test.ts runs. */
export const runnableGuides = (): string[] =>
  guides().filter((f) => readFileSync(join(REPO, f), 'utf8').includes('```console'));

/**
 * The cells of each row of the first table after `<!-- <marker>` in a document (header and rule
 * rows included: callers skip what is not theirs).
 */
export function markedTable(text: string, marker: string): string[][] {
  const at = text.indexOf(`<!-- ${marker}`);
  if (at < 0) throw new Error(`no <!-- ${marker} --> marker`);
  const rows: string[][] = [];
  for (const line of text.slice(at).split('\n').slice(1)) {
    if (line.trim() === '') {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows;
}
