import type { CostGroup, CostReport, CostRow, CostSeries } from '../../protocol/usage.js';
import type { LedgerRow } from '../ports/usage.js';
import { dayOf, spendOf } from './budget-limits.js';
import type { PriceTable } from './prices.js';
import { totalTokens } from './token-counts.js';

/** Names for the report's keys (agents removed since keep the name their rows were counted under). */
export interface CostNames {
  task(id: string): string | undefined;
  workspace(id: string): string;
  /** The vendor whose models a profile uses (anthropic, openai, …). */
  vendor(profile: string): string;
}

export interface CostQuery {
  /** Rows from this instant on (epoch ms), or every row. */
  from: number | null;
  to: number;
  groups: readonly CostGroup[];
  /** Only this workspace's rows (its id), or every workspace's. */
  workspaceId?: string | undefined;
}

const ROUND = (n: number): number => Math.round(n * 1e6) / 1e6;

/** The key and name of a row in a group. */
function keyOf(g: CostGroup, r: LedgerRow, names: CostNames): { key: string; name: string } | null {
  switch (g) {
    case 'agent':
      return { key: r.agentId, name: r.agentName };
    case 'task':
      return r.taskId === null ? null : { key: r.taskId, name: names.task(r.taskId) ?? r.taskId };
    case 'workspace':
      return { key: r.workspaceId, name: names.workspace(r.workspaceId) };
    case 'day': {
      const day = dayOf(r.hour);
      return { key: day, name: day };
    }
    case 'model':
      return { key: r.model, name: r.model };
    case 'vendor': {
      const v = names.vendor(r.profile);
      return { key: v, name: v };
    }
  }
}

function row(
  key: string,
  name: string,
  rows: readonly LedgerRow[],
  prices: PriceTable,
  detail: string | null,
): CostRow {
  const s = spendOf(rows, prices, () => true);
  return { key, name, tokens: s.tokens, costUsd: ROUND(s.usd), unpricedModels: s.unpriced.sort(), detail };
}

/**
 * `wtp report --cost`: tokens and money per agent, task (every attempt, retry and best-of-N
 * variant: the rows of each agent that ran it), workspace, day, model or vendor, from the hourly
 * ledger priced with today's table. Money of models without a price is left out and named.
 */
export function costReport(
  ledger: readonly LedgerRow[],
  prices: PriceTable,
  names: CostNames,
  q: CostQuery,
): CostReport {
  const rows = ledger.filter(
    (r) =>
      (q.from === null || r.hour + 3_600_000 > q.from) &&
      r.hour <= q.to &&
      (q.workspaceId === undefined || r.workspaceId === q.workspaceId),
  );
  const groups: Record<string, CostRow[]> = {};
  for (const g of q.groups) {
    const by = new Map<string, { name: string; rows: LedgerRow[] }>();
    for (const r of rows) {
      const k = keyOf(g, r, names);
      if (k === null) continue;
      const slot = by.get(k.key) ?? { name: k.name, rows: [] };
      slot.rows.push(r);
      by.set(k.key, slot);
    }
    groups[g] = [...by]
      .map(([key, v]) => {
        const agents = new Set(v.rows.map((r) => r.agentId)).size;
        const detail =
          g === 'agent'
            ? (v.rows[0]?.profile ?? null)
            : g === 'task'
              ? `${agents} agent${agents === 1 ? '' : 's'}`
              : null;
        return row(key, v.name, v.rows, prices, detail);
      })
      .sort(
        (a, b) =>
          b.costUsd - a.costUsd ||
          totalTokens(b.tokens) - totalTokens(a.tokens) ||
          a.name.localeCompare(b.name),
      );
  }
  return {
    from: q.from === null ? null : new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    groups,
    total: row('total', 'total', rows, prices, null),
    prices: { date: prices.date, source: prices.source },
  };
}

/** Spending per hour, workspace, vendor and model: the dashboard's chart. */
export function costSeries(
  ledger: readonly LedgerRow[],
  prices: PriceTable,
  names: CostNames,
  from: number | null,
): CostSeries {
  const by = new Map<
    string,
    { hour: number; workspace: string; vendor: string; model: string; rows: LedgerRow[] }
  >();
  for (const r of ledger) {
    if (from !== null && r.hour + 3_600_000 <= from) continue;
    const workspace = names.workspace(r.workspaceId);
    const vendor = names.vendor(r.profile);
    const k = `${r.hour}\u0000${workspace}\u0000${vendor}\u0000${r.model}`;
    const slot = by.get(k) ?? { hour: r.hour, workspace, vendor, model: r.model, rows: [] };
    slot.rows.push(r);
    by.set(k, slot);
  }
  return {
    points: [...by.values()]
      .sort((a, b) => a.hour - b.hour)
      .map((p) => {
        const s = spendOf(p.rows, prices, () => true);
        return {
          at: new Date(p.hour).toISOString(),
          workspace: p.workspace,
          vendor: p.vendor,
          model: p.model,
          costUsd: ROUND(s.usd),
          tokens: totalTokens(s.tokens),
        };
      }),
  };
}
