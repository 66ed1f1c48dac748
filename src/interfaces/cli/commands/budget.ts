import type { Command } from 'commander';
import { AppError } from '../../../protocol/app-error.js';
import type { BudgetScope } from '../../../protocol/usage.js';
import type { CliContext } from '../context.js';
import { budgetText } from '../cost-text.js';
import { registerRouteCommands } from '../register-route-commands.js';
import { routeCommand } from '../route-command.js';

const SCOPES: readonly BudgetScope[] = ['task', 'workspace', 'day'];

/** The scope and target of `budget set|rm SCOPE [TARGET]`, checked. */
function scopeOf(scope: string, target: string | undefined): { scope: BudgetScope; target?: string } {
  if (!SCOPES.includes(scope as BudgetScope))
    throw new AppError('INVALID_INPUT', `Unknown budget scope "${scope}": use task, workspace or day.`, {
      issues: [{ path: 'scope', message: 'must be one of "task", "workspace", "day"' }],
    });
  if (scope !== 'day' && target === undefined)
    throw new AppError(
      'INVALID_INPUT',
      `A ${scope} budget needs the ${scope}: \`wtp budget set ${scope} ID USD\`.`,
      {
        issues: [{ path: 'target', message: `must name the ${scope}` }],
      },
    );
  const s = scope as BudgetScope;
  return s === 'day' || target === undefined ? { scope: s } : { scope: s, target };
}

/** A dollar amount as typed: `5`, `12.50`, `$3`. */
function amount(text: string): number {
  const n = Number(text.replace(/^\$/, ''));
  if (!/^\$?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n) || n > 1e9)
    throw new AppError('INVALID_INPUT', `"${text}" is not an amount of US dollars (e.g. 5 or 12.50).`, {
      issues: [{ path: 'usd', message: 'must be a number of US dollars from 0 to 1000000000' }],
    });
  return n;
}

/** `wtp budget ls|set|rm`: `set` and `rm` read their words as scope, target and amount. */
export const budgetCommands = [
  routeCommand({
    name: 'ls',
    isDefault: true,
    description: 'the budgets and what was spent against each (the default)',
    route: 'listBudgets',
    json: 'budget',
    print: (ctx, list) => budgetText(list).forEach((l) => ctx.line(l)),
  }),
  routeCommand({
    name: 'set',
    description: 'set a budget in US dollars: `set day USD`, `set workspace NAME USD`, `set task ID USD`',
    route: 'setBudget',
    words: [
      { name: 'scope', help: 'task, workspace or day' },
      { name: 'target-or-usd', help: 'the task or workspace; for day, the amount' },
      { name: 'usd', help: 'the amount in US dollars', optional: true },
    ],
    request: (_filled, [scope = '', first = '', second]) => {
      const day = scope === 'day';
      const which = scopeOf(scope, day ? undefined : second === undefined ? undefined : first);
      return { body: { ...which, limitUsd: amount(day ? first : (second ?? '')) } };
    },
    json: 'budget',
    print: (ctx, list) => budgetText(list).forEach((l) => ctx.line(l)),
  }),
  routeCommand({
    name: 'rm',
    description: 'remove a budget set with `wtp budget set` (the config one applies again)',
    route: 'setBudget',
    words: [
      { name: 'scope', help: 'task, workspace or day' },
      { name: 'target', help: 'the task or workspace', optional: true },
    ],
    request: (_filled, [scope = '', target]) => ({ body: { ...scopeOf(scope, target), limitUsd: null } }),
    json: 'budget',
    print: (ctx, list) => budgetText(list).forEach((l) => ctx.line(l)),
  }),
];

/**
 * `wtp budget`: budgets in money per task, workspace and day, what was spent against
 * each; `set` and `rm` change the ones given on the command line (over the config's `budget`).
 */
export function registerBudgetCommand(program: Command, ctx: CliContext): void {
  const budget = program
    .command('budget')
    .description(
      'budgets in money per task, workspace and day, and what was spent (not vendor quotas: `wtp quota`)',
    );
  registerRouteCommands(budget, ctx, budgetCommands);
}
