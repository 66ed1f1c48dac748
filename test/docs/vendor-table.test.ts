import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCREENS_ONLY } from '../../src/protocol/version-range.js';
import { VENDORS } from '../../src/vendors/registry.js';
import { markedTable } from '../support/doc-files.js';
import { REPO } from '../support/harness.js';

/** The rows of the table after `<!-- vendor-table` in a document: profile → [tested, signals]. */
function vendorTable(doc: string): Map<string, { tested: string; signals: string }> {
  const rows = new Map<string, { tested: string; signals: string }>();
  for (const cells of markedTable(readFileSync(join(REPO, doc), 'utf8'), 'vendor-table')) {
    const profile = /\(`([\w-]+)`\)/.exec(cells[0] ?? '')?.[1];
    if (profile) rows.set(profile, { tested: cells[1] ?? '', signals: cells[2] ?? '' });
  }
  return rows;
}

describe.each(['README.md', 'docs/states.md'])('%s vendor table', (doc) => {
  it('shows every agent CLI with its tested versions (or "screens only, not run") and signals', () => {
    const table = vendorTable(doc);
    const clis = VENDORS.filter((v) => v.profile.binary !== null);
    expect([...table.keys()]).toEqual(clis.map((v) => v.profile.name));
    for (const { profile, testedVersions } of clis) {
      expect(table.get(profile.name), profile.name).toEqual({
        tested: testedVersions.length === 0 ? SCREENS_ONLY : testedVersions.join(', '),
        signals: profile.signals.join(' > '),
      });
    }
  });
});
