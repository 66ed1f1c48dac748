import type { AgentState } from '../protocol/agent.js';

/**
 * Allowed transitions. `starting` covers "host launching", "waiting to restart" and
 * "spawn sent"; `exited` and `crashed` are terminal until a user restarts the agent.
 */
const ALLOWED: Record<AgentState, readonly AgentState[]> = {
  starting: ['running', 'exited', 'crashed', 'starting'],
  running: ['starting', 'exited', 'crashed'],
  exited: ['starting'],
  crashed: ['starting'],
};

export function canTransition(from: AgentState, to: AgentState): boolean {
  return ALLOWED[from].includes(to);
}

export function isLive(state: AgentState): boolean {
  return state === 'starting' || state === 'running';
}

/** Transition table, exported for the docs and the state-machine test. */
export const TRANSITIONS = ALLOWED;
