import type { AgentState } from '../../src/protocol/agent.js';

/** Colour and icon of each agent state, the same everywhere in the dashboard. */
export const STATE_STYLE: Record<AgentState, { color: string; icon: string; label: string }> = {
  starting: { color: 'gray', icon: '◌', label: 'starting' },
  running: { color: 'blue', icon: '▶', label: 'running' },
  working: { color: 'green', icon: '⚙', label: 'working' },
  needs_permission: { color: 'orange', icon: '✋', label: 'needs permission' },
  needs_input: { color: 'yellow', icon: '?', label: 'needs input' },
  idle: { color: 'teal', icon: '✓', label: 'idle' },
  exited: { color: 'gray', icon: '■', label: 'exited' },
  crashed: { color: 'red', icon: '✗', label: 'crashed' },
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
