import { describe, expect, it } from 'vitest';
import { FakeClock, flush } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import type { AgentState } from '../../protocol/agent.js';
import type { AgentService } from './agent-service.js';
import { CONFIRM_MS, deliverWhenIdle, MAX_EXTRA_ENTERS } from './prompt-delivery.js';
import type { AgentRegistry } from '../model/registry.js';

/** One agent whose state the test plays, and the input the delivery sends it. */
function rig(start: AgentState = 'starting') {
  const clock = new FakeClock();
  const log = new MemoryLogger();
  const agent = { id: 'ag-1', state: start, stateSince: clock.now() };
  const listeners = new Set<(id: string) => void>();
  const registry = {
    get: (id: string) => (id === agent.id ? agent : undefined),
    onChange: (l: (id: string) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as AgentRegistry;
  const sent: { text: string; enter: boolean; raw: boolean }[] = [];
  const service = {
    sendInput: (_id: string, text: string, enter: boolean, _src: string, _force = false, raw = false) => {
      sent.push({ text, enter, raw });
      return Promise.resolve({ bytes: text.length, seq: sent.length });
    },
  } as unknown as AgentService;
  const state = (to: AgentState): void => {
    agent.state = to;
    agent.stateSince = clock.now();
    for (const l of listeners) l(agent.id);
  };
  /** Moves the clock a second at a time, letting the promises its timers start run. */
  const advance = async (ms: number): Promise<void> => {
    for (let left = ms; left > 0; left -= 1_000) {
      clock.advance(Math.min(1_000, left));
      await flush(4);
    }
  };
  deliverWhenIdle({ service, registry, clock, log }, agent.id, 'fix the bug', 'policy');
  return { clock, log, sent, state, advance, listeners };
}

const extraEnter = { text: '\r', enter: false, raw: true };

describe('deliverWhenIdle', () => {
  it('types the prompt once the agent has been idle a moment, and nothing more once it works', async () => {
    const r = rig();
    await r.advance(10_000);
    expect(r.sent).toEqual([]);
    r.state('idle');
    await r.advance(1_000);
    expect(r.sent).toEqual([{ text: 'fix the bug', enter: true, raw: false }]);
    r.state('working');
    await r.advance(60_000);
    expect(r.sent).toHaveLength(1);
    expect(r.listeners.size).toBe(0);
  });

  it('sends Enter again while the agent stays at its prompt, at most twice, then says so', async () => {
    const r = rig('idle');
    await r.advance(1_000);
    expect(r.sent).toHaveLength(1);
    await r.advance(CONFIRM_MS);
    expect(r.sent.slice(1)).toEqual([extraEnter]);
    await r.advance(10 * CONFIRM_MS);
    expect(r.sent.slice(1)).toEqual(Array(MAX_EXTRA_ENTERS).fill(extraEnter));
    expect(r.log.entries.map((e) => e.msg)).toEqual([
      ...Array(MAX_EXTRA_ENTERS).fill('initial prompt not taken up: Enter again'),
      'initial prompt typed but the agent stayed at its prompt',
    ]);
    expect(r.listeners.size).toBe(0);
    expect(r.clock.pending).toBe(0);
  });

  it('stops after the first extra Enter once the agent starts working', async () => {
    const r = rig('idle');
    await r.advance(1_000 + CONFIRM_MS);
    expect(r.sent.slice(1)).toEqual([extraEnter]);
    r.state('working');
    await r.advance(10 * CONFIRM_MS);
    expect(r.sent.slice(1)).toEqual([extraEnter]);
  });

  it('sends no Enter to an agent that worked and is idle again (a short turn)', async () => {
    const r = rig('idle');
    await r.advance(1_000);
    r.state('working');
    await r.advance(100);
    r.state('idle');
    await r.advance(10 * CONFIRM_MS);
    expect(r.sent).toHaveLength(1);
  });

  it('counts its two minutes from the process start: a spawn that waited its turn still gets it', async () => {
    const r = rig();
    await r.advance(180_000); // starting: its spawn waits for another agent's start
    r.state('running');
    await r.advance(119_000);
    r.state('idle');
    await r.advance(1_000);
    expect(r.sent).toEqual([{ text: 'fix the bug', enter: true, raw: false }]);
  });

  it('gives up two minutes after the process started when the agent never reaches its prompt', async () => {
    const r = rig();
    r.state('running');
    await r.advance(120_000);
    expect(r.log.entries.map((e) => e.msg)).toContain(
      'initial prompt not delivered: the agent never reached its prompt',
    );
    expect(r.listeners.size).toBe(0);
    r.state('idle');
    await r.advance(1_000);
    expect(r.sent).toEqual([]);
  });

  it('types nothing to an agent that ends before it is idle', async () => {
    const r = rig();
    r.state('exited');
    r.state('idle');
    await r.advance(10 * CONFIRM_MS);
    expect(r.sent).toEqual([]);
    expect(r.listeners.size).toBe(0);
  });
});
