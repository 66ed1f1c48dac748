import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { GitReview, PairPrediction, WorktreeSnapshot } from '../ports/git.js';
import type { AgentState } from '../../protocol/agent.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';

/**
 * The conflict radar (DESIGN §6): which agent branches would conflict with each other or with
 * their base (`git merge-tree --write-tree`, through the review port) — each branch as its worktree
 * is now, uncommitted and untracked changes included — which files they both change without
 * conflicting (overlap), the `conflict.predicted` / `conflict.cleared` events, and the order in
 * which the branches merge with the fewest conflicts. Branches without changes are left out. Every
 * decision of the radar is in this file; the git adapter only runs git.
 */

export interface ConflictReport {
  /** Every agent branch looked at: whether it is still at work, has uncommitted changes, has changes at all. */
  branches: {
    agent: string;
    agentId: string;
    branch: string;
    running: boolean;
    uncommitted: boolean;
    changed: boolean;
    /** Its work is all in the base already (merged by any strategy): nothing to merge. */
    landed: boolean;
  }[];
  /** Every pair of agent branches with changes, and each with its base, sides named by agent (id: null for the base). */
  pairs: (PairPrediction & { aAgent: string | null; bAgent: string | null; conflicting: boolean })[];
  /** Every agent with changes, in the order that merges with fewest conflicts: finished ones first. */
  mergeOrder: { order: string[]; notes: string[] };
}

/** The radar runs again this long after the last agent with a branch went idle. */
export const RADAR_DEBOUNCE_MS = 2_000;

/** Stands for the base branch among agent names when the merge order is worked out (no name has a space). */
const BASE = ' base';

/** The agent is still at work: its branch may change before it is merged. */
function atWork(state: AgentState): boolean {
  return state !== 'idle' && state !== 'exited' && state !== 'crashed';
}

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

/** One agent's branch in a radar pass: the ref compared (its branch, or a snapshot of its worktree). */
interface Side {
  agent: AgentRecord;
  branch: string;
  snap: WorktreeSnapshot;
  running: boolean;
}

export class ConflictRadar {
  /** Pairs known to conflict, by "repo\u0000branch a\u0000branch b", to emit conflict.predicted / conflict.cleared once. */
  private readonly conflicting = new Map<string, string[]>();
  /** The report of the radar's last run, and its first run while one is asked for (`cached`). */
  private lastReport: ConflictReport | null = null;
  private firstRun: Promise<ConflictReport> | null = null;
  private timer: TimerHandle | null = null;

  constructor(private readonly d: RadarDeps) {}

  /**
   * Takes each agent's worktree as it is (a snapshot commit when it has uncommitted changes),
   * leaves out branches without changes, runs `git merge-tree --write-tree` between every pair of
   * the others and between each and its base; records conflict.predicted when a pair starts to
   * conflict and conflict.cleared when it stops (or drops out).
   */
  async radar(): Promise<ConflictReport> {
    // Every agent's branch counts until the agent is removed: exited agents' work is still to merge.
    const agents = this.d.registry.all().filter((a) => a.worktree?.branch);
    const byRepo = new Map<string, AgentRecord[]>();
    for (const a of agents) {
      const repo = a.worktree?.repo ?? '';
      byRepo.set(repo, [...(byRepo.get(repo) ?? []), a]);
    }
    const report: ConflictReport = { branches: [], pairs: [], mergeOrder: { order: [], notes: [] } };
    const events: NewEvent[] = [];
    for (const [repo, list] of byRepo) await this.repoPass(repo, list, report, events);
    if (events.length > 0) await this.d.registry.record(events);
    this.lastReport = report;
    return report;
  }

  /** One repository's part of a radar pass, added to `report` (and its events to `events`). */
  private async repoPass(
    repo: string,
    list: AgentRecord[],
    report: ConflictReport,
    events: NewEvent[],
  ): Promise<void> {
    const base = list[0]?.worktree?.base ?? 'HEAD';
    const worktrees = list.flatMap((a) => (a.worktree ? [a.worktree] : []));
    const snaps = await this.d.review.snapshot(worktrees, base);
    const sides: Side[] = list.map((agent, i) => ({
      agent,
      branch: agent.worktree?.branch ?? '',
      snap: snaps[i] ?? { ref: agent.worktree?.branch ?? '', uncommitted: false, changed: true },
      running: atWork(agent.state),
    }));
    for (const { agent, branch, snap, running } of sides) {
      const { uncommitted, changed } = snap;
      const landed = snap.landed === true;
      report.branches.push({
        agent: agent.name,
        agentId: agent.id,
        branch,
        running,
        uncommitted,
        changed,
        landed,
      });
    }
    const changed = sides.filter((s) => s.snap.changed);
    // Refs are unique within a repository, not across repositories.
    const sideOf = new Map(changed.map((s) => [s.snap.ref, s]));
    const nameOf = (ref: string): string => sideOf.get(ref)?.agent.name ?? ref;
    const branchOf = (ref: string): string => sideOf.get(ref)?.branch ?? ref;
    const refs = changed.map((s) => s.snap.ref);
    const predictions = refs.length === 0 ? [] : await this.d.review.predict(repo, refs, base);
    const seen = new Set<string>();
    for (const p of predictions) {
      const [a, b] = [sideOf.get(p.a), sideOf.get(p.b)];
      const names: [string, string] = [nameOf(p.a), nameOf(p.b)];
      report.pairs.push({
        ...p,
        a: names[0],
        b: names[1],
        aAgent: a?.agent.id ?? null,
        bAgent: b?.agent.id ?? null,
        conflicting: p.conflicts.length > 0,
      });
      const key = `${repo}\u0000${branchOf(p.a)}\u0000${branchOf(p.b)}`;
      seen.add(key);
      const anchor = a?.agent ?? b?.agent;
      if (anchor) this.noteChange(key, p.conflicts, anchor, names, events);
    }
    this.clearGone(repo, seen, sides, events);
    // The merge order by agent name; the base stands for itself.
    const named = predictions.map((p) => ({
      ...p,
      a: sideOf.get(p.a)?.agent.name ?? BASE,
      b: sideOf.get(p.b)?.agent.name ?? BASE,
    }));
    const later = new Set(changed.filter((s) => s.running).map((s) => s.agent.name));
    const order = suggestMergeOrder(
      changed.map((s) => s.agent.name),
      named,
      later,
    );
    report.mergeOrder.order.push(...order.order);
    report.mergeOrder.notes.push(...order.notes, ...stateNotes(sides, order.order));
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
    conflicts: PairPrediction['conflicts'],
    anchor: AgentRecord,
    [a, b]: [string, string],
    events: NewEvent[],
  ): void {
    const files = conflicts.map((c) => c.path);
    if (files.length > 0 && this.conflicting.get(key)?.join('\n') !== files.join('\n')) {
      this.conflicting.set(key, files);
      events.push(agentEvent(anchor, 'policy', 'conflict.predicted', { a, b, files }));
    } else if (files.length === 0 && this.conflicting.has(key)) {
      this.conflicting.delete(key);
      events.push(agentEvent(anchor, 'policy', 'conflict.cleared', { a, b }));
    }
  }

