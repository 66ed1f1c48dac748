import type { AgentUsageView } from '../../protocol/usage.js';
import type { AgentRecord } from '../model/agent-record.js';
import { hasProcess } from '../model/agent-state.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { LedgerRow, UsageFiles, UsageFileState, UsageStore } from '../ports/usage.js';
import { costOf, priceOf, type PriceTable } from './prices.js';
import { addCounts, isZero, zeroCounts, type TokenCounts } from './token-counts.js';
import type { UsageLocateContext, UsageSpec } from './usage-spec.js';
import { newTally, tallyModels, type UsageDelta } from './usage-tally.js';

const HOUR = 3_600_000;

export interface UsageMeterSettings {
  /** How often live agents' session files are read. */
  readEveryMs: number;
  /** How often an agent's files are looked for again (a new session, a subagent's transcript). */
  findEveryMs: number;
  /** The most bytes read from one file per read (the rest at the next). */
  maxReadBytes: number;
}

export const DEFAULT_USAGE_SETTINGS: UsageMeterSettings = {
  readEveryMs: 5_000,
  findEveryMs: 30_000,
  maxReadBytes: 4 * 1024 * 1024,
};

/** What the meter needs of the daemon. */
export interface UsageMeterDeps {
  agents: { all(): AgentRecord[]; get(id: string): AgentRecord | undefined };
  /** The task an agent runs (or last ran) an attempt of, if any. */
  taskOf(agentId: string): string | null;
  /** How each profile's usage is read, by profile name. */
  specs: Readonly<Record<string, UsageSpec>>;
  /** Where the agent's CLI finds its files: its environment, HOME and folder. */
  locate(agent: AgentRecord): Omit<UsageLocateContext, 'sessionId' | 'cwd'>;
  files: UsageFiles;
  store: UsageStore;
  prices: () => PriceTable;
  clock: Clock;
  log: Logger;
  settings: UsageMeterSettings;
  /** Told after tokens were counted (budgets). */
  onCounted?: (rows: readonly LedgerRow[], agent: AgentRecord) => void;
}

/**
 * The usage meter: reads each agent's session files as they grow (the vendor's
 * `UsageSpec` says which and how), counts their tokens per model, and keeps the position and
 * what was counted per file in one transaction with the hourly ledger, so a daemon restart reads
 * on where it stopped and counts nothing twice. Files are looked for again now and then (a new
 * session id, a subagent's transcript); an agent without a process is read once more, then left.
 */
export class UsageMeter {
  private readonly files = new Map<string, UsageFileState>();
  private readonly byAgent = new Map<string, Set<string>>();
  private readonly ledgerRows: LedgerRow[] = [];
  /** The ledger's rows by hour, agent, task and model (the key the store adds up by). */
  private readonly ledgerIndex = new Map<string, LedgerRow>();
  private readonly found = new Map<string, { at: number; sessionId: string | null; any: boolean }>();
  /** Agents read since their process ended (left alone until it runs again). */
  private readonly settled = new Set<string>();
  private timer: TimerHandle | null = null;
  private running = false;

  constructor(private readonly d: UsageMeterDeps) {}

  start(): void {
    for (const f of this.d.store.loadFiles()) this.remember(f);
    for (const r of this.d.store.loadLedger()) this.addToLedger(r);
    this.schedule();
  }

