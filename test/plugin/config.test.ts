import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PluginVm, startPlugin } from './lua-harness.js';

interface Binding {
  key: string;
  mods: string;
  action: { action: string };
}
interface Call {
  fn: string;
  event?: string;
  message?: string;
}

let vm: PluginVm;
beforeEach(async () => {
  vm = await startPlugin();
});
afterEach(() => vm.close());

const apply = (config: string, opts = 'nil') =>
  vm.run<{ keys: Binding[]; leader?: { key: string }; calls: Call[] }>(`
    stub.clear()
    local config = ${config}
    plugin.apply_to_config(config, ${opts})
    return { keys = config.keys, leader = config.leader, calls = stub.calls }
  `);
const events = (calls: Call[]) => calls.filter((c) => c.fn === 'on').map((c) => c.event);
const chords = (keys: Binding[]) => keys.map((k) => `${k.mods}+${k.key}`);

describe('loading', () => {
  it('only builds the module at file scope: no handler, process, mux or log call', async () => {
    expect(vm.run(`return stub.calls`)).toEqual([]);
    expect(vm.run(`return type(plugin.apply_to_config)`)).toBe('function');
  });

  it('finds its sub-modules through wezterm.plugin.list() when loaded without require', async () => {
    const bare = await startPlugin(false);
    try {
      const loaded = bare.run(`
        stub.plugins = {
          { url = 'https://github.com/someone/other', component = 'x', plugin_dir = '/nowhere' },
          { url = 'https://github.com/o/wezterm-parallel', component = 'c', plugin_dir = '/plugins/wezterm-parallel' },
        }
        local M = assert(loadfile('/plugins/wezterm-parallel/plugin/init.lua'))()
        return type(M.format_tab_title)
      `);
      expect(loaded).toBe('function');
      expect(() =>
        bare.run(`stub.plugins = {}; loadfile('/plugins/wezterm-parallel/plugin/init.lua')()`),
      ).toThrow(/load this plugin with wezterm.plugin.require/);
    } finally {
      bare.close();
    }
  });

  it('loads from an npm install as its header says: the package root on package.path, then require', async () => {
    const npmRoot = '/usr/local/lib/node_modules';
    const header = readFileSync(new URL('../../plugin/init.lua', import.meta.url), 'utf8');
    const snippet = header
      .split('\n')
      .filter((line) => /^ {2}(package\.path = |local wtp = require |wtp\.apply_to_config)/.test(line));
    expect(snippet).toHaveLength(3);
    expect(snippet[0]).toContain(`'${npmRoot}/?/plugin/init.lua;'`);
    const npm = await startPlugin(false, undefined, `${npmRoot}/wezterm-parallel/plugin`);
    try {
      const r = npm.run<{ keys: number; events: string[] }>(`
        local config = {}
        ${snippet.join('\n')}
        local events = {}
        for _, c in ipairs(stub.calls) do if c.fn == 'on' then table.insert(events, c.event) end end
        return { keys = #config.keys, events = events }
      `);
      expect(r).toEqual({ keys: 8, events: ['format-tab-title', 'update-status', 'user-var-changed'] });
    } finally {
      npm.close();
    }
  });
});

