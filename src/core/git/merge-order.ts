import type { PairPrediction } from '../ports/git.js';

export interface MergeOrderSuggestion {
  /** The branches in the order to merge them into the base, one by one. */
  order: string[];
  /** Merges that would conflict in the order given but not in the suggested one. */
  conflictsAvoided: number;
  notes: string[];
}

/**
 * Suggests an order for merging finished branches one by one into the base so that as few merges
 * as possible conflict. A merge conflicts when its branch conflicts with the base or with a branch
 * merged before it. Greedy: branches that conflict with nothing first, then the ones with the
 * fewest conflicts among the rest (each pick pushes its conflicting neighbours later); branches
 * that conflict with the base itself go last. Deterministic: ties are broken by name.
 *
 * `predictions` are pairs between branches and between a branch and the base (any ref not in
 * `branches`); pairs naming no branch are ignored.
 */
export function suggestMergeOrder(branches: string[], predictions: PairPrediction[]): MergeOrderSuggestion {
  const names = [...new Set(branches)];
  const known = new Set(names);
  const edges = new Map<string, Map<string, string[]>>(names.map((n) => [n, new Map()]));
  const baseConflicts = new Map<string, string[]>();
  for (const p of predictions) {
    if (p.conflicts.length === 0) continue;
    const files = p.conflicts.map((c) => c.path);
    if (known.has(p.a) && known.has(p.b)) {
      if (p.a === p.b) continue;
      edges.get(p.a)?.set(p.b, files);
      edges.get(p.b)?.set(p.a, files);
    } else if (known.has(p.a) || known.has(p.b)) {
      const branch = known.has(p.a) ? p.a : p.b;
      baseConflicts.set(branch, [...(baseConflicts.get(branch) ?? []), ...files]);
    }
  }
  const byName = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const neighbours = (n: string) => edges.get(n) ?? new Map<string, string[]>();

  const order: string[] = [];
  const chosen = new Set<string>();
  let pool = names.filter((n) => !baseConflicts.has(n)).sort(byName);
  while (pool.length > 0) {
    // Candidates merge cleanly now; among them pick the one blocking the fewest other candidates.
    const clean = pool.filter((n) => ![...neighbours(n).keys()].some((m) => chosen.has(m)));
    const from = clean.length > 0 ? clean : pool;
    const inFrom = new Set(from);
    const score = (n: string) => {
      const nb = [...neighbours(n).keys()];
      return [nb.filter((m) => chosen.has(m)).length, nb.filter((m) => inFrom.has(m)).length];
    };
    const pick = [...from].sort((x, y) => {
      const [sx, sy] = [score(x), score(y)];
      return (sx[0] as number) - (sy[0] as number) || (sx[1] as number) - (sy[1] as number) || byName(x, y);
    })[0] as string;
    order.push(pick);
    chosen.add(pick);
    pool = pool.filter((n) => n !== pick);
  }
  const last = [...baseConflicts.keys()].sort(byName);
  order.push(...last);

  // Greedy is not optimal on every graph: never suggest worse than the given order (base-conflicting last).
  const given = conflictingMerges(names, neighbours, baseConflicts);
  const fallback = [...names.filter((n) => !baseConflicts.has(n)), ...last];
  const cost = (o: string[]) => conflictingMerges(o, neighbours, baseConflicts).length;
  const best = cost(fallback) < cost(order) ? fallback : order;
  const steps = conflictingMerges(best, neighbours, baseConflicts);

  const notes: string[] = [];
  for (const n of best) {
    const base = baseConflicts.get(n);
    if (base) {
      notes.push(
        `${n} conflicts with the base itself (${unique(base).join(', ')}): merge it last, after updating it.`,
      );
      continue;
    }
    const earlier = best.slice(0, best.indexOf(n)).filter((m) => neighbours(n).has(m));
    if (earlier.length > 0) {
      const files = unique(earlier.flatMap((m) => neighbours(n).get(m) ?? []));
      notes.push(`${n} conflicts with ${earlier.join(', ')} (merged before it) in ${files.join(', ')}.`);
    }
  }
  return { order: best, conflictsAvoided: given.length - steps.length, notes };
}

/** The branches whose merge would conflict when merged in this order. */
function conflictingMerges(
  order: string[],
  neighbours: (n: string) => Map<string, string[]>,
  baseConflicts: Map<string, string[]>,
): string[] {
  const merged = new Set<string>();
  const out: string[] = [];
  for (const n of order) {
    if (baseConflicts.has(n) || [...neighbours(n).keys()].some((m) => merged.has(m))) out.push(n);
    merged.add(n);
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}
