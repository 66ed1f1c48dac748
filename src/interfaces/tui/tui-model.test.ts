import { describe, expect, it } from 'vitest';
import type { AgentView } from '../../protocol/agent.js';
import { agentLine, fit, keptAgentColumns, permissionTitle, type LineOptions } from './agent-line.js';
import { agentsOf, fleetRows, nextNeedingYou, stepAgent } from './fleet-rows.js';
import { buildKeymap, keyName, type InkKey } from './keymap.js';
import { layout, rowAt } from './screen-layout.js';

const NO_KEY: InkKey = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  return: false,
  escape: false,
  ctrl: false,
  meta: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
};

function agent(
  name: string,
  workspace: string,
  state: AgentView['state'],
  since = '2026-11-23T10:00:00.000Z',
): AgentView {
  return {
    id: `ag-${name}`,
    name,
    workspace,
    state,
    stateSince: since,
    stateDetail: { reason: state === 'needs_permission' ? 'permission' : 'spawned' },
    profile: 'cmd',
    worktree: null,
    diffStat: null,
    stats: null,
  } as unknown as AgentView;
}

describe('keymap', () => {
  it('maps key presses to names, and names to actions', () => {
    const { keymap, issues } = buildKeymap();
    expect(issues).toEqual([]);
    expect(keymap.action(keyName('j', NO_KEY) ?? '')).toBe('down');
    expect(keymap.action(keyName('', { ...NO_KEY, downArrow: true }) ?? '')).toBe('down');
    expect(keymap.action(keyName('', { ...NO_KEY, return: true }) ?? '')).toBe('attach');
    expect(keymap.action(keyName('A', { ...NO_KEY, shift: true }) ?? '')).toBe('always');
    expect(keymap.action(keyName('c', { ...NO_KEY, ctrl: true }) ?? '')).toBe('quit');
    expect(keyName('', { ...NO_KEY, tab: true, shift: true })).toBe('shift-tab');
    expect(keyName('\x07', NO_KEY)).toBeNull();
  });

  it('takes remapped keys from the config and refuses clashes and unknown names', () => {
    const { keymap, issues } = buildKeymap({ approve: ['y'], deny: ['N'] });
    expect(issues).toEqual([]);
    expect(keymap.action('y')).toBe('approve');
    expect(keymap.action('a')).toBeUndefined();
    expect(keymap.keys('deny')).toEqual(['N']);
    expect(buildKeymap({ approve: ['j'] }).issues).toEqual([
      { path: 'tui.keys.approve', message: '"j" is already the key of down' },
    ]);
    expect(buildKeymap({ aprove: ['y'] }).issues[0]?.path).toBe('tui.keys.aprove');
    expect(buildKeymap({ approve: ['alt-y'] }).issues).toEqual([
      { path: 'tui.keys.approve', message: '"alt-y" is not a key name' },
    ]);
  });
});

