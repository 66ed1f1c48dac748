import { describe, expect, it } from 'vitest';
import { AGENT_STATES, type AgentState } from '../../protocol/agent.js';
import { TRANSITIONS, canTransition, hasProcess, isLive } from './agent-state.js';

/** The state machine spelled out pair by pair: a change to the table must change this test. */
const T = true;
const F = false;
/** Columns: starting, running, working, needs_permission, needs_input, idle, exited, crashed. */
const TABLE: Record<AgentState, boolean[]> = {
  starting: [T, T, F, F, F, F, T, T],
  running: [T, T, T, T, T, T, T, T],
  working: [T, T, T, T, T, T, T, T],
  needs_permission: [T, T, T, T, T, T, T, T],
  needs_input: [T, T, T, T, T, T, T, T],
  idle: [T, T, T, T, T, T, T, T],
  exited: [T, F, F, F, F, F, F, F],
  crashed: [T, F, F, F, F, F, F, F],
};
const EXPECTED = Object.fromEntries(
  AGENT_STATES.map((from) => [
    from,
    Object.fromEntries(AGENT_STATES.map((to, i) => [to, TABLE[from][i] === true])),
  ]),
) as Record<AgentState, Record<AgentState, boolean>>;

describe('canTransition', () => {
  for (const from of AGENT_STATES) {
    for (const to of AGENT_STATES) {
      const allowed = EXPECTED[from][to];
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
      });
    }
  }

  it('leaves the terminal states only through starting (a user restart)', () => {
    for (const from of ['exited', 'crashed'] as const) {
      expect(AGENT_STATES.filter((to) => canTransition(from, to))).toEqual(['starting']);
    }
  });

  it('exports the same table it checks', () => {
    for (const from of AGENT_STATES) {
      expect([...TRANSITIONS[from]].sort()).toEqual(AGENT_STATES.filter((to) => EXPECTED[from][to]).sort());
    }
  });
});

describe('isLive and hasProcess', () => {
  it('a process runs in running and the four activity states', () => {
    expect(AGENT_STATES.filter(hasProcess)).toEqual([
      'running',
      'working',
      'needs_permission',
      'needs_input',
      'idle',
    ]);
  });

  it('live adds starting', () => {
    expect(AGENT_STATES.filter(isLive)).toEqual(['starting', ...AGENT_STATES.filter(hasProcess)]);
  });
});
