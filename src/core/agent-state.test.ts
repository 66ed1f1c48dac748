import { describe, expect, it } from 'vitest';
import { AGENT_STATES, type AgentState } from '../protocol/agent.js';
import { TRANSITIONS, canTransition, isLive } from './agent-state.js';

/** The state machine spelled out pair by pair: a change to the table must change this test. */
const EXPECTED: Record<AgentState, Record<AgentState, boolean>> = {
  starting: { starting: true, running: true, exited: true, crashed: true },
  running: { starting: true, running: false, exited: true, crashed: true },
  exited: { starting: true, running: false, exited: false, crashed: false },
  crashed: { starting: true, running: false, exited: false, crashed: false },
};

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

describe('isLive', () => {
  it('is true for starting and running only', () => {
    expect(AGENT_STATES.filter(isLive)).toEqual(['starting', 'running']);
  });
});
