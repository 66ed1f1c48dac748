import type {
  BudgetList,
  CostGroup,
  CostQuery,
  CostReport,
  CostSeries,
  CostSeriesQuery,
  MachineUsage,
  SetBudgetRequest,
} from '../../protocol/usage.js';
import { appError } from '../../protocol/error-messages.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock } from '../ports/daemon.js';
import type { TaskService } from '../tasks/task-service.js';
import type { BudgetGuard } from './budget-guard.js';
import { dayOf, spendOf, type BudgetSettings } from './budget-limits.js';
import { costReport, costSeries, type CostNames } from './cost-report.js';
import type { PriceTable } from './prices.js';
import type { UsageMeter } from './usage-meter.js';

/** The API's face of usage: the cost report, its series, budgets (`UseCases.costs`). */
export interface CostUseCases {
  report(q: CostQuery): Promise<CostReport>;
  series(q: CostSeriesQuery): CostSeries;
  budgets(): BudgetList;
  setBudget(req: SetBudgetRequest): Promise<BudgetList>;
  /** What this machine spent, for its fleet heartbeat; null when usage is not read. */
  machineUsage(): MachineUsage | null;
}

const DEFAULT_GROUPS: readonly CostGroup[] = ['agent', 'task', 'workspace', 'day'];
const DAY = 86_400_000;

/** The cost use cases over the meter and the guard; every call refuses with COST_DISABLED without them. */
export function costUseCases(d: {
  usage: { meter: UsageMeter; budgets: BudgetGuard; prices: PriceTable; settings: BudgetSettings } | null;
  registry: AgentRegistry;
  tasks: Pick<TaskService, 'get' | 'record'>;
  vendorOf(profile: string): string | null;
  /** Dispatch again (a budget raised lets held tasks start). */
  tick(): void;
  clock: Clock;
}): CostUseCases {
  const need = (): NonNullable<typeof d.usage> => {
    if (d.usage === null) throw appError('COST_DISABLED', {});
    return d.usage;
  };
  const names: CostNames = {
    task: (id) => d.tasks.record(id)?.title,
    workspace: (id) => d.registry.findWorkspace(id)?.name ?? id,
    vendor: (profile) => d.vendorOf(profile) ?? profile,
  };
  const list = (): BudgetList => {
    const u = need();
    return { budgets: u.budgets.list(), nearAt: u.settings.nearAt, onExceeded: u.settings.onExceeded };
  };
  return {
    async report(q) {
      const u = need();
      await Promise.resolve();
      const now = d.clock.now();
      const until = q.until === undefined ? now : Math.min(now, Date.parse(q.until));
      return costReport(u.meter.ledger(), u.prices, names, {
        from: q.since === undefined ? null : Date.parse(q.since),
        to: until,
        groups: q.by === undefined ? DEFAULT_GROUPS : (q.by.split(',') as CostGroup[]),
        workspaceId: q.workspace === undefined ? undefined : d.registry.resolveWorkspace(q.workspace).id,
      });
    },
    series(q) {
      const u = need();
      const from = q.since === undefined ? d.clock.now() - DAY : Date.parse(q.since);
      return costSeries(u.meter.ledger(), u.prices, names, from);
    },
    budgets: list,
    machineUsage() {
      if (d.usage === null) return null;
      const { meter, prices } = d.usage;
      const day = dayOf(d.clock.now());
      const all = spendOf(meter.ledger(), prices, () => true);
      const today = spendOf(meter.ledger(), prices, (r) => dayOf(r.hour) === day);
      const round = (n: number): number => Math.round(n * 1e6) / 1e6;
      return {
        day,
        todayUsd: round(today.usd),
        totalUsd: round(all.usd),
        tokens: all.tokens,
        unpricedModels: all.unpriced.sort().slice(0, 100),
      };
    },
    async setBudget(req) {
      const u = need();
      const key =
        req.scope === 'day'
          ? '*'
          : req.scope === 'task'
            ? d.tasks.get(req.target ?? '').id
            : d.registry.resolveWorkspace(req.target ?? '').id;
      await u.budgets.set(req.scope, key, req.limitUsd);
      d.tick();
      return list();
    },
  };
}
