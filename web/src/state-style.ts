import type { AgentState } from '../../src/protocol/agent.js';

/** Colour and label of each agent state, the same everywhere in the dashboard (icons: state-icon.tsx). */
export const STATE_STYLE: Record<AgentState, { color: string; label: string }> = {
  starting: { color: 'gray', label: 'starting' },
  running: { color: 'blue', label: 'running' },
  working: { color: 'green', label: 'working' },
  needs_permission: { color: 'orange', label: 'needs permission' },
  needs_input: { color: 'yellow', label: 'needs input' },
  idle: { color: 'teal', label: 'idle' },
  exited: { color: 'gray', label: 'exited' },
  crashed: { color: 'red', label: 'crashed' },
};

/** "12 s", "4 min", "2 h", "3 d" since `iso`. */
export function ago(iso: string | undefined, now: number): string {
  if (iso === undefined) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}
