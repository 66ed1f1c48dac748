import type { AgentView } from '../../../src/protocol/agent.js';
import { stateEvidence } from '../../../src/protocol/agent-words.js';
import { stateWhy } from '../../../src/protocol/state-why.js';
import { ago } from '../state-style.js';

/**
 * "hook Notification permission_prompt 12 s ago": what the state rests on (its source said once),
 * the raw signal — shown on hover; the Fleet's Why column says it in words (`why`).
 */
export function evidence(a: AgentView, now: number): string {
  const d = a.stateDetail;
  const what = stateEvidence(d);
  const when = d.signalAt ? ` ${ago(d.signalAt, now)} ago` : '';
  const extra = [d.stalled ? 'stalled?' : '', d.resetsAt ? `resets ${d.resetsAt}` : '', d.message ?? '']
    .filter(Boolean)
    .join(' · ');
  return `${what}${when}${extra ? ` — ${extra}` : ''}`;
}

/** Agents whose name, workspace, profile, state or branch contains every word of `query`. */
export function filterAgents(agents: AgentView[], query: string): AgentView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return agents;
  return agents.filter((a) => {
    const hay = [a.name, a.workspace, a.profile, a.state, a.worktree?.branch ?? '', a.machine ?? '']
      .join(' ')
      .toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** "asks to run Bash: npm test · 12 s ago": what the agent does or asks, in words. */
export function why(a: AgentView, now: number): string {
  const when = a.stateDetail.signalAt ? ` · ${ago(a.stateDetail.signalAt, now)} ago` : '';
  return `${stateWhy(a)}${when}`;
}
