import { describe, expect, it } from 'vitest';
import { warningsOf, type ConflictReport } from '../../web/src/review/radar-warnings.js';

type Pair = ConflictReport['pairs'][number];
const pair = (a: [string, string | null], b: [string, string | null], files: string[]): Pair => ({
  a: a[0],
  aAgent: a[1],
  b: b[0],
  bAgent: b[1],
  conflicting: files.length > 0,
  conflicts: files.map((path) => ({ path, kind: 'content', hunks: [] })),
  overlapping: [],
});

describe('the fleet’s conflict warnings', () => {
  it('belong to agents by id: two agents named api in two repositories keep their own', () => {
    const report: ConflictReport = {
      branches: [],
      pairs: [
        pair(['api', 'ag-1'], ['web', 'ag-2'], ['app.ts']), // shop
        pair(['api', 'ag-1'], ['main', null], ['README']),
        pair(['api', 'ag-7'], ['docs', 'ag-8'], []), // blog: merges cleanly
      ],
      mergeOrder: { order: [], notes: [] },
    };
    const w = warningsOf(report);
    expect([...w.keys()].sort()).toEqual(['ag-1', 'ag-2']);
    expect(w.get('ag-1')).toEqual({ agent: 'api', with: ['web', 'main'], files: ['app.ts', 'README'] });
    expect(w.get('ag-2')).toEqual({ agent: 'web', with: ['api'], files: ['app.ts'] });
    expect(w.has('ag-7')).toBe(false);
  });
});
