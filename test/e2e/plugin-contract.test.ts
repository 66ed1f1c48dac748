import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PluginVm, luaString, startPlugin } from '../plugin/lua-harness.js';
import { BIN, TestHome } from '../support/harness.js';

interface Call {
  fn: string;
  argv?: string[];
  message?: string;
  action?: { action: string; args?: Record<string, unknown> };
}

/**
 * The WezTerm plugin against the real CLI: its key actions run `node bin/wtp.js … --json` for
 * real, against a real (headless) daemon. The Lua side is the recording wezterm stub of
 * test/plugin; only `run_child_process` is real. This is the plugin's contract with `--json`.
 */
describe('plugin ↔ wtp --json', () => {
  let home: TestHome;
  let vm: PluginVm;
  let repo: string;

  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    repo = home.path('repo');
    mkdirSync(repo);
    await home.up();
    vm = await startPlugin(true, (argv) => {
      const [file = '', ...args] = argv;
      const r = spawnSync(file, args, { env: home.env, encoding: 'utf8', timeout: 60_000 });
      return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
    });
    vm.run(`
      stub.setup { { workspace = 'default', tabs = { { panes = { { id = 1, cwd = ${luaString(repo)} } } } } } }
      config = plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } },
        { wtp = { ${luaString(process.execPath)}, ${luaString(BIN)} } })
      win = stub.window('default', 1)
    `);
  });
  afterAll(async () => {
    vm.close();
    await home.cleanup();
  });

  const calls = (fn: string) => vm.run<Call[]>(`return stub.calls_of('${fn}')`);
  const press = (key: string) =>
    vm.run(`stub.clear(); stub.press(config, '${key}', 'LEADER', win, stub.panes[1])`);
  const choose = (id: string) => vm.run(`stub.choose(${luaString(id)})`);
  const enter = (line: string) => vm.run(`stub.enter(${luaString(line)})`);
  const shown = () => calls('perform_action').map((c) => c.action);
  const toasts = () => calls('toast').map((c) => c.message);

  it('LEADER t: lists the real templates, creates the workspace through wtp, switches to it', async () => {
    press('t');
    const selector = shown()[0];
    expect(selector?.action).toBe('InputSelector');
    const choices = (selector?.args?.choices ?? []) as { id: string; label: string }[];
    expect(choices.map((c) => c.id)).toEqual(['claude-dev', 'pair', 'quad', 'review', 'solo']);
    expect(choices.find((c) => c.id === 'pair')?.label).toBe('pair — Two agents side by side [builtin]');

    choose('pair');
    enter('shop');
    expect(toasts()).toEqual([]);
    expect(shown().at(-1)).toEqual({ action: 'SwitchToWorkspace', args: { name: 'shop' } });
    const agents = await home.agents();
    expect(agents.map((a) => [a.workspace, a.name, a.state, a.cwd])).toEqual([
      ['shop', 'left', 'running', repo],
      ['shop', 'right', 'running', repo],
    ]);
  });

  it('LEADER s: offers the real workspaces with their agent counts and repositories', () => {
    press('s');
    const choices = (shown()[0]?.args?.choices ?? []) as { id: string; label: string }[];
    expect(choices).toEqual([
      { id: 'default', label: 'default  (0 agents)' },
      { id: 'shop', label: `shop  (2 agents · ${repo})` },
    ]);
    choose('shop');
    expect(shown().at(-1)).toEqual({
      action: 'SwitchToWorkspace',
      args: { name: 'shop', spawn: { cwd: repo } },
    });
  });

  it('LEADER a: offers the profiles of wtp profiles --json, starts an agent through wtp new in the pane’s workspace and directory', async () => {
    press('a');
    const choices = (shown()[0]?.args?.choices ?? []) as { id: string; label: string }[];
    expect(choices.map((c) => c.id)).toEqual([
      'claude',
      'codex',
      'gemini',
      'qwen',
      'opencode',
      'copilot',
      'aider',
      'shell',
    ]);
    choose('shell');
    enter('helper');
    expect(toasts()).toEqual([]);
    expect(calls('run_child_process').at(-1)?.argv?.slice(2)).toEqual([
      'new',
      'shell',
      '--name',
      'helper',
      '--workspace',
      'default',
      '--cwd',
      repo,
      '--json',
    ]);
    expect(await home.agent('helper')).toMatchObject({ workspace: 'default', state: 'running', cwd: repo });
  });

  it('LEADER y / n: wtp approve|deny <workspace>/<agent> --via plugin; a refusal is the daemon’s own words', () => {
    vm.run(`
      stub.setup { { workspace = 'default', tabs = { { panes = {
        { id = 1, cwd = ${luaString(repo)} },
        { id = 2, vars = { wtp_agent = 'helper', wtp_workspace = 'default', wtp_state = 'running' } },
      } } } } }
    `);
    for (const [key, command] of [
      ['y', 'approve'],
      ['n', 'deny'],
    ] as const) {
      vm.run(`stub.clear(); stub.press(config, '${key}', 'LEADER', win, stub.panes[2])`);
      expect(calls('run_child_process').at(-1)?.argv?.slice(2)).toEqual([
        command,
        'default/helper',
        '--via',
        'plugin',
        '--json',
      ]);
      // A shell has no dialogs to answer: refused by the daemon, nothing pressed.
      expect(toasts()).toEqual([
        expect.stringMatching(
          new RegExp(`^wtp ${command} failed: Agent "helper" runs shell, .*wtp attach helper`),
        ),
      ]);
    }
  });

  it("shows wtp's own error when a request is refused", () => {
    press('t');
    choose('pair');
    enter('shop'); // exists already
    expect(toasts()).toEqual([
      'wtp workspace new failed: A workspace named "shop" already exists. Pick another name, or remove it first (`wtp workspace rm shop`).',
    ]);
  });

  it('LEADER d: wtp dashboard opens a one-time link (through a stand-in xdg-open)', () => {
    // A stand-in opener that records what it was asked to open.
    const bin = home.path('opener-bin');
    mkdirSync(bin);
    const log = home.path('opened.txt');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> ${JSON.stringify(log)}\n`, { mode: 0o755 });
    home.env.PATH = `${bin}:${home.env.PATH ?? '/usr/bin:/bin'}`;
    press('d');
    expect(toasts()).toEqual([]);
    // The opener got the private redirect file, never the URL with its one-time code.
    const opened = readFileSync(log, 'utf8').trim();
    expect(opened).toMatch(/dashboard-open\.html$/);
    expect(readFileSync(opened, 'utf8')).toContain('/dashboard/login?code=');
  });
});