  stop(): void {
    if (this.timer) this.d.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** The hourly ledger (every agent, removed ones too). */
  ledger(): readonly LedgerRow[] {
    return this.ledgerRows;
  }

  /** An agent's usage for its view, or null when nothing was read for it. */
  view(agentId: string): AgentUsageView | null {
    const paths = this.byAgent.get(agentId);
    if (!paths || paths.size === 0) return null;
    const states = [...paths].flatMap((p) => this.files.get(p) ?? []);
    const agent = this.d.agents.get(agentId);
    const spec = agent ? this.d.specs[agent.profile] : undefined;
    const prices = this.d.prices();
    const models = [...tallyModels(states.map((s) => s.tally))]
      .filter(([, c]) => !isZero(c))
      .map(([model, tokens]) => ({ model, tokens, costUsd: costOf(tokens, priceOf(prices, model)) }));
    const tokens = models.reduce<TokenCounts>((sum, m) => addCounts(sum, m.tokens), zeroCounts());
    const unpriced = models.filter((m) => m.costUsd === null).map((m) => m.model);
    const newest = states
      .filter((s) => s.tally.context !== null)
      .sort((a, b) => b.tally.watermark - a.tally.watermark)[0];
    const ctx = newest?.tally.context ?? null;
    const window =
      ctx === null
        ? null
        : (ctx.window ?? (ctx.model === null ? null : priceOf(prices, ctx.model)?.contextWindow) ?? null);
    const problems = states.filter((s) => s.problem !== null).sort((a, b) => b.updatedAt - a.updatedAt);
    const updated = Math.max(0, ...states.map((s) => s.updatedAt));
    return {
      tokens,
      models,
      costUsd: unpriced.length > 0 ? null : models.reduce((sum, m) => sum + (m.costUsd ?? 0), 0),
      unpricedModels: unpriced,
      context:
        ctx === null
          ? null
          : {
              used: ctx.used,
              window,
              percent: window ? Math.round((ctx.used / window) * 1000) / 10 : null,
              model: ctx.model,
            },
      exactness: spec?.exactness ?? 'exact',
      source: spec?.source ?? 'session files',
      files: states.length,
      refused: states.reduce((n, s) => n + s.refused, 0),
      problem: problems[0]?.problem ?? null,
      updatedAt: updated > 0 ? new Date(updated).toISOString() : null,
    };
  }

  /** Reads every agent's files once now (the timer's work; tests and `wtp report` call it too). */
  async readAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const agent of this.d.agents.all()) {
        const spec = this.d.specs[agent.profile];
        if (!spec) continue;
        if (hasProcess(agent.state)) this.settled.delete(agent.id);
        else if (this.settled.has(agent.id)) continue;
        try {
          this.readAgent(agent, spec);
        } catch (err) {
          this.d.log.warn({ err, agentId: agent.id }, 'usage not read');
        }
        if (!hasProcess(agent.state)) this.settled.add(agent.id);
        // Let the daemon's other work in between agents.
        await Promise.resolve();
      }
    } finally {
      this.running = false;
    }
  }

  private schedule(): void {
    this.timer = this.d.clock.setTimer(this.d.settings.readEveryMs, () => {
      void this.readAll().finally(() => {
        if (this.timer) this.schedule();
      });
    });
  }

  private remember(f: UsageFileState): void {
    this.files.set(f.path, f);
    let set = this.byAgent.get(f.agentId);
    if (!set) this.byAgent.set(f.agentId, (set = new Set()));
    set.add(f.path);
  }

  private readAgent(agent: AgentRecord, spec: UsageSpec): void {
    const now = this.d.clock.now();
    const last = this.found.get(agent.id);
    // Looked for again: a new session id, nothing found for it yet (a CLI writes its file with its
    // first message, after the hook that named the session), or now and then (subagents).
    if (
      !last ||
      last.sessionId !== agent.sessionId ||
      !last.any ||
      now - last.at >= this.d.settings.findEveryMs
    ) {
      let any = false;
      const ctx = { ...this.d.locate(agent), cwd: agent.cwd, sessionId: agent.sessionId };
      for (const q of spec.sessionFiles(ctx)) {
        for (const path of this.d.files.find(q)) {
          any = true;
          // A file is one agent's: two agents never count the same session.
          if (!this.files.has(path))
            this.remember({
              agentId: agent.id,
              path,
              profile: agent.profile,
              position: null,
              // What a session holds from before the agent existed is not its spending: a fork's or
              // a resumed session's copied history (same messages, same numbers) counts for its source.
              tally: { ...newTally(), replayUntil: agent.createdAt },
              refused: 0,
              problem: null,
              updatedAt: 0,
            });
        }
      }
      this.found.set(agent.id, { at: now, sessionId: agent.sessionId, any });
    }
    for (const path of this.byAgent.get(agent.id) ?? []) {
      const state = this.files.get(path);
      if (state) this.readFile(agent, spec, state);
    }
  }

  /** Reads what a file has after its position, in chunks, committing each. */
  private readFile(agent: AgentRecord, spec: UsageSpec, from: UsageFileState): void {
    let state = from;
    for (let chunks = 0; chunks < 64; chunks++) {
      const got = this.d.files.read(state.path, state.position, this.d.settings.maxReadBytes);
      if (got === null) return;
      const now = this.d.clock.now();
      if ('refused' in got) {
        if (state.problem !== got.refused)
          this.commit(
            agent,
            { ...state, refused: state.refused + 1, problem: got.refused, updatedAt: now },
            [],
          );
        return;
      }
      const next: UsageFileState = {
        ...state,
        tally: JSON.parse(JSON.stringify(state.tally)) as UsageFileState['tally'],
        position: got.position,
        updatedAt: now,
      };
      if (got.change !== 'same' && state.position !== null) {
        next.tally.replayUntil = Math.max(next.tally.watermark, next.tally.replayUntil ?? 0);
        next.refused += 1;
        next.problem = `${state.path} was ${got.change} while read: read again from its start, counting only entries newer than those counted`;
      }
      if (got.oversized > 0) {
        next.refused += got.oversized;
        next.problem = `${got.oversized} line(s) over the reader's limit were skipped`;
      }
      const deltas: UsageDelta[] = [];
      for (const line of got.lines) {
        const out = spec.readLine(line, next.tally);
        deltas.push(...out.deltas);
        if (out.refused) {
          next.refused += 1;
          next.problem = out.refused;
        }
      }
      const unchanged =
        got.lines.length === 0 && got.change === 'same' && state.position !== null && got.oversized === 0;
      if (unchanged && state.position?.offset === got.position.offset) return;
      this.commit(agent, next, this.rows(agent, deltas, now));
      if (!got.more) return;
      // The next chunk reads on from what was just stored.
      state = next;
    }
  }

  /** Deltas into hourly ledger rows: at the vendor's time when plausible, else now. */
  private rows(agent: AgentRecord, deltas: readonly UsageDelta[], now: number): LedgerRow[] {
    const taskId = this.d.taskOf(agent.id);
    const rows = new Map<string, LedgerRow>();
    for (const d of deltas) {
      // A time before the agent existed or in the future is not the vendor's: it counts now.
      const at = d.at !== null && d.at >= agent.createdAt - HOUR && d.at <= now ? d.at : now;
      const hour = at - (at % HOUR);
      const key = `${hour}\u0000${d.model}`;
      const row = rows.get(key);
      if (row) row.counts = addCounts(row.counts, d.counts);
      else
        rows.set(key, {
          hour,
          agentId: agent.id,
          agentName: agent.name,
          workspaceId: agent.workspaceId,
          taskId,
          profile: agent.profile,
          model: d.model,
          counts: d.counts,
        });
    }
    return [...rows.values()];
  }

  private addToLedger(r: LedgerRow): void {
    const key = `${r.hour}\u0000${r.agentId}\u0000${r.taskId ?? ''}\u0000${r.model}`;
    const same = this.ledgerIndex.get(key);
    if (same) {
      same.counts = addCounts(same.counts, r.counts);
      return;
    }
    const row = { ...r };
    this.ledgerIndex.set(key, row);
    this.ledgerRows.push(row);
  }

  /** Stores first; memory follows only what was stored (a full disk leaves the position as it was). */
  private commit(agent: AgentRecord, next: UsageFileState, rows: LedgerRow[]): void {
    this.d.store.commit(next, rows);
    this.remember(next);
    if (rows.length === 0) return;
    for (const r of rows) this.addToLedger(r);
    this.d.onCounted?.(rows, agent);
  }
}
