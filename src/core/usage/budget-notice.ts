import type { WtpEvent } from '../../protocol/events.js';
import { usd } from '../../protocol/usage-words.js';
import { BUDGET_STATE, type AgentNotification } from '../reports/notifier.js';

/**
 * The notification of a `budget.nearing` or `budget.reached` event: in money, never in the words
 * of a vendor's usage limit. Sent through the agent that spent last (its pane gets the toast).
 */
export function budgetNotification(
  e: WtpEvent,
  agent: { id: string; name: string; workspace: string } | null,
): AgentNotification | null {
  if (e.type !== 'budget.nearing' && e.type !== 'budget.reached') return null;
  const d = e.data;
  const what =
    d.scope === 'task'
      ? `task "${d.name}"`
      : d.scope === 'workspace'
        ? `workspace ${d.name}`
        : `today (${d.name})`;
  const spent = `${usd(d.spentUsd)} of ${usd(d.limitUsd)}`;
  const reached = e.type === 'budget.reached';
  const then =
    reached && e.data.onExceeded === 'interrupt' && e.data.interrupted.length > 0
      ? `; ${e.data.interrupted.length} working agent(s) interrupted`
      : '';
  return {
    agentId: agent?.id ?? '',
    agent: agent?.name ?? '',
    workspace: agent?.workspace ?? '',
    from: '',
    state: BUDGET_STATE,
    reason: `${reached ? 'budget_reached' : 'budget_nearing'}:${d.scope}`,
    title: reached ? `Budget reached: ${what}` : `Budget nearing: ${what}`,
    message: reached
      ? `${spent} spent: no new task runs start in it until the budget is raised (wtp budget set)${then}. Money, not a vendor quota.`
      : `${spent} spent (budget.nearAt). Money, not a vendor quota.`,
    urgency: reached ? 'critical' : 'normal',
    seq: e.seq,
    at: Date.parse(e.ts),
  };
}
