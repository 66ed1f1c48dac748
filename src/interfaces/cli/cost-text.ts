import type { BudgetList, CostReport, CostRow } from '../../protocol/usage.js';
import { usd } from '../../protocol/usage-words.js';
import { table } from './format.js';

/** Money of a row: priced part, and "+ unknown (model)" when some of it has no price. */
function cost(r: CostRow): string {
  if (r.unpricedModels.length === 0) return usd(r.costUsd);
  const unknown = `unknown (${r.unpricedModels.join(', ')})`;
  return r.costUsd > 0 ? `${usd(r.costUsd)} + ${unknown}` : unknown;
}

/** `wtp report --cost` as text: a table per group, then the total and the prices' date and source. */
export function costReportText(r: CostReport): string[] {
  const out = [`Cost ${r.from === null ? `until ${r.to}` : `${r.from} to ${r.to}`}`];
  for (const [group, rows] of Object.entries(r.groups)) {
    const title = group.toUpperCase();
    out.push('');
    if (rows.length === 0) {
      out.push(`${title}: none`);
      continue;
    }
    const detail = group === 'agent' ? ['PROFILE'] : group === 'task' ? ['RUNS'] : [];
    out.push(
      table(
        [title, ...detail, 'INPUT', 'OUTPUT', 'CACHE-READ', 'CACHE-WRITE', 'COST'],
        rows.map((x) => [
          x.name,
          ...(detail.length > 0 ? [x.detail ?? '-'] : []),
          String(x.tokens.input),
          String(x.tokens.output),
          String(x.tokens.cacheRead),
          String(x.tokens.cacheWrite),
          cost(x),
        ]),
      ),
    );
  }
  const t = r.total;
  out.push(
    '',
    `total: ${cost(t)} for ${t.tokens.input} input, ${t.tokens.output} output, ${t.tokens.cacheRead} cache-read, ${t.tokens.cacheWrite} cache-write tokens`,
    `prices of ${r.prices.date} (${r.prices.source}), with the config's cost.prices over them`,
  );
  return out;
}

/** `wtp budget` as text. */
export function budgetText(b: BudgetList): string[] {
  if (b.budgets.length === 0)
    return [
      'no budgets: set one with `wtp budget set day 20`, `wtp budget set workspace NAME 50`, `wtp budget set task ID 5` (or config budget.*)',
    ];
  return [
    table(
      ['SCOPE', 'NAME', 'SPENT', 'BUDGET', 'STATE', 'FROM'],
      b.budgets.map((x) => [
        x.scope,
        x.name,
        `${usd(x.spentUsd)}${x.unpriced ? ' + unknown' : ''}`,
        usd(x.limitUsd),
        // Unpriced tokens in scope: the sum can only grow past what it says, unseen.
        x.state === 'reached'
          ? 'reached: new runs held'
          : x.unpriced
            ? `${x.state}, cannot hold: some cost unknown`
            : x.state,
        x.from,
      ]),
    ),
    `nearing at ${Math.round(b.nearAt * 100)}%; when reached: ${b.onExceeded} (budgets are money; vendor quotas are \`wtp quota\`)`,
  ];
}
