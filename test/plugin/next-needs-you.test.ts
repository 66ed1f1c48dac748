import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PluginVm, luaValue, startPlugin } from './lua-harness.js';

interface Call {
  fn: string;
  argv?: string[];
  pane?: number;
  tab?: number;
  message?: string;
  action?: { action: string; args?: unknown };
}

let vm: PluginVm;
beforeEach(async () => {
  vm = await startPlugin();
  // Workspace app: tab 1 = panes 1 (api, working) and 2 (ui, needs_input); tab 2 = pane 3 (shell).
  // Workspace ops: tab 3 = pane 4 (db, needs_permission) and pane 5 (ci, crashed).
  vm.run(`
    local function a(name, state) return { wtp_agent = name, wtp_state = state } end
    stub.setup {
      { workspace = 'app', tabs = {
        { id = 1, panes = { { id = 1, vars = a('api', 'working') }, { id = 2, vars = a('ui', 'needs_input') } } },
        { id = 2, panes = { { id = 3 } } },
      } },
      { workspace = 'ops', tabs = {
        { id = 3, panes = { { id = 4, vars = a('db', 'needs_permission') }, { id = 5, vars = a('ci', 'crashed') } } },
      } },
    }
    config = plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } }, nil)
    stub.clear()
  `);
  waiting([]);
});

/** What \`wtp ls --json\` says: the agents with their state and since when. */
const waiting = (agents: { workspace: string; name: string; state: string; stateSince: string }[]) =>
  vm.run(`stub.respond('wtp ls --json', { stdout = ${luaValue({ version: 1, agents })} })`);
const agent = (workspace: string, name: string, state: string, stateSince: string) => ({
  workspace,
  name,
  state,
  stateSince,
});
afterEach(() => vm.close());

/** Presses LEADER j in a GUI window showing `ws` with `pane` focused; returns what it did. */
const jump = (ws: string, pane: number) =>
  vm.run<Call[]>(`
    stub.clear()
    stub.press(config, 'j', 'LEADER', stub.window('${ws}', ${pane}), stub.panes[${pane}])
    return stub.calls
  `);
const did = (calls: Call[]) =>
  calls
    .filter((c) => c.fn !== 'all_windows' && c.fn !== 'run_child_process')
    .map((c) =>
      c.fn === 'perform_action'
        ? `${c.action?.action} ${JSON.stringify(c.action?.args)}`
        : c.fn === 'toast'
          ? `toast ${c.message}`
          : `${c.fn} ${c.tab ?? c.pane}`,
    );

describe('jump to the next agent that needs you (LEADER j)', () => {
  it('activates the tab and pane of the next needing agent in the same workspace', () => {
    expect(did(jump('app', 1))).toEqual(['activate_tab 1', 'activate_pane 2']);
  });

  it('switches workspace for an agent in another one', () => {
    expect(did(jump('app', 2))).toEqual([
      'SwitchToWorkspace {"name":"ops"}',
      'activate_tab 3',
      'activate_pane 4',
    ]);
  });

  it('wraps around the mux', () => {
    expect(did(jump('ops', 4))).toEqual([
      'SwitchToWorkspace {"name":"app"}',
      'activate_tab 1',
      'activate_pane 2',
    ]);
    expect(did(jump('ops', 5))).toEqual([
      'SwitchToWorkspace {"name":"app"}',
      'activate_tab 1',
      'activate_pane 2',
    ]);
  });

  it('skips panes without agents and agents that do not need you (crashed included)', () => {
    expect(did(jump('app', 3))).toEqual([
      'SwitchToWorkspace {"name":"ops"}',
      'activate_tab 3',
      'activate_pane 4',
    ]);
  });

  it('stays on the current pane when it is the only one that needs you', () => {
    vm.run(`stub.panes[4].vars.wtp_state = 'idle'`);
    expect(did(jump('app', 2))).toEqual(['activate_tab 1', 'activate_pane 2']);
  });

  it('toasts when no agent needs you', () => {
    vm.run(`stub.panes[2].vars.wtp_state = 'working'; stub.panes[4].vars.wtp_state = 'idle'`);
    expect(did(jump('app', 1))).toEqual(['toast No agent needs you']);
  });

  it('starts from the first pane when the current pane is unknown to the mux', () => {
    expect(
      vm.run(`
        local e = plugin.next_needing_pane(stub.window('app', { pane_id = function() return 99 end }))
        return { e.pane:pane_id(), e.workspace }
      `),
    ).toEqual([2, 'app']);
  });

  it('runs only wtp ls --json (how long each has waited)', () => {
    const calls = jump('app', 1);
    expect(calls.filter((c) => c.fn === 'run_child_process').map((c) => c.argv)).toEqual([
      ['wtp', 'ls', '--json'],
    ]);
  });

  it('goes to the agent that has waited longest, then on in order of waiting', () => {
    // db (ops) has waited since 10:00, ui (app) since 10:05: from anywhere else, db first.
    waiting([
      agent('app', 'api', 'working', '2026-11-23T09:00:00.000Z'),
      agent('app', 'ui', 'needs_input', '2026-11-23T10:05:00.000Z'),
      agent('ops', 'db', 'needs_permission', '2026-11-23T10:00:00.000Z'),
    ]);
    const toDb = ['SwitchToWorkspace {"name":"ops"}', 'activate_tab 3', 'activate_pane 4'];
    expect(did(jump('app', 1))).toEqual(toDb);
    expect(did(jump('app', 3))).toEqual(toDb);
    expect(did(jump('ops', 4))).toEqual([
      'SwitchToWorkspace {"name":"app"}',
      'activate_tab 1',
      'activate_pane 2',
    ]);
    expect(did(jump('app', 2))).toEqual(toDb);
  });

  it('puts agents wtp does not list after those it does (a pane seen before the daemon)', () => {
    waiting([agent('ops', 'db', 'needs_permission', '2026-11-23T10:05:00.000Z')]);
    const toDb = ['SwitchToWorkspace {"name":"ops"}', 'activate_tab 3', 'activate_pane 4'];
    expect(did(jump('app', 1))).toEqual(toDb);
    expect(did(jump('ops', 4))).toEqual([
      'SwitchToWorkspace {"name":"app"}',
      'activate_tab 1',
      'activate_pane 2',
    ]);
  });

  it('jumps in pane order when wtp ls fails, and says so in the log only', () => {
    vm.run(`stub.respond('wtp ls --json', { ok = false, stderr = 'daemon down' })`);
    const calls = jump('app', 1);
    expect(did(calls)).toEqual(['log_warn undefined', 'activate_tab 1', 'activate_pane 2']);
    expect(calls.find((c) => c.fn === 'log_warn')?.message).toBe(
      'wezterm-parallel: wtp ls failed (daemon down); jumping in pane order',
    );
  });
});
