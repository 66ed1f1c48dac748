import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PluginVm, luaValue, startPlugin } from './lua-harness.js';

interface Call {
  fn: string;
  text?: string;
  title?: string;
  message?: string;
  timeout?: number;
  items?: unknown[];
}

let vm: PluginVm;
beforeEach(async () => {
  vm = await startPlugin();
});
afterEach(() => vm.close());

const agent = (name: string, state: string, workspace = 'app') => ({
  wtp_agent: name,
  wtp_state: state,
  wtp_workspace: workspace,
});

/** Two GUI-less mux windows: workspace app (panes 1-3) and workspace web (pane 4). */
const setupMux = (opts = 'nil') =>
  vm.run(`
    stub.setup {
      { workspace = 'app', tabs = {
        { panes = { { id = 1, vars = ${luaValue(agent('api', 'working'))} }, { id = 2, vars = ${luaValue(agent('ui', 'idle'))} } } },
        { panes = { { id = 3, vars = {} } } },
      } },
      { workspace = 'web', tabs = { { panes = { { id = 4, vars = ${luaValue(agent('db', 'needs_input', 'web'))} } } } } },
    }
    plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } }, ${opts})
    stub.clear()
  `);
const calls = (fn?: string) => vm.run<Call[]>(fn ? `return stub.calls_of('${fn}')` : `return stub.calls`);
const setState = (pane: number, state: string) => vm.run(`stub.panes[${pane}].vars.wtp_state = '${state}'`);
/** The state changes in pane 1 (window of workspace app) and WezTerm fires user-var-changed there. */
const change = (pane: number, state: string, name = 'wtp_state') =>
  vm.run(`
    stub.panes[${pane}].vars.${name} = '${state}'
    stub.emit('user-var-changed', stub.window('app', ${pane}), stub.panes[${pane}], '${name}', '${state}')
  `);
const poll = (workspace = 'app', pane = 1) =>
  vm.run(`stub.emit('update-status', stub.window('${workspace}', ${pane}), stub.panes[${pane}])`);
const toasts = () => calls('toast').map((c) => c.message);

describe('status summary', () => {
  it('counts agents per state group, "needs you" last, zero counts left out', () => {
    const list = [
      agent('a', 'working'),
      agent('b', 'working'),
      agent('c', 'needs_permission'),
      agent('d', 'needs_input'),
      agent('e', 'idle'),
      agent('f', 'idle'),
      agent('g', 'idle'),
      agent('h', 'crashed'),
      agent('i', 'running'),
      { wtp_state: 'working' },
      {},
    ];
    expect(vm.run(`return plugin.status_summary(${luaValue(list)})`)).toBe(
      '2 working · 1 running · 3 idle · 1 crashed · 2 needs you',
    );
    expect(
      vm.run(`return plugin.status_summary(${luaValue([agent('a', 'starting'), agent('b', 'exited')])})`),
    ).toBe('1 starting · 1 exited');
  });

  it('is empty without agents', () => {
    expect(vm.run(`return plugin.status_summary({})`)).toBe('');
    expect(vm.run(`return plugin.status_summary({ {}, { wtp_state = 'idle' } })`)).toBe('');
    expect(vm.run(`return plugin.status_items({})`)).toEqual([]);
  });

  it('colours each count with its badge colour', () => {
    const items = vm.run(
      `return plugin.status_items(${luaValue([agent('a', 'working'), agent('b', 'needs_input')])})`,
    );
    expect(items).toEqual([
      { Foreground: { Color: '#a6e3a1' } },
      { Text: '1 working' },
      'ResetAttributes',
      { Text: ' · ' },
      { Foreground: { Color: '#fab387' } },
      { Text: '1 needs you' },
      'ResetAttributes',
      { Text: ' ' },
    ]);
  });
});

