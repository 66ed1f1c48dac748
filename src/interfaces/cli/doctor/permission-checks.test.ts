import { describe, expect, it } from 'vitest';
import { permissionsCheck, type PermissionFindings } from './permission-checks.js';

const findings = (o: Partial<PermissionFindings> = {}): PermissionFindings => ({
  report: { agents: [], modes: [], rules: [] },
  unknown: [],
  sandboxed: [],
  ...o,
});

describe('permissionsCheck: agents that act without asking, in a sandbox or not', () => {
  it('says nothing new without sandboxed agents', () => {
    expect(permissionsCheck(findings(), '/c.yaml').summary).toBe(
      'no running agent acts without asking; no approval rule allows everything',
    );
  });

  it('does not warn about agents that act without asking inside their sandbox, and names them', () => {
    const c = permissionsCheck(findings({ sandboxed: ['night-1', 'night-2'] }), '/c.yaml');
    expect(c.status).toBe('ok');
    expect(c.summary).toBe(
      'no running agent acts without asking outside a sandbox; no approval rule allows everything; night-1, night-2 act without asking inside a sandbox (the recommended setup for unattended agents)',
    );
  });

  it('still warns about one outside a sandbox, and names the sandbox as the way to run it unattended', () => {
    const c = permissionsCheck(
      findings({
        report: {
          agents: [
            {
              agent: 'wild',
              id: 'ag-1',
              workspace: 'default',
              profile: 'claude',
              flags: ['--dangerously-skip-permissions'],
            },
          ],
          modes: [],
          rules: [],
        },
        sandboxed: ['night-1'],
      }),
      '/c.yaml',
    );
    expect(c.status).toBe('warn');
    expect(c.summary).toContain('wild (claude --dangerously-skip-permissions)');
    expect(c.summary).toContain('night-1 acts without asking inside a sandbox');
  });
});