describe('the fleet list', () => {
  it('shows a lead with its workers under it (issue 34)', () => {
    const lead = agent('lead', 'ws', 'idle');
    const w = (name: string): AgentView => ({ ...agent(name, 'ws', 'working'), startedBy: 'ag-lead' });
    const rows = fleetRows([w('zed'), agent('solo', 'ws', 'idle'), lead, w('api')], '', false);
    expect(rows.map((r) => (r.kind === 'agent' ? [r.agent.name, r.team ?? null] : r.name))).toEqual([
      'ws',
      ['lead', null],
      ['api', { depth: 1, last: false }],
      ['zed', { depth: 1, last: true }],
      ['solo', null],
    ]);
    const line = agentLine(w('zed'), {
      width: 100,
      selected: false,
      color: false,
      now: 0,
      conflicts: undefined,
      name: '└─ zed',
    });
    expect(line).toContain('└─ zed');
  });

  const fleet = [
    agent('web', 'shop', 'working'),
    agent('api', 'shop', 'needs_permission', '2026-11-23T10:05:00.000Z'),
    agent('docs', 'blog', 'idle'),
    agent('fix', 'blog', 'needs_input', '2026-11-23T10:01:00.000Z'),
  ];

  it('groups by workspace, or puts who needs you first (longest waiting first)', () => {
    const grouped = fleetRows(fleet, '', false);
    expect(grouped.map((r) => (r.kind === 'agent' ? r.agent.name : `[${r.name}]`))).toEqual([
      '[blog]',
      'docs',
      'fix',
      '[shop]',
      'api',
      'web',
    ]);
    const needs = fleetRows(fleet, '', true);
    expect(needs.map((r) => (r.kind === 'agent' ? r.agent.name : `[${r.name}]`))).toEqual([
      '[needs you]',
      'fix',
      'api',
      '[blog]',
      'docs',
      '[shop]',
      'web',
    ]);
    expect(agentsOf(fleetRows(fleet, 'SHOP', false)).map((a) => a.name)).toEqual(['api', 'web']);
    expect(agentsOf(fleetRows(fleet, 'needs_', false)).map((a) => a.name)).toEqual(['fix', 'api']);
  });

  it('moves the selection, and jumps to the next agent that needs you, wrapping', () => {
    const list = agentsOf(fleetRows(fleet, '', false)); // docs fix api web
    expect(stepAgent(list, 'ag-docs', 1)).toBe('ag-fix');
    expect(stepAgent(list, 'ag-web', 1)).toBe('ag-web');
    expect(stepAgent(list, 'ag-gone', 1)).toBe('ag-docs');
    expect(nextNeedingYou(list, 'ag-docs')).toBe('ag-fix');
    expect(nextNeedingYou(list, 'ag-fix')).toBe('ag-api');
    expect(nextNeedingYou(list, 'ag-api')).toBe('ag-fix');
    expect(nextNeedingYou(agentsOf(fleetRows([fleet[0] as AgentView], '', false)), null)).toBeNull();
  });

  it('draws an agent in exactly the width it is given, with or without colours', () => {
    const a = agent('a-rather-long-agent-name', 'shop', 'needs_permission');
    for (const width of [60, 80, 140]) {
      const plain = agentLine(a, {
        width,
        selected: true,
        color: false,
        now: Date.parse(a.stateSince) + 65_000,
        conflicts: ['web'],
      });
      expect([...plain].length).toBe(width);
      expect(plain).toContain('needs_permission');
      expect(plain).toContain('1m05s');
      expect(plain).not.toContain('\x1b');
    }
    const colored = agentLine(a, { width: 80, selected: false, color: true, now: 0, conflicts: undefined });
    expect(colored).toContain('\x1b[35m');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
  });

  it('shows the pull request and its checks beside the branch', () => {
    const base = agent('api', 'shop', 'idle');
    const pr = {
      forge: 'github',
      number: 12,
      state: 'open',
      checksState: 'failing',
    } as unknown as NonNullable<AgentView['pullRequest']>;
    const opts = { width: 140, selected: false, color: false, now: 0, conflicts: undefined };
    const a = { ...base, worktree: { branch: 'wtp/api' }, pullRequest: pr } as unknown as AgentView;
    expect(agentLine(a, opts)).toMatch(/wtp\/api {2}#12 ✗ *$/);
    const merged = { ...a, pullRequest: { ...pr, state: 'merged' } } as AgentView;
    expect(agentLine(merged, opts)).toMatch(/#12 merged *$/);
    const gitlab = { ...a, pullRequest: { ...pr, forge: 'gitlab', checksState: 'passing' } } as AgentView;
    expect(agentLine(gitlab, opts)).toMatch(/!12 ✓ *$/);
  });

  it('keeps a row for the same agent object, and draws it again when anything it shows changes', () => {
    const a = agent('api', 'shop', 'working', '2026-11-23T10:00:00.000Z');
    const since = Date.parse(a.stateSince);
    const base = { width: 80, selected: false, color: false, now: since + 5_000, conflicts: undefined };
    const variants = [
      base,
      { ...base, now: since + 5_400 }, // the same age shown: kept
      { ...base, now: since + 65_000 },
      { ...base, selected: true },
      { ...base, color: true },
      { ...base, selected: true, color: true },
      { ...base, width: 60 },
      { ...base, conflicts: ['web'] },
      { ...base, conflicts: ['web', 'db'] },
      { ...base, name: '└─ api' },
    ];
    const joined = (a: AgentView, o: LineOptions): string => Object.values(keptAgentColumns(a, o)).join('');
    for (const o of [...variants, ...variants.reverse()]) expect(joined(a, o)).toBe(agentLine(a, o));
    const moved = { ...a, state: 'idle' } as AgentView; // an event brings a new object
    expect(joined(moved, base)).toBe(agentLine(moved, base));
    expect(joined(moved, base)).not.toBe(joined(a, base));
  });

  it('marks an agent that acts without asking with its permission mode (issue 29)', () => {
    const permission = (mode: string, native: string) =>
      ({ mode, native, origin: 'vendor_default', source: 'hook' }) as unknown as AgentView['permission'];
    const auto = { ...agent('api', 'shop', 'idle'), permission: permission('auto', 'auto') } as AgentView;
    const opts = { width: 100, selected: false, color: false, now: 0, conflicts: undefined };
    for (const width of [40, 60, 100]) expect([...agentLine(auto, { ...opts, width })].length).toBe(width);
    expect(agentLine(auto, opts)).toMatch(/idle\(spawned\) +0s +auto mode at its prompt/);
    expect(permissionTitle(auto)).toBe('mode auto — runs the commands it judges safe without asking');
    const asks = { ...auto, permission: permission('default', 'default') } as AgentView;
    expect(agentLine(asks, opts)).not.toContain(' mode ');
    expect(permissionTitle(asks)).toBe('mode default');
    const bypass = { ...auto, permission: permission('bypass', 'bypassPermissions') } as AgentView;
    expect(agentLine(bypass, { ...opts, color: true })).toContain('\x1b[31mbypass mode');
    expect(permissionTitle(agent('sh', 'shop', 'running'))).toBe('');
    // Sandboxed (issue 33): said first, what it does unasked stays inside.
    const sandbox = { write: ['/w'], hide: [], read: [], readOnly: [], hosts: [], forwards: [] };
    expect(permissionTitle({ ...bypass, sandbox } as AgentView)).toBe(
      'sandboxed · mode bypass (bypassPermissions) — edits files and runs commands without asking',
    );
    expect(permissionTitle({ ...agent('sh', 'shop', 'running'), sandbox } as AgentView)).toBe('sandboxed');
  });
});

describe('screen layout and clicks', () => {
  it('puts the preview beside the list from 120 columns and under it below', () => {
    expect(layout(160, 40)).toMatchObject({
      side: true,
      listW: 80,
      listH: 36,
      previewTop: 1,
      previewLeft: 81,
    });
    expect(layout(80, 24)).toMatchObject({
      side: false,
      listW: 80,
      listH: 9,
      previewTop: 10,
      previewLeft: 0,
    });
  });

  it('finds the clicked row in a list windowed around the selection', () => {
    // 3 rows, all in view: screen line 1 is row 0.
    expect(rowAt(1, 3, 0, 9)).toBe(0);
    expect(rowAt(3, 3, 0, 9)).toBe(2);
    expect(rowAt(4, 3, 0, 9)).toBe(-1); // below the last row
    expect(rowAt(0, 3, 0, 9)).toBe(-1); // the header
    // 100 rows, row 50 selected, 9 in view: the window starts at 46.
    expect(rowAt(1, 100, 50, 9)).toBe(46);
    expect(rowAt(9, 100, 50, 9)).toBe(54);
    expect(rowAt(10, 100, 50, 9)).toBe(-1); // the preview, not the list
  });
});
