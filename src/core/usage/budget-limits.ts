import type { BudgetScope } from '../../protocol/usage.js';
import type { LedgerRow, StoredBudget } from '../ports/usage.js';
import { costOf, priceOf, type PriceTable } from './prices.js';
import { addCounts, zeroCounts, type TokenCounts } from './token-counts.js';

/** Budgets in US dollars from the config (`budget`). */
export interface BudgetSettings {
  /** Every task: all its attempts, retries and best-of-N variants together; null: none. */
  taskUsd: number | null;
  /** Every workspace, since it was made; null: none. */
  workspaceUsd: number | null;
  /** Per workspace by name, over `workspaceUsd`. */
  workspaces: Readonly<Record<string, number>>;
  /** All agents of this machine in a calendar day (the daemon's local time); null: none. */
  dayUsd: number | null;
  /** The fraction of a budget at which it is nearing (notified once). */
  nearAt: number;
  /** On reaching: only hold new runs, or also interrupt the scope's working agents. */
  onExceeded: 'hold' | 'interrupt';
}

export const NO_BUDGETS: BudgetSettings = {
  taskUsd: null,
  workspaceUsd: null,
  workspaces: {},
  dayUsd: null,
  nearAt: 0.8,
  onExceeded: 'hold',
};

/** A budget reached: what holds a task's next runs, in words that are not a vendor quota's. */
export interface BudgetHold {
  scope: BudgetScope;
  key: string;
  limitUsd: number;
  spentUsd: number;
  message: string;
}

/** Priced spending of ledger rows; `unpriced` names models whose tokens have no price. */
export interface Spend {
  usd: number;
  unpriced: string[];
  tokens: TokenCounts;
}

/** The spending of the rows that pass `keep`. */
export function spendOf(
  rows: readonly LedgerRow[],
  prices: PriceTable,
  keep: (r: LedgerRow) => boolean,
): Spend {
  const byModel = new Map<string, TokenCounts>();
  for (const r of rows)
    if (keep(r)) byModel.set(r.model, addCounts(byModel.get(r.model) ?? zeroCounts(), r.counts));
  let usd = 0;
  const unpriced: string[] = [];
  let tokens = zeroCounts();
  for (const [model, c] of byModel) {
    tokens = addCounts(tokens, c);
    const cost = costOf(c, priceOf(prices, model));
    if (cost === null) unpriced.push(model);
    else usd += cost;
  }
  return { usd: Math.max(0, usd), unpriced, tokens };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The calendar day (daemon's local time) of an instant: `2026-11-25`. */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The limit of a scope's key: a CLI budget first, then the config's. */
export function limitOf(
  scope: BudgetScope,
  key: string,
  workspaceName: string | null,
  settings: BudgetSettings,
  stored: readonly StoredBudget[],
): { limitUsd: number; from: 'config' | 'cli' } | null {
  const cli = stored.find((b) => b.scope === scope && b.key === (scope === 'day' ? '*' : key));
  if (cli) return { limitUsd: cli.limitUsd, from: 'cli' };
  const own =
    scope === 'task'
      ? settings.taskUsd
      : scope === 'day'
        ? settings.dayUsd
        : ((workspaceName !== null && Object.hasOwn(settings.workspaces, workspaceName)
            ? settings.workspaces[workspaceName]
            : undefined) ?? settings.workspaceUsd);
  return own === null || own === undefined ? null : { limitUsd: own, from: 'config' };
}

/** ok, near (at nearAt of the limit) or reached. A zero budget is reached at once. */
export function budgetState(spentUsd: number, limitUsd: number, nearAt: number): 'ok' | 'near' | 'reached' {
  if (spentUsd >= limitUsd) return 'reached';
  return spentUsd >= limitUsd * nearAt ? 'near' : 'ok';
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

/** What a reached budget says where a task waits: money, never a vendor's usage limit. */
export function holdMessage(
  scope: BudgetScope,
  name: string,
  key: string,
  limit: number,
  spent: number,
): string {
  const what =
    scope === 'task' ? `task "${name}"` : scope === 'workspace' ? `workspace "${name}"` : `today (${name})`;
  const raise =
    scope === 'task'
      ? `wtp budget set task ${key} <USD>`
      : scope === 'workspace'
        ? `wtp budget set workspace ${name} <USD>`
        : 'wtp budget set day <USD>';
  return (
    `The budget of ${what} is spent: ${usd(spent)} of ${usd(limit)} (a budget in money, not a vendor's usage limit); ` +
    `no new run starts until it is raised (\`${raise}\`).`
  );
}
