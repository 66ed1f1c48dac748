import type { AgentService } from '../agents/agent-service.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, EventLog, Logger } from '../ports/daemon.js';
import type { UsageFiles, UsageStore } from '../ports/usage.js';
import type { TaskService } from '../tasks/task-service.js';
import { BudgetGuard } from './budget-guard.js';
import type { BudgetSettings } from './budget-limits.js';
import type { PriceTable } from './prices.js';
import type { UsageLocateContext, UsageSpec } from './usage-spec.js';
import { UsageMeter, type UsageMeterSettings } from './usage-meter.js';

/** What reading usage needs from outside the core (CoreAdapters.usage). */
export interface UsageAdapters {
  files: UsageFiles;
  store: UsageStore;
  /** Each vendor's usage spec, by profile name (src/vendors/registry.ts). */
  specs: Readonly<Record<string, UsageSpec>>;
  /** Where an agent's CLI finds its files (its environment, HOME, folder). */
  locate(agent: AgentRecord): Omit<UsageLocateContext, 'sessionId' | 'cwd'>;
}

/** The config's usage settings (CoreSettings.usage). */
export interface UsageSettings {
  meter: UsageMeterSettings;
  prices: PriceTable;
  budgets: BudgetSettings;
}

/** The meter and the budget guard over it, wired together. */
export function createUsage(d: {
  adapters: UsageAdapters;
  settings: UsageSettings;
  registry: AgentRegistry;
  /** Late: the task service is made after the guard it asks. */
  tasks: () => TaskService;
  service: () => AgentService;
  events: EventLog;
  clock: Clock;
  log: Logger;
}): { meter: UsageMeter; budgets: BudgetGuard } {
  const prices = (): PriceTable => d.settings.prices;
  const taskOf = (agentId: string): string | null => d.tasks().byAgent(agentId)?.id ?? null;
  let budgets: BudgetGuard | null = null;
  const meter = new UsageMeter({
    agents: d.registry,
    taskOf,
    specs: d.adapters.specs,
    locate: (a) => d.adapters.locate(a),
    files: d.adapters.files,
    store: d.adapters.store,
    prices,
    clock: d.clock,
    log: d.log,
    settings: d.settings.meter,
    onCounted: (rows, agent) => void budgets?.check(agent, rows),
  });
  budgets = new BudgetGuard({
    ledger: () => meter.ledger(),
    prices,
    store: d.adapters.store,
    settings: d.settings.budgets,
    agents: d.registry,
    workspaceIds: () => d.registry.listWorkspaces().map((w) => w.id),
    workspaceName: (id) => d.registry.workspaceName(id),
    task: (id) => d.tasks().record(id),
    taskOf,
    events: d.events,
    record: (events) => d.registry.record(events),
    interrupt: async (agentId) => {
      try {
        await d.service().sendInput(agentId, '\u001b', false, 'policy', true, true);
        return true;
      } catch (err) {
        d.log.warn({ err, agentId }, 'budget: agent not interrupted');
        return false;
      }
    },
    clock: d.clock,
    log: d.log,
  });
  return { meter, budgets };
}