describe('update-status', () => {
  it('sets the right status from every mux pane (all workspaces) without running a process', () => {
    setupMux();
    poll();
    expect(calls('set_right_status')).toEqual([
      { fn: 'set_right_status', text: '1 working · 1 idle · 1 needs you ' },
    ]);
    expect(calls('run_child_process')).toEqual([]);
    expect(calls().map((c) => c.fn)).toEqual(['all_windows', 'format', 'set_right_status']);
  });

  it('clears the status when no agent is left', () => {
    setupMux();
    vm.run(`for _, p in pairs(stub.panes) do p.vars = {} end`);
    poll();
    expect(calls('set_right_status')).toEqual([{ fn: 'set_right_status', text: '' }]);
  });

  it('leaves the right status alone with status = false', () => {
    setupMux(`{ status = false }`);
    poll();
    expect(calls('set_right_status')).toEqual([]);
  });
});

describe('needs-you toasts', () => {
  it('toasts once when a pane changes into needs_permission or needs_input', () => {
    setupMux();
    change(1, 'needs_permission');
    expect(calls('toast')).toEqual([
      { fn: 'toast', title: 'wezterm-parallel', message: 'api needs you (permission)', timeout: 4000 },
    ]);
    change(1, 'needs_permission');
    expect(toasts()).toHaveLength(1);
    change(1, 'needs_input');
    expect(toasts()).toEqual(['api needs you (permission)', 'api needs you (input)']);
    change(1, 'working');
    change(1, 'needs_input');
    expect(toasts()).toEqual([
      'api needs you (permission)',
      'api needs you (input)',
      'api needs you (input)',
    ]);
  });

  it('does not toast for other states or other user vars', () => {
    setupMux();
    for (const state of ['starting', 'running', 'working', 'idle', 'exited', 'crashed']) change(1, state);
    change(1, 'needs_input', 'wtp_agent');
    change(1, 'needs_input', 'wtp_workspace');
    expect(toasts()).toEqual([]);
  });

  it('remembers each pane on its own', () => {
    setupMux();
    change(1, 'needs_input');
    change(2, 'needs_input');
    change(1, 'needs_input');
    expect(toasts()).toEqual(['api needs you (input)', 'ui needs you (input)']);
  });

  it('keeps its memory in wezterm.GLOBAL, so a config reload does not toast again', () => {
    setupMux();
    change(1, 'needs_input');
    vm.run(`
      local global = stub.wezterm.GLOBAL
      stub.handlers = {}
      package.loaded['wezterm-parallel'] = nil
      plugin = require('wezterm-parallel')
      plugin.apply_to_config({}, nil)
      assert(stub.wezterm.GLOBAL == global)
    `);
    change(1, 'needs_input');
    expect(toasts()).toEqual(['api needs you (input)']);
  });

  it('also toasts changes that the poll sees in other windows, once, but not at its first look', () => {
    setupMux();
    poll(); // first look: db already needs input; no toast for what it did not see change
    expect(toasts()).toEqual([]);
    setState(4, 'working');
    poll();
    setState(4, 'needs_permission'); // pane 4 is in workspace web: no user-var-changed here
    poll();
    poll();
    expect(toasts()).toEqual(['db needs you (permission)']);
  });

  it('does not toast twice when user-var-changed and the poll both see a change', () => {
    setupMux();
    poll();
    change(1, 'needs_input');
    poll();
    expect(toasts()).toEqual(['api needs you (input)']);
  });

  it('forgets closed panes', () => {
    setupMux();
    poll();
    expect(vm.run(`return stub.wezterm.GLOBAL.wtp_parallel_states`)).toEqual({
      '1': 'working',
      '2': 'idle',
      '4': 'needs_input',
    });
    vm.run(`table.remove(stub.mux_windows, 2)`);
    poll();
    expect(vm.run(`return stub.wezterm.GLOBAL.wtp_parallel_states`)).toEqual({ '1': 'working', '2': 'idle' });
  });

  it('registers no toast handler and toasts nothing with toasts = false', () => {
    setupMux(`{ toasts = false }`);
    poll();
    setState(4, 'working');
    poll();
    setState(4, 'needs_input');
    poll();
    expect(toasts()).toEqual([]);
    expect(vm.run(`return stub.handlers['user-var-changed'] == nil`)).toBe(true);
  });

  it('honours toast_timeout_ms', () => {
    setupMux(`{ toast_timeout_ms = 9000 }`);
    change(1, 'needs_input');
    expect(calls('toast').map((c) => c.timeout)).toEqual([9000]);
  });
});
