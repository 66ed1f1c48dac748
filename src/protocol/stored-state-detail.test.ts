import { describe, expect, it } from 'vitest';
import { view } from '../../test/support/report-events.js';
import { agentSchema } from './agent.js';
import { fleetAgentRowSchema, fleetEventRowSchema } from './fleet-rows.js';
import { storedStateDetail } from './stored-state-detail.js';

// What another version stored or published: the API schema stays strict, the reading is lenient.

const peerView = (stateDetail: unknown) => ({ ...view('ag-1', 'api', 'ws-1', 'default'), stateDetail });

describe('storedStateDetail', () => {
  it('keeps a detail this version wrote as it is', () => {
    const detail = {
      reason: 'permission',
      source: 'hook',
      evidence: 'hook PermissionRequest Bash',
      tool: 'Bash',
    };
    expect(storedStateDetail(detail)).toEqual(detail);
  });

  it('leaves out a source it does not know, keeping the evidence', () => {
    expect(storedStateDetail({ reason: 'working', source: 'sonar', evidence: 'ping' })).toEqual({
      reason: 'working',
      evidence: 'ping',
    });
  });

  it('does not name a stored `unknown` as a reason it does not know', () => {
    expect(storedStateDetail({ reason: 'unknown' })).toEqual({ reason: 'unknown' });
  });
});

describe('fleet rows from a machine of another version', () => {
  it('show its agent with an unknown reason as `unknown`, where the API schema refuses it', () => {
    const published = peerView({ reason: 'quantum_wait', exitCode: null });
    expect(agentSchema.safeParse(published).success).toBe(false);
    const row = fleetAgentRowSchema.safeParse({ machine: 'm2', view: published });
    expect(row.success && row.data.view.stateDetail).toEqual({
      reason: 'unknown',
      exitCode: null,
      message: 'stored reason "quantum_wait": not one this version knows',
    });
  });

  it('carry no terminal escape of a forged reason through', () => {
    const row = fleetAgentRowSchema.safeParse({ machine: 'm2', view: peerView({ reason: '\u001b[2J' }) });
    expect(row.success && row.data.view.stateDetail.message).toBe(
      'stored reason "?[2J": not one this version knows',
    );
  });

  it('read its events with unknown reasons, in the agent they carry too', () => {
    const base = {
      seq: 7,
      ts: '2026-11-10T12:00:00.000Z',
      source: 'host',
      agentId: 'ag-1',
      workspaceId: 'ws-1',
    };
    const changed = fleetEventRowSchema.safeParse({
      machine: 'm2',
      event: {
        ...base,
        type: 'agent.stateChanged',
        data: { from: null, to: 'idle', detail: { reason: 'nap' }, pid: null },
      },
    });
    expect(
      changed.success &&
        changed.data.event.type === 'agent.stateChanged' &&
        changed.data.event.data.detail.reason,
    ).toBe('unknown');
    const created = fleetEventRowSchema.safeParse({
      machine: 'm2',
      event: { ...base, type: 'agent.created', data: { agent: peerView({ reason: 'born' }) } },
    });
    expect(
      created.success &&
        created.data.event.type === 'agent.created' &&
        created.data.event.data.agent.stateDetail?.reason,
    ).toBe('unknown');
  });
});
