import type { NewEvent, WtpEvent } from '../../protocol/events.js';
import type { BudgetScope, BudgetView } from '../../protocol/usage.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { TaskRecord } from '../model/task-record.js';
import type { EventLog, Logger } from '../ports/daemon.js';
import type { LedgerRow, UsageStore } from '../ports/usage.js';
import type { Clock } from '../ports/daemon.js';
import type { PriceTable } from './prices.js';
import {
  budgetState,
  dayOf,
  holdMessage,
  limitOf,
  spendOf,
  type BudgetHold,
  type BudgetSettings,
} from './budget-limits.js';

/** What the guard needs of the daemon. */
export interface BudgetGuardDeps {
  ledger: () => readonly LedgerRow[];
  prices: () => PriceTable;
  store: Pick<UsageStore, 'budgets' | 'setBudget'>;
  settings: BudgetSettings;
  agents: { all(): AgentRecord[] };
  /** Every workspace's id (each may have a budget of its own or the config's `workspaceUsd`). */
  workspaceIds(): string[];
  workspaceName(id: string): string;
  /** A task by id (its title, runs). */
  task(id: string): TaskRecord | undefined;
  /** The task an agent runs an attempt of. */
  taskOf(agentId: string): string | null;
  events: Pick<EventLog, 'since'>;
  record(events: NewEvent[]): Promise<unknown>;
  /** Interrupts a working agent (Esc, audited); false when it could not. */
  interrupt(agentId: string): Promise<boolean>;
  clock: Clock;
  log: Logger;
}

type Level = 'ok' | 'near' | 'reached';
const RANK: Record<Level, number> = { ok: 0, near: 1, reached: 2 };

/**
 * Budgets in money, per task, workspace and day: nearing one records `budget.nearing`
 * (the notifier tells the user), reaching one records `budget.reached` and holds new runs of its
 * scope (the dispatcher asks `heldFor`; the task says why), and with `onExceeded: interrupt` also
 * interrupts the scope's working agents. Each level is announced once per limit (replayed from
 * the event log at start). Not the usage governor, which holds a vendor whose quota is spent.
 */
export class BudgetGuard {
  /** `${scope}\0${key}` → the level announced and for which limit. */
  private readonly announced = new Map<string, { level: Level; limit: number }>();

  constructor(private readonly d: BudgetGuardDeps) {}

  async start(): Promise<void> {
    for (let since = 0; ;) {
      const page = await this.d.events.since({
        since,
        limit: 1000,
        types: ['budget.nearing', 'budget.reached', 'budget.changed'],
      });
      for (const e of page) this.replay(e);
      if (page.length < 1000) break;
      since = page[page.length - 1]?.seq ?? since;
    }
  }

  /** The reached budget that holds a task's next runs, if any: its own, its workspace's, today's. */
  heldFor(task: TaskRecord): BudgetHold | undefined {
    const now = this.d.clock.now();
    for (const [scope, key] of [
      ['task', task.id],
      ['workspace', task.workspaceId],
      ['day', dayOf(now)],
    ] as const) {
      const b = this.evaluate(scope, key);
      if (b?.state === 'reached') {
        return {
          scope,
          key,
          limitUsd: b.limitUsd,
          spentUsd: b.spentUsd,
          message: holdMessage(scope, b.name, key, b.limitUsd, b.spentUsd),
        };
      }
    }
    return undefined;
  }

  /** Every budget that applies now: today's, each workspace's, each task's that spent or has its own. */
  list(): BudgetView[] {
    const keys: [BudgetScope, string][] = [['day', dayOf(this.d.clock.now())]];
    const ws = new Set<string>();
    const tasks = new Set<string>();
    for (const r of this.d.ledger()) {
      ws.add(r.workspaceId);
      if (r.taskId !== null) tasks.add(r.taskId);
    }
    for (const id of this.d.workspaceIds()) ws.add(id);
    for (const b of this.d.store.budgets()) {
      if (b.scope === 'workspace') ws.add(b.key);
      if (b.scope === 'task') tasks.add(b.key);
    }
    for (const id of ws) keys.push(['workspace', id]);
    for (const id of tasks) keys.push(['task', id]);
    return keys.flatMap(([scope, key]) => this.evaluate(scope, key) ?? []);
  }

  /** Sets or removes a CLI budget; a later level is announced again for the new limit. */
  async set(scope: BudgetScope, key: string, limitUsd: number | null): Promise<void> {
    this.d.store.setBudget(scope, scope === 'day' ? '*' : key, limitUsd);
    this.forget(scope, key);
    await this.d.record([
      {
        type: 'budget.changed',
        source: 'cli',
        agentId: null,
        workspaceId: null,
        data: { scope, key, limitUsd },
      },
    ]);
    await this.check(null);
  }

