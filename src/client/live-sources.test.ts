import { describe, expect, it } from 'vitest';
import type { AgentView } from '../protocol/agent.js';
import type { WtpEvent } from '../protocol/events.js';
import { transitionAgent } from '../core/model/transition.js';
import type { AgentRecord } from '../core/model/agent-record.js';
import type { AgentRegistry } from '../core/model/registry.js';
import { agentSource, type RouteCaller } from './live-sources.js';

const noCalls: RouteCaller = { call: () => Promise.reject(new Error('no call expected')) };

describe("agentSource: a state change shown at once, dated as the daemon dates the agent's state", () => {
  it('takes stateSince from the event, not its time of writing (an answer names its dialog by it)', async () => {
    // The daemon: a transition at 37.625, its event written a millisecond later.
    const agent = { id: 'ag-1', workspaceId: 'ws-1', state: 'working', pid: 7 } as unknown as AgentRecord;
    const saved: unknown[] = [];
    const registry = { save: (_a: AgentRecord, events: unknown[]) => saved.push(...events) };
    const at = Date.parse('2026-11-29T19:49:37.625Z');
    await transitionAgent(
      {
        registry: registry as unknown as AgentRegistry,
        clock: { now: () => at, setTimer: () => ({ id: 0 }), clearTimer: () => undefined },
        log: console as never,
      },
      agent,
      'needs_permission',
      { reason: 'permission' },
      'host',
    );
    const event = { ...(saved[0] as object), seq: 20, ts: '2026-11-29T19:49:37.626Z' } as WtpEvent;

    const before = { id: 'ag-1', state: 'working', stateSince: '2026-11-29T19:49:30.000Z' } as AgentView;
    const after = agentSource(noCalls).patch?.(before, event);
    expect(after?.state).toBe('needs_permission');
    expect(after?.stateSince).toBe(new Date(agent.stateSince).toISOString());
    expect(after?.stateSince).toBe('2026-11-29T19:49:37.625Z');
  });

  it('falls back to the event time for events written before they carried it', () => {
    const event = {
      type: 'agent.stateChanged',
      ts: '2026-01-01T00:00:00.000Z',
      agentId: 'ag-1',
      data: { from: 'idle', to: 'working', detail: { reason: 'working' }, pid: 7 },
    } as unknown as WtpEvent;
    const a = { id: 'ag-1', state: 'idle', stateSince: '2025-12-31T00:00:00.000Z' } as AgentView;
    expect(agentSource(noCalls).patch?.(a, event)?.stateSince).toBe('2026-01-01T00:00:00.000Z');
  });
});