describe('apply_to_config', () => {
  it('appends the eight LEADER keybindings as action callbacks and keeps existing keys', async () => {
    const r = apply(
      `{ leader = { key = 'b', mods = 'CTRL' }, keys = { { key = 'x', mods = 'CTRL', action = 'Nop' } } }`,
    );
    expect(chords(r.keys)).toEqual([
      'CTRL+x',
      'LEADER+a',
      'LEADER+t',
      'LEADER+s',
      'LEADER+j',
      'LEADER+d',
      'LEADER+y',
      'LEADER+n',
      'LEADER+u',
    ]);
    expect(r.keys.slice(1).every((k) => k.action.action === 'callback')).toBe(true);
    expect(r.leader).toEqual({ key: 'b', mods: 'CTRL' });
    expect(r.calls.filter((c) => c.fn === 'log_warn')).toEqual([]);
  });

  it('creates config.keys when absent and returns the config', async () => {
    const r = vm.run<{ same: boolean; n: number }>(`
      local config = {}
      local out = plugin.apply_to_config(config, { leader = { key = 'b', mods = 'CTRL' } })
      return { same = out == config, n = #config.keys }
    `);
    expect(r).toEqual({ same: true, n: 8 });
  });

  it('registers format-tab-title, update-status and user-var-changed', async () => {
    const r = apply(`{}`);
    expect(events(r.calls)).toEqual(['format-tab-title', 'update-status', 'user-var-changed']);
  });

  it('registers no format-tab-title handler with tab_title = false (only the first handler runs)', async () => {
    const r = apply(`{}`, `{ tab_title = false }`);
    expect(events(r.calls)).toEqual(['update-status', 'user-var-changed']);
  });

  it('skips update-status with status and toasts off, and user-var-changed with toasts off', async () => {
    expect(events(apply(`{}`, `{ toasts = false }`).calls)).toEqual(['format-tab-title', 'update-status']);
    expect(events(apply(`{}`, `{ status = false, toasts = false }`).calls)).toEqual(['format-tab-title']);
  });

  it('takes keys from opts.keys, per action, with false leaving one out', async () => {
    const r = apply(
      `{}`,
      `{ keys = { new_agent = { key = 'A', mods = 'CTRL|SHIFT' }, dashboard = false, next_needs_you = { key = 'n', mods = 'ALT' } } }`,
    );
    expect(chords(r.keys)).toEqual([
      'CTRL|SHIFT+A',
      'LEADER+t',
      'LEADER+s',
      'ALT+n',
      'LEADER+y',
      'LEADER+n',
      'LEADER+u',
    ]);
  });

  it('binds nothing with keys = false', async () => {
    const r = apply(`{}`, `{ keys = false }`);
    expect(r.keys).toEqual([]);
    expect(r.calls.filter((c) => c.fn === 'log_warn')).toEqual([]);
  });

  it('never replaces an existing binding (same key, mods in any order or alias) and says so', async () => {
    const r = apply(
      `{ leader = { key = 'b', mods = 'CTRL' }, keys = { { key = 's', mods = 'LEADER', action = 'Mine' } } }`,
      `{ keys = { dashboard = { key = 'd', mods = 'CMD|ALT' } } }`,
    );
    expect(chords(r.keys)).toEqual([
      'LEADER+s',
      'LEADER+a',
      'LEADER+t',
      'LEADER+j',
      'CMD|ALT+d',
      'LEADER+y',
      'LEADER+n',
      'LEADER+u',
    ]);
    expect(r.calls.filter((c) => c.fn === 'log_warn').map((c) => c.message)).toEqual([
      'wezterm-parallel: s+LEADER is already bound; switch_workspace left unbound',
    ]);
    const again = apply(
      `{ keys = { { key = 'd', mods = 'OPT | SUPER', action = 'Mine' } } }`,
      `{ keys = { new_agent = false, new_workspace = false, switch_workspace = false, next_needs_you = false, approve = false, deny = false, tui = false, dashboard = { key = 'd', mods = 'CMD|ALT' } } }`,
    );
    expect(chords(again.keys)).toEqual(['OPT | SUPER+d']);
  });

  it('sets opts.leader only when config.leader is unset, and warns when LEADER keys have no leader', async () => {
    const leader = `{ leader = { key = 'a', mods = 'CTRL', timeout_milliseconds = 1000 } }`;
    expect(apply(`{}`, leader).leader).toEqual({ key: 'a', mods: 'CTRL', timeout_milliseconds: 1000 });
    expect(apply(`{ leader = { key = 'q', mods = 'ALT' } }`, leader).leader).toEqual({
      key: 'q',
      mods: 'ALT',
    });
    const bare = apply(`{}`);
    expect(bare.leader).toBeUndefined();
    expect(bare.calls.filter((c) => c.fn === 'log_warn').map((c) => c.message)).toEqual([
      'wezterm-parallel: config.leader is not set, so the LEADER keybindings cannot fire',
    ]);
  });

  it('exposes the actions for binding them by hand', async () => {
    const r = vm.run(`
      local out = {}
      for name, a in pairs(plugin.actions({ wtp = '/opt/wtp' })) do out[name] = a.action end
      return out
    `);
    expect(r).toEqual({
      new_agent: 'callback',
      new_workspace: 'callback',
      switch_workspace: 'callback',
      next_needs_you: 'callback',
      dashboard: 'callback',
      approve: 'callback',
      deny: 'callback',
      tui: 'callback',
    });
  });
});
