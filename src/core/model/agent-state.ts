import type { AgentState } from '../../protocol/agent.js';

/** States in which the agent's process runs: `running` and the four activity states. */
const PROCESS_STATES: readonly AgentState[] = [
  'running',
  'working',
  'needs_permission',
  'needs_input',
  'idle',
];

/**
 * Allowed transitions. `starting` covers "host launching", "waiting to restart" and
 * "spawn sent"; `exited` and `crashed` are terminal until a user restarts the agent. While the
 * process runs, signals move it freely between `running` and the activity states (and a state
 * may be re-entered with new evidence, e.g. `working` that has stalled).
 */
const ALLOWED: Record<AgentState, readonly AgentState[]> = {
  starting: ['running', 'exited', 'crashed', 'starting'],
  running: ['starting', 'exited', 'crashed', ...PROCESS_STATES],
  working: ['starting', 'exited', 'crashed', ...PROCESS_STATES],
  needs_permission: ['starting', 'exited', 'crashed', ...PROCESS_STATES],
  needs_input: ['starting', 'exited', 'crashed', ...PROCESS_STATES],
  idle: ['starting', 'exited', 'crashed', ...PROCESS_STATES],
  exited: ['starting'],
  crashed: ['starting'],
};

export function canTransition(from: AgentState, to: AgentState): boolean {
  return ALLOWED[from].includes(to);
}

/** The agent's process runs (whatever it is doing). */
export function hasProcess(state: AgentState): boolean {
  return PROCESS_STATES.includes(state);
}

/** The agent is alive: starting, or its process runs. */
export function isLive(state: AgentState): boolean {
  return state === 'starting' || hasProcess(state);
}

/** Transition table, exported for the docs and the state-machine test. */
export const TRANSITIONS = ALLOWED;
