import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guides } from '../support/doc-files.js';
import { REPO } from '../support/harness.js';

/**
 * What the console-block tests cannot see in the prose of README.md and the guides: claims that
 * something is not built, performance figures without their result file, links to nothing.
 */

const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');

/** Markdown without its code blocks (their text is tested by running it). */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```$/gm, '');

describe('README.md and the guides', () => {
  it('claim nothing is "not yet built" (every feature they name has its command)', () => {
    const claims = guides().flatMap((f) =>
      prose(read(f))
        .split('\n')
        .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
        .filter(({ line }) => /not (?:yet )?(?:built|implemented)|not built yet|coming soon/i.test(line)),
    );
    expect(claims).toEqual([]);
  });

  it('take every performance figure from a committed result file, named with the command that wrote it', () => {
    const section = /^## Performance\n([\s\S]*?)^## /m.exec(read('README.md'))?.[1] ?? '';
    const rows = section.split('\n').filter((l) => /^\| .*bench-results\//.test(l));
    expect(rows.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const row of rows) {
      const file = /\]\((docs\/bench-results\/[^)]+\.json)\)/.exec(row)?.[1];
      expect(row, 'a figure without its result file').toMatch(/`npm run -s bench -- --only \w+`/);
      if (!file || !existsSync(join(REPO, file))) {
        missing.push(`${row}: no file ${file ?? ''}`);
        continue;
      }
      // Every number the row shows (figure and setting) is a number of its file, at the precision shown.
      const numbers = [...read(file).matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
      const [figure = '', measured = ''] = row.split('|').slice(1, 3);
      for (const shown of `${figure} ${measured}`.replace(/(\d),(\d{3})/g, '$1$2').match(/\d+(?:\.\d+)?/g) ??
        []) {
        const decimals = shown.split('.')[1]?.length ?? 0;
        if (!numbers.some((n) => n.toFixed(decimals) === shown))
          missing.push(`${shown} in "${figure.trim()}"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('link to files that exist', () => {
    /** Written by changes merged together with these guides (the reference, the plan format). */
    const broken = guides().flatMap((f) =>
      [...prose(read(f)).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1] ?? '')
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => join(dirname(f), target))
        .filter((path) => !existsSync(join(REPO, path)))
        .map((path) => `${f} → ${path}`),
    );
    expect(broken).toEqual([]);
  });
});
