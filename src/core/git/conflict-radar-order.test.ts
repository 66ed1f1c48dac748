import { describe, expect, it } from 'vitest';
import type { PairPrediction } from '../ports/git.js';
import { suggestMergeOrder } from './conflict-radar.js';

const conflict = (a: string, b: string, path = 'f.ts'): PairPrediction => ({
  a,
  b,
  conflicts: [{ path, kind: 'content', hunks: ['1-5'] }],
  overlapping: [],
});
const clean = (a: string, b: string): PairPrediction => ({ a, b, conflicts: [], overlapping: ['x.ts'] });

describe('suggestMergeOrder', () => {
  it('keeps a conflict-free set in name order', () => {
    const r = suggestMergeOrder(['c', 'a', 'b'], [clean('a', 'b'), clean('a', 'main')]);
    expect(r).toEqual({ order: ['a', 'b', 'c'], conflictsAvoided: 0, notes: [] });
  });

  it('merges the branch conflicting with many others last', () => {
    // hub conflicts with x, y and z; merging hub first makes three merges conflict, last only one.
    const preds = [conflict('hub', 'x'), conflict('hub', 'y'), conflict('hub', 'z'), clean('x', 'y')];
    const r = suggestMergeOrder(['hub', 'x', 'y', 'z'], preds);
    expect(r.order).toEqual(['x', 'y', 'z', 'hub']);
    expect(r.conflictsAvoided).toBe(2);
    expect(r.notes).toEqual(['hub conflicts with x, y, z (merged before it) in f.ts.']);
  });

  it('puts branches conflicting with the base last, with a note', () => {
    const r = suggestMergeOrder(['a', 'b', 'c'], [conflict('a', 'main', 'api.ts'), conflict('b', 'c')]);
    expect(r.order).toEqual(['b', 'c', 'a']);
    expect(r.notes).toEqual([
      'c conflicts with b (merged before it) in f.ts.',
      'a conflicts with the base itself (api.ts): merge it last, after updating it.',
    ]);
    expect(r.conflictsAvoided).toBe(0); // a conflicts with the base wherever it goes
  });

  it('prefers the branch that blocks fewer others (independent set first)', () => {
    // Path a-b-c-d: a and c go first cleanly; then d (one conflict) before b (two).
    const preds = [conflict('a', 'b'), conflict('b', 'c'), conflict('c', 'd')];
    const r = suggestMergeOrder(['b', 'c', 'a', 'd'], preds);
    expect(r.order).toEqual(['a', 'c', 'd', 'b']);
    expect(r.conflictsAvoided).toBe(1); // given b, c, a, d: c, a and d conflict; now only d and b
  });

  it('is deterministic and ignores duplicates, self pairs and pairs naming no branch', () => {
    const preds = [conflict('a', 'a'), conflict('main', 'other'), conflict('b', 'a')];
    const one = suggestMergeOrder(['b', 'a', 'b'], preds);
    const two = suggestMergeOrder(['a', 'b'], [...preds].reverse());
    expect(one.order).toEqual(['a', 'b']);
    expect(two).toEqual({ ...one, conflictsAvoided: 0 });
    expect(one.conflictsAvoided).toBe(0);
  });

  it('puts branches still being worked on after the finished ones, in the same conflict-aware order', () => {
    // hub and y are still at work: x and z (finished) first; then y before hub, which conflicts with all.
    const preds = [conflict('hub', 'x'), conflict('hub', 'y'), conflict('hub', 'z'), conflict('w', 'main')];
    const r = suggestMergeOrder(['hub', 'w', 'x', 'y', 'z'], preds, new Set(['hub', 'y', 'w']));
    expect(r.order).toEqual(['x', 'z', 'y', 'hub', 'w']);
    const done = suggestMergeOrder(['hub', 'x', 'y'], [conflict('x', 'y')], new Set(['x']));
    expect(done.order).toEqual(['hub', 'y', 'x']);
  });

  it('handles no branches', () => {
    expect(suggestMergeOrder([], [])).toEqual({ order: [], conflictsAvoided: 0, notes: [] });
  });
});
