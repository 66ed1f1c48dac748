import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { GitReview, PairPrediction } from '../ports/git.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';

/**
 * The conflict radar (DESIGN §6): which live agent branches would conflict with each other or with
 * their base (`git merge-tree --write-tree`, through the review port), which files they both
 * change without conflicting (overlap), the `conflict.predicted` / `conflict.cleared` events, and
 * the order in which finished branches merge with the fewest conflicts. Every decision of the
 * radar is in this file; the git adapter only runs git.
 */

export interface ConflictReport {
  /** Every pair of live agent branches, and each branch with its base, sides named by agent (id: null for the base). */
  pairs: (PairPrediction & { aAgent: string | null; bAgent: string | null; conflicting: boolean })[];
  /** Agents whose work is done (idle or exited), in the order that merges with fewest conflicts. */
  mergeOrder: { order: string[]; notes: string[] };
}

/** The radar runs again this long after the last agent with a branch went idle. */
export const RADAR_DEBOUNCE_MS = 2_000;

/** Files both sides changed since their merge-base that do not conflict: they overlap, yet merge. */
export function overlappingFiles(
  changedA: string[],
  changedB: string[],
  conflicted: Iterable<string>,
): string[] {
  const inB = new Set(changedB);
  const conflicts = new Set(conflicted);
  return changedA.filter((p) => inB.has(p) && !conflicts.has(p)).sort();
}

export interface RadarDeps {
  registry: AgentRegistry;
  review: GitReview;
  clock: Clock;
  log: Logger;
}

export class ConflictRadar {
  /** Pairs known to conflict, by "repo\u0000a\u0000b", to emit conflict.predicted / conflict.cleared once. */
  private readonly conflicting = new Map<string, string[]>();
  /** The report of the radar's last run, and its first run while one is asked for (`cached`). */
  private lastReport: ConflictReport | null = null;
  private firstRun: Promise<ConflictReport> | null = null;
  private timer: TimerHandle | null = null;

  constructor(private readonly d: RadarDeps) {}

  /**
   * Runs `git merge-tree --write-tree` between every pair of agent branches of a repository and
   * between each branch and its base; records conflict.predicted when a pair starts to conflict
   * and conflict.cleared when it stops.
   */
  async radar(): Promise<ConflictReport> {
    // Every agent's branch counts until the agent is removed: exited agents' work is still to merge.
    const agents = this.d.registry.all().filter((a) => a.worktree?.branch);
    const byRepo = new Map<string, AgentRecord[]>();
    for (const a of agents) {
      const repo = a.worktree?.repo ?? '';
      byRepo.set(repo, [...(byRepo.get(repo) ?? []), a]);
    }
    const pairs: ConflictReport['pairs'] = [];
    const mergeOrder: ConflictReport['mergeOrder'] = { order: [], notes: [] };
    const events: NewEvent[] = [];
    for (const [repo, list] of byRepo) {
      const base = list[0]?.worktree?.base ?? 'HEAD';
      // Branches are unique within a repository, not across repositories.
      const agentOf = new Map(list.map((a) => [a.worktree?.branch ?? '', a]));
      const nameOf = (ref: string): string => agentOf.get(ref)?.name ?? ref;
      const refs = list.map((a) => a.worktree?.branch ?? '');
      const predictions = await this.d.review.predict(repo, refs, base);
      for (const p of predictions) {
        const conflicting = p.conflicts.length > 0;
        pairs.push({
          ...p,
          a: nameOf(p.a),
          b: nameOf(p.b),
          aAgent: agentOf.get(p.a)?.id ?? null,
          bAgent: agentOf.get(p.b)?.id ?? null,
          conflicting,
        });
        const anchor = agentOf.get(p.a) ?? list[0];
        if (anchor) this.noteChange(`${repo}\u0000${p.a}\u0000${p.b}`, p, anchor, nameOf, events);
      }
      const doneBranches = list
        .filter((a) => a.state === 'idle' || a.state === 'exited')
        .map((a) => a.worktree?.branch ?? '');
      // Only pairs among finished branches and with the base: a branch still being worked on is
      // not to be merged yet (and is not the base either).
      const working = new Set(refs.filter((r) => !doneBranches.includes(r)));
      const relevant = predictions.filter((p) => !working.has(p.a) && !working.has(p.b));
      const order = suggestMergeOrder(doneBranches, relevant);
      mergeOrder.order.push(...order.order.map(nameOf));
      mergeOrder.notes.push(...order.notes);
    }
    if (events.length > 0) await this.d.registry.record(events);
    this.lastReport = { pairs, mergeOrder };
    return this.lastReport;
  }

  /** The report of the radar's last run without running git again; runs it once if it never ran. */
  cachedRadar(): Promise<ConflictReport> {
    if (this.lastReport) return Promise.resolve(this.lastReport);
    this.firstRun ??= this.radar().finally(() => (this.firstRun = null));
    return this.firstRun;
  }

  /** Drops the last report (an agent it names is gone): the next cached read runs the radar. */
  forgetReport(): void {
    this.lastReport = null;
  }

  /**
   * Events that change what the radar would say: an agent with a branch going idle (its turn may
   * have changed files) runs it again, debounced; a removed agent drops the cached report.
   */
  observe(e: WtpEvent): void {
    if (e.type === 'agent.removed') this.forgetReport();
    if (e.type !== 'agent.stateChanged' || e.data.to !== 'idle') return;
    if (!this.d.registry.get(e.agentId ?? '')?.worktree?.branch) return;
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = this.d.clock.setTimer(RADAR_DEBOUNCE_MS, () => {
      this.timer = null;
      this.radar().catch((err: unknown) => this.d.log.warn({ err }, 'conflict radar failed'));
    });
  }

  stop(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** conflict.predicted when a pair starts to conflict (or on other files), conflict.cleared when it stops. */
  private noteChange(
    key: string,
    p: PairPrediction,
    anchor: AgentRecord,
    nameOf: (ref: string) => string,
    events: NewEvent[],
  ): void {
    const files = p.conflicts.map((c) => c.path);
    const [a, b] = [nameOf(p.a), nameOf(p.b)];
    if (files.length > 0 && this.conflicting.get(key)?.join('\n') !== files.join('\n')) {
      this.conflicting.set(key, files);
      events.push(agentEvent(anchor, 'policy', 'conflict.predicted', { a, b, files }));
    } else if (files.length === 0 && this.conflicting.has(key)) {
      this.conflicting.delete(key);
      events.push(agentEvent(anchor, 'policy', 'conflict.cleared', { a, b }));
    }
  }
}

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
