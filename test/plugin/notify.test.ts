import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PluginVm, luaString, luaValue, startPlugin } from './lua-harness.js';

interface Call {
  fn: string;
  title?: string;
  message?: string;
  timeout?: number;
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

/** Workspace app: pane 1 (api) and 2 (ui); workspace web: pane 4 (db), shown in no GUI window. */
const setup = (opts = 'nil') =>
  vm.run(`
    stub.setup {
      { workspace = 'app', tabs = { { panes = { { id = 1, vars = ${luaValue(agent('api', 'working'))} }, { id = 2, vars = ${luaValue(agent('ui', 'idle'))} } } } } },
      { workspace = 'web', tabs = { { panes = { { id = 4, vars = ${luaValue(agent('db', 'working', 'web'))} } } } } },
    }
    plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } }, ${opts})
    stub.clear()
  `);

/** What the host writes: {"t":title,"m":message,"n":counter}. */
const value = (t: string, m: string, n: number) => JSON.stringify({ t, m, n });
/** The host sets a user var in pane `pane` and WezTerm fires user-var-changed in its window. */
const setVar = (pane: number, raw: string, name = 'wtp_notify') =>
  vm.run(`
    stub.panes[${pane}].vars.${name} = ${luaString(raw)}
    stub.emit('user-var-changed', stub.window('app', ${pane}), stub.panes[${pane}], '${name}', ${luaString(raw)})
  `);
/** The var changes without an event here (the pane is not shown in this GUI window). */
const setQuietly = (pane: number, raw: string, name = 'wtp_notify') =>
  vm.run(`stub.panes[${pane}].vars.${name} = ${luaString(raw)}`);
const poll = () => vm.run(`stub.emit('update-status', stub.window('app', 1), stub.panes[1])`);
const calls = (fn: string) => vm.run<Call[]>(`return stub.calls_of('${fn}')`);
const toasts = () => calls('toast').map((c) => c.message);

describe('wtp_notify toasts', () => {
  it('toasts "title: message" when the host sets wtp_notify', () => {
    setup();
    setVar(1, value('api needs your permission', 'wants to use Bash (workspace app)', 1));
    expect(calls('toast')).toEqual([
      {
        fn: 'toast',
        title: 'wezterm-parallel',
        message: 'api needs your permission: wants to use Bash (workspace app)',
        timeout: 4000,
      },
    ]);
  });

  it('toasts a repeat of the same text (new counter) but not the same value twice', () => {
    setup(`{ toast_timeout_ms = 7000 }`);
    setVar(1, value('api finished its turn', '', 1));
    setVar(1, value('api finished its turn', '', 1));
    setVar(1, value('api finished its turn', '', 2));
    expect(toasts()).toEqual(['api finished its turn', 'api finished its turn']);
    expect(calls('toast').map((c) => c.timeout)).toEqual([7000, 7000]);
  });

  it('ignores bad JSON and values without a title, logging them, and never errors', () => {
    setup();
    for (const raw of ['{not json', '[1,2]', '"just a string"', '{"m":"no title","n":1}', '{"t":"","n":2}']) {
      setVar(1, raw);
    }
    setVar(1, ''); // an empty value is a reset, not worth a warning
    expect(toasts()).toEqual([]);
    const warnings = calls('log_warn').map((c) => c.message);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(
      /^wezterm-parallel: ignored a wtp_notify that is not a notification \(.+\): \{not json$/,
    );
    setVar(1, value('api crashed (exit 1)', 'restart it with wtp restart', 3));
    expect(toasts()).toEqual(['api crashed (exit 1): restart it with wtp restart']);
  });

  it('toasts nothing with notify = false, which toasts = false implies unless notify is given', () => {
    setup(`{ notify = false }`);
    setVar(1, value('api asks a question', 'x', 1));
    poll();
    setQuietly(4, value('db asks a question', 'y', 1));
    poll();
    expect(toasts()).toEqual([]);

    vm.run(`stub.handlers = {}; wezterm.GLOBAL = {}`);
    setup(`{ toasts = false }`);
    expect(vm.run(`return stub.handlers['user-var-changed'] == nil`)).toBe(true);

    vm.run(`stub.handlers = {}; wezterm.GLOBAL = {}`);
    setup(`{ toasts = false, notify = true }`);
    setVar(1, value('api asks a question', 'x', 1));
    setVar(1, 'needs_input', 'wtp_state');
    expect(toasts()).toEqual(['api asks a question: x']);
  });

  it('also toasts what the poll sees change in other windows, once, and not at its first look', () => {
    setup();
    setQuietly(4, value('db asks a question', 'old', 1));
    poll(); // first look: an old notification is not news
    expect(toasts()).toEqual([]);
    setQuietly(4, value('db hit a usage limit (resets 15:00)', 'it waits until the limit resets', 2));
    poll();
    poll();
    expect(toasts()).toEqual(['db hit a usage limit (resets 15:00): it waits until the limit resets']);
  });

  it("toasts a pane's first notification seen by the poll, and not again after the event saw it", () => {
    setup();
    poll();
    setQuietly(4, value('db finished its turn', '', 1));
    poll();
    setVar(1, value('api finished its turn', '', 1));
    poll();
    expect(toasts()).toEqual(['db finished its turn', 'api finished its turn']);
  });

  it("replaces the plugin's own needs-you toast in panes that get the daemon's notifications", () => {
    setup();
    setVar(1, 'needs_input', 'wtp_state');
    expect(toasts()).toEqual(['api needs you (input)']); // no wtp_notify yet: the plugin's own
    setVar(1, value('api asks a question', 'which file?', 1));
    setVar(1, 'working', 'wtp_state');
    setVar(1, 'needs_permission', 'wtp_state');
    poll();
    setVar(2, 'needs_input', 'wtp_state'); // pane 2 never got a wtp_notify
    expect(toasts()).toEqual([
      'api needs you (input)',
      'api asks a question: which file?',
      'ui needs you (input)',
    ]);
  });

  it('keeps the needs-you toasts as they were with notify = false', () => {
    setup(`{ notify = false }`);
    setVar(1, value('api asks a question', 'which file?', 1));
    setVar(1, 'needs_input', 'wtp_state');
    expect(toasts()).toEqual(['api needs you (input)']);
  });
});