  /** conflict.cleared for a conflicting pair of this repository that is no longer compared (a side has no changes now). */
  private clearGone(repo: string, seen: Set<string>, sides: Side[], events: NewEvent[]): void {
    for (const key of [...this.conflicting.keys()]) {
      const [r, a = '', b = ''] = key.split('\u0000');
      if (r !== repo || seen.has(key)) continue;
      this.conflicting.delete(key);
      const [sa, sb] = [sides.find((s) => s.branch === a), sides.find((s) => s.branch === b)];
      const anchor = sa?.agent ?? sb?.agent;
      if (anchor) {
        const data = { a: sa?.agent.name ?? a, b: sb?.agent.name ?? b };
        events.push(agentEvent(anchor, 'policy', 'conflict.cleared', data));
      }
    }
  }
}

/** Notes on the merge order: which are still running, which have uncommitted work, which have no changes. */
function stateNotes(sides: Side[], order: string[]): string[] {
  const inOrder = (pick: (s: Side) => boolean) =>
    order.filter((n) => sides.some((s) => s.agent.name === n && pick(s)));
  const notes: string[] = [];
  const running = inOrder((s) => s.running);
  if (running.length > 0)
    notes.push(`Still running: ${running.join(', ')}; their branches may change before they are merged.`);
  const uncommitted = inOrder((s) => s.snap.uncommitted);
  if (uncommitted.length > 0)
    notes.push(
      `Uncommitted changes (compared as they are): ${uncommitted.join(', ')}; merge with --commit MSG to commit them first.`,
    );
  const landed = sides.filter((s) => s.snap.landed === true).map((s) => s.agent.name);
  if (landed.length > 0)
    notes.push(`Merged already: ${landed.join(', ')} (all of its work is in the base; nothing to merge).`);
  const none = sides.filter((s) => !s.snap.changed && s.snap.landed !== true).map((s) => s.agent.name);
  if (none.length > 0) notes.push(`No changes: ${none.join(', ')} (nothing to compare or merge).`);
  return notes;
}

export interface MergeOrderSuggestion {
  /** The branches in the order to merge them into the base, one by one. */
  order: string[];
  /** Merges that would conflict in the order given but not in the suggested one. */
  conflictsAvoided: number;
  notes: string[];
}

/**
 * Suggests an order for merging finished branches one by one into the base so that as few merges as
 * possible conflict (with the base, or with a branch merged before). Greedy: branches that conflict
 * with nothing first, then the fewest conflicts among the rest, those conflicting with the base last;
 * ties by name, so it is deterministic. In `predictions`, a ref not in `branches` is the base and a
 * pair naming no branch is ignored. Branches in `later` (still being worked on) come after all the
 * others, ordered among themselves the same way.
 */
export function suggestMergeOrder(
  branches: string[],
  predictions: PairPrediction[],
  later: ReadonlySet<string> = new Set(),
): MergeOrderSuggestion {
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
  const tier = (n: string) => (later.has(n) ? 1 : 0);
  const byTier = (x: string, y: string) => tier(x) - tier(y);
  const neighbours = (n: string) => edges.get(n) ?? new Map<string, string[]>();

  const order: string[] = [];
  const chosen = new Set<string>();
  let pool = names.filter((n) => !baseConflicts.has(n)).sort(byName);
  while (pool.length > 0) {
    const now = Math.min(...pool.map(tier));
    const tierPool = pool.filter((n) => tier(n) === now);
    // Candidates merge cleanly now; among them pick the one blocking the fewest other candidates.
    const clean = tierPool.filter((n) => ![...neighbours(n).keys()].some((m) => chosen.has(m)));
    const from = clean.length > 0 ? clean : tierPool;
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
  const last = [...baseConflicts.keys()].sort((x, y) => byTier(x, y) || byName(x, y));
  order.push(...last);

  // Greedy is not optimal on every graph: never suggest worse than the given order (base-conflicting
  // last, those still at work after the others).
  const given = conflictingMerges(names, neighbours, baseConflicts);
  const fallback = [...names.filter((n) => !baseConflicts.has(n)).sort(byTier), ...last];
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
