import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { evidence } from '../../web/src/fleet/evidence.js';

const NOW = Date.parse('2026-11-22T10:00:12.000Z');
const agent = (stateDetail: AgentView['stateDetail']): AgentView =>
  ({ name: 'a1', state: 'needs_permission', stateDetail }) as AgentView;

/** The fleet's "Why" column (web/src/fleet/evidence.ts). */
describe('the fleet’s Why column', () => {
  it('names the signal’s source once, whatever the source', () => {
    const at = { signalAt: '2026-11-22T10:00:00.000Z' };
    expect(
      evidence(
        agent({
          reason: 'permission',
          source: 'screen',
          evidence: 'screen claude/permission-dialog line 31: "Do you want to proceed?"',
          ...at,
        }),
        NOW,
      ),
    ).toBe('screen claude/permission-dialog line 31: "Do you want to proceed?" 12 s ago');
    expect(
      evidence(
        agent({ reason: 'permission', source: 'hook', evidence: 'hook PermissionRequest Bash', ...at }),
        NOW,
      ),
    ).toBe('hook PermissionRequest Bash 12 s ago');
    expect(evidence(agent({ reason: 'spawned', source: 'lifecycle' }), NOW)).toBe('lifecycle spawned');
    expect(evidence(agent({ reason: 'stopped', message: 'stopped by wtp stop' }), NOW)).toBe(
      'stopped — stopped by wtp stop',
    );
  });
});
