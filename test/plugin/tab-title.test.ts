import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PluginVm, luaValue, startPlugin } from './lua-harness.js';

interface PaneInfo {
  vars?: Record<string, string>;
  active?: boolean;
}
type Item = string | { Text?: string; Foreground?: { Color: string } };

let vm: PluginVm;
beforeAll(async () => {
  vm = await startPlugin();
  vm.run(`plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } }, nil)`);
});
afterAll(() => vm.close());
beforeEach(() => vm.run(`stub.clear()`));

/**
 * Runs the registered format-tab-title handler as WezTerm does: synchronously (a child process
 * fails), with a TabInformation built from `panes` (the first active one becomes active_pane).
 */
const title = (panes: PaneInfo[], maxWidth = 40, withPanesField = true) =>
  vm.run<{ items?: Item[]; text?: string; calls: { fn: string }[] }>(`
    local infos = {}
    for i, p in ipairs(${luaValue(panes)}) do
      infos[i] = { pane_id = i, pane_index = i - 1, is_active = p.active or false, title = 'zsh', user_vars = p.vars or {} }
    end
    local active = infos[1]
    for _, p in ipairs(infos) do if p.is_active then active = p end end
    local tab = { tab_id = 7, tab_index = 0, is_active = true, tab_title = '', active_pane = active }
    if ${withPanesField} then tab.panes = infos end
    local items = stub.emit_sync('format-tab-title', tab, { tab }, { active }, {}, false, ${maxWidth})
    return { items = items, text = items and stub.render(items), calls = stub.calls }
  `);
const agent = (state: string, name = 'api'): PaneInfo => ({
  vars: { wtp_agent: name, wtp_state: state, wtp_workspace: 'app' },
  active: true,
});
const cells = (s: string | undefined) => [...(s ?? '')].length;

describe('format-tab-title', () => {
  it.each([
    ['starting', ' … api ', '#9399b2'],
    ['running', ' » api ', '#89b4fa'],
    ['working', ' ● api ', '#a6e3a1'],
    ['needs_permission', ' ! api ', '#fab387'],
    ['needs_input', ' ? api ', '#f9e2af'],
    ['idle', ' ✓ api ', '#94e2d5'],
    ['exited', ' ○ api ', '#6c7086'],
    ['crashed', ' ✗ api ', '#f38ba8'],
  ])('%s → "%s", the badge in %s', async (state, text, color) => {
    const r = title([agent(state)]);
    expect(r.text).toBe(text);
    expect(r.items).toEqual([
      { Text: ' ' },
      { Foreground: { Color: color } },
      { Text: text.slice(1, 2) },
      'ResetAttributes',
      { Text: text.slice(2) },
    ]);
  });

  it('shows a plain dot for a state it does not know yet', async () => {
    expect(title([agent('thinking_hard')]).text).toBe(' • api ');
  });

  it('returns nil (WezTerm draws its own title) for tabs whose panes run no agent', async () => {
    expect(title([{ vars: {}, active: true }]).items).toBeUndefined();
    expect(title([{ vars: { wtp_state: 'working', wtp_agent: '' }, active: true }]).items).toBeUndefined();
  });

  it('calls opts.fallback_tab_title for tabs without agents', async () => {
    const other = await startPlugin();
    try {
      const r = other.run(`
        plugin.apply_to_config({}, { fallback_tab_title = function(tab, _, _, _, hover, max) return tab.active_pane.title .. '/' .. max end })
        return stub.emit_sync('format-tab-title', { active_pane = { title = 'vim', user_vars = {} } }, {}, {}, {}, false, 12)
      `);
      expect(r).toBe('vim/12');
    } finally {
      other.close();
    }
  });

  it('shows the most urgent agent of a split tab and counts the others', async () => {
    const tab = [
      agent('working', 'api'),
      { vars: { wtp_agent: 'web', wtp_state: 'needs_input' } },
      { vars: {} },
    ];
    expect(title(tab).text).toBe(' ? web +1 ');
    const crashed = [agent('idle', 'api'), { vars: { wtp_agent: 'db', wtp_state: 'crashed' } }];
    expect(title(crashed).text).toBe(' ✗ db +1 ');
  });

  it('prefers the active pane among equally urgent agents', async () => {
    const tab = [{ vars: { wtp_agent: 'api', wtp_state: 'working' } }, agent('working', 'web')];
    expect(title(tab).text).toBe(' ● web +1 ');
  });

  it('uses the active pane alone when the tab has no panes field', async () => {
    const tab = [agent('idle', 'api'), { vars: { wtp_agent: 'web', wtp_state: 'needs_input' } }];
    expect(title(tab, 40, false).text).toBe(' ✓ api ');
  });

  it('keeps within max_width: padding goes first, then the name is cut with "…"', async () => {
    const long = [agent('working', 'a-very-long-agent-name')];
    expect(title(long, 26).text).toBe(' ● a-very-long-agent-name ');
    expect(title(long, 25).text).toBe('● a-very-long-agent-name');
    expect(title(long, 10).text).toBe('● a-very-…');
    expect(title([agent('needs_input')], 6).text).toBe('? api');
    expect(title([agent('needs_input')], 2).text).toBe('?…');
    expect(title([agent('needs_input')], 1).text).toBe('…');
    expect(title([agent('needs_input')], 0).text).toBe('');
    for (const width of [0, 1, 3, 5, 8, 13, 20]) {
      expect(cells(title(long, width).text)).toBeLessThanOrEqual(width);
    }
  });

  it('keeps the badge colour when the title is cut', async () => {
    const r = title([agent('needs_permission', 'backend-service')], 8);
    expect(r.items).toEqual([
      { Foreground: { Color: '#fab387' } },
      { Text: '!' },
      'ResetAttributes',
      { Text: ' backe' },
      { Text: '…' },
    ]);
  });

  it('runs no child process and makes no mux call (the handler is synchronous)', async () => {
    const r = title([agent('working'), { vars: { wtp_agent: 'web', wtp_state: 'idle' } }]);
    expect(r.calls).toEqual([]);
  });

  it('takes icons and colours from opts.badges', async () => {
    const other = await startPlugin();
    try {
      const r = other.run(`
        plugin.apply_to_config({}, { badges = { working = { icon = 'W' }, idle = { color = 'red' } } })
        local function tab(state) return { active_pane = { is_active = true, user_vars = { wtp_agent = 'x', wtp_state = state } } } end
        return {
          stub.render(stub.emit_sync('format-tab-title', tab('working'), {}, {}, {}, false, 20)),
          stub.emit_sync('format-tab-title', tab('idle'), {}, {}, {}, false, 20)[2],
          stub.emit_sync('format-tab-title', tab('working'), {}, {}, {}, false, 20)[2],
        }
      `);
      expect(r).toEqual([' W x ', { Foreground: { Color: 'red' } }, { Foreground: { Color: '#a6e3a1' } }]);
    } finally {
      other.close();
    }
  });
});

describe('badge', () => {
  it('returns icon and colour for a state', async () => {
    expect(vm.run(`return { plugin.badge('needs_input') }`)).toEqual(['?', '#f9e2af']);
    expect(vm.run(`return { plugin.badge('nope') }`)).toEqual(['•']);
  });
});