  /** After tokens were counted: announce the budgets it moved (the agent is the one that spent). */
  async check(agent: AgentRecord | null, rows: readonly LedgerRow[] = []): Promise<void> {
    const keys: [BudgetScope, string][] = [['day', dayOf(this.d.clock.now())]];
    const touched = rows.length > 0 ? rows : this.d.ledger();
    for (const id of new Set(touched.map((r) => r.workspaceId))) keys.push(['workspace', id]);
    for (const id of new Set(touched.flatMap((r) => (r.taskId === null ? [] : [r.taskId]))))
      keys.push(['task', id]);
    for (const [scope, key] of keys) {
      const b = this.evaluate(scope, key);
      if (!b) continue;
      const slot = `${scope}\u0000${key}`;
      const before = this.announced.get(slot);
      const was: Level = before && before.limit === b.limitUsd ? before.level : 'ok';
      if (RANK[b.state] <= RANK[was]) continue;
      this.announced.set(slot, { level: b.state, limit: b.limitUsd });
      await this.announce(b, agent).catch((err: unknown) =>
        this.d.log.warn({ err, scope, key }, 'budget event not recorded'),
      );
    }
  }

  private async announce(b: BudgetView, agent: AgentRecord | null): Promise<void> {
    const base = { scope: b.scope, key: b.key, name: b.name, limitUsd: b.limitUsd, spentUsd: b.spentUsd };
    const at = {
      source: 'policy' as const,
      agentId: agent?.id ?? null,
      workspaceId: b.scope === 'workspace' ? b.key : (agent?.workspaceId ?? null),
    };
    if (b.state === 'near') {
      await this.d.record([{ type: 'budget.nearing', ...at, data: base }]);
      return;
    }
    const interrupted: string[] = [];
    if (this.d.settings.onExceeded === 'interrupt') {
      for (const a of this.inScope(b.scope, b.key)) if (await this.d.interrupt(a.id)) interrupted.push(a.id);
    }
    await this.d.record([
      {
        type: 'budget.reached',
        ...at,
        data: { ...base, onExceeded: this.d.settings.onExceeded, interrupted },
      },
    ]);
  }

  /** Working agents of a scope. */
  private inScope(scope: BudgetScope, key: string): AgentRecord[] {
    return this.d.agents
      .all()
      .filter(
        (a) =>
          a.state === 'working' &&
          (scope === 'day' || (scope === 'workspace' ? a.workspaceId === key : this.d.taskOf(a.id) === key)),
      );
  }

  private evaluate(scope: BudgetScope, key: string): BudgetView | null {
    const name =
      scope === 'task'
        ? (this.d.task(key)?.title ?? key)
        : scope === 'workspace'
          ? this.d.workspaceName(key)
          : key;
    const limit = limitOf(
      scope,
      key,
      scope === 'workspace' ? name : null,
      this.d.settings,
      this.d.store.budgets(),
    );
    if (!limit) return null;
    const spend = spendOf(this.d.ledger(), this.d.prices(), (r) =>
      scope === 'task'
        ? r.taskId === key
        : scope === 'workspace'
          ? r.workspaceId === key
          : dayOf(r.hour) === key,
    );
    const spent = Math.round(spend.usd * 1e6) / 1e6;
    return {
      scope,
      key,
      name,
      limitUsd: limit.limitUsd,
      spentUsd: spent,
      unpriced: spend.unpriced.length > 0,
      state: budgetState(spent, limit.limitUsd, this.d.settings.nearAt),
      from: limit.from,
    };
  }

  /** A limit changed: its levels are announced again (every day's, for the daily budget). */
  private forget(scope: BudgetScope, key: string): void {
    for (const slot of [...this.announced.keys()])
      if (slot === `${scope}\u0000${key}` || (scope === 'day' && slot.startsWith('day\u0000')))
        this.announced.delete(slot);
  }

  private replay(e: WtpEvent): void {
    if (e.type === 'budget.changed') {
      this.forget(e.data.scope, e.data.key);
      return;
    }
    if (e.type !== 'budget.nearing' && e.type !== 'budget.reached') return;
    const level: Level = e.type === 'budget.reached' ? 'reached' : 'near';
    const slot = `${e.data.scope}\u0000${e.data.key}`;
    const before = this.announced.get(slot);
    if (!before || before.limit !== e.data.limitUsd || RANK[level] > RANK[before.level])
      this.announced.set(slot, { level, limit: e.data.limitUsd });
  }
}
