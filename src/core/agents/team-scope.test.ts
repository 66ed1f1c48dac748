import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../protocol/agent.js';
import type { McpCaller } from '../../protocol/mcp-scope.js';
import { view } from '../../../test/support/report-events.js';
import { AppError } from '../errors.js';
import { assertMayAct, assertMayRead, assertMayStart } from './team-scope.js';

const agent = (id: string, over: Partial<AgentView> = {}): AgentView => ({
  ...view(id, id.slice(3), 'ws-1', 'default'),
  ...over,
});
const lead = agent('ag-lead', {
  worktree: {
    repo: '/r',
    path: '/w/lead',
    branch: 'wtp/lead',
    base: 'main',
    baseCommit: 'c',
    portStart: 1,
    portCount: 1,
    owned: true,
  },
});
const worker = agent('ag-worker', { startedBy: 'ag-lead' });
const sibling = agent('ag-sibling', { startedBy: 'ag-lead' });
const users = agent('ag-users');
const away = agent('ag-away', { workspaceId: 'ws-2', workspace: 'other' });
const as = (a: AgentView, scope: 'team' | 'workspace' = 'team'): McpCaller => ({
  kind: 'agent',
  agent: a,
  scope,
});

/** The rule an assertion refused with, or 'allowed'. */
function outcome(fn: () => void): string {
  try {
    fn();
    return 'allowed';
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'MCP_OUT_OF_SCOPE') throw err;
    return String((err.details as { rule: string }).rule);
  }
}

describe('team scope (issue 34)', () => {
  it('hostile first: a worker never acts on its lead, itself, a sibling, or outside its workspace', () => {
    expect(outcome(() => assertMayAct(as(worker), lead))).toBe('not_its_lead');
    expect(outcome(() => assertMayAct(as(worker), worker))).toBe('not_itself');
    expect(outcome(() => assertMayAct(as(worker), sibling))).toBe('team_only');
    expect(outcome(() => assertMayAct(as(worker), away))).toBe('own_workspace');
    expect(outcome(() => assertMayRead(as(worker), away))).toBe('own_workspace');
    // The wider scope a user gives widens the team to the workspace, never past itself, its lead or the workspace.
    expect(outcome(() => assertMayAct(as(worker, 'workspace'), lead))).toBe('not_its_lead');
    expect(outcome(() => assertMayAct(as(worker, 'workspace'), worker))).toBe('not_itself');
    expect(outcome(() => assertMayAct(as(worker, 'workspace'), away))).toBe('own_workspace');
    expect(outcome(() => assertMayAct(as(worker, 'workspace'), sibling))).toBe('allowed');
  });

  it('a lead acts on the agents it started and reads its whole workspace', () => {
    expect(outcome(() => assertMayAct(as(lead), worker))).toBe('allowed');
    expect(outcome(() => assertMayAct(as(lead), users))).toBe('team_only');
    expect(outcome(() => assertMayRead(as(lead), users))).toBe('allowed');
    expect(outcome(() => assertMayAct({ kind: 'user' }, lead))).toBe('allowed');
  });

  it('starts only in its workspace and repository, never asking less than it does', () => {
    const ask = { workspaceId: 'ws-1', repo: null, mode: null, modeName: null };
    expect(outcome(() => assertMayStart(as(lead), ask))).toBe('allowed');
    expect(outcome(() => assertMayStart(as(lead), { ...ask, workspaceId: 'ws-2' }))).toBe('own_workspace');
    expect(outcome(() => assertMayStart(as(lead), { ...ask, repo: '/elsewhere' }))).toBe('own_repository');
    expect(outcome(() => assertMayStart(as(lead), { ...ask, repo: '/r' }))).toBe('allowed');
    // Its mode is unknown (no permission read): it counts as asking, so only asking modes pass.
    expect(outcome(() => assertMayStart(as(lead), { ...ask, mode: 'bypass', modeName: 'yolo' }))).toBe(
      'no_wider_permissions',
    );
    expect(outcome(() => assertMayStart(as(lead), { ...ask, mode: 'unknown', modeName: '???' }))).toBe(
      'no_wider_permissions',
    );
    expect(outcome(() => assertMayStart(as(lead), { ...ask, mode: 'plan', modeName: 'plan' }))).toBe(
      'allowed',
    );
    const bold = agent('ag-bold', {
      permission: {
        mode: 'accept_edits',
        native: 'acceptEdits',
        withoutAsking: 'edits',
        origin: 'args',
        originDetail: '',
        source: 'args',
        evidence: '',
        since: '',
      },
    });
    expect(outcome(() => assertMayStart(as(bold), { ...ask, mode: 'accept_edits', modeName: 'x' }))).toBe(
      'allowed',
    );
    expect(outcome(() => assertMayStart(as(bold), { ...ask, mode: 'auto', modeName: 'x' }))).toBe(
      'no_wider_permissions',
    );
  });

  it('never starts a profile that runs what it is given without asking, unless the user granted it', () => {
    const ask = { workspaceId: 'ws-1', repo: null, mode: null, modeName: null };
    expect(outcome(() => assertMayStart(as(lead), { ...ask, ungranted: 'cmd' }))).toBe('profile_not_granted');
    // The user's own client starts what it likes.
    expect(outcome(() => assertMayStart({ kind: 'user' }, { ...ask, ungranted: 'cmd' }))).toBe('allowed');
  });
});
