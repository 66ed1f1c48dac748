import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { profileInfos } from '../../src/daemon/agent-aware.js';
import { FakePreflight } from '../support/fake-ports.js';
import { type PluginVm, luaString, luaValue, startPlugin } from './lua-harness.js';

interface Call {
  fn: string;
  argv?: string[];
  message?: string;
  url?: string;
  pane?: number;
  tab?: number;
  action?: { action: string; args?: Record<string, unknown> };
  /** split_pane: where, how big, and the argv run in the new pane. */
  direction?: string;
  size?: number;
  args?: string[];
}

let vm: PluginVm;
beforeEach(async () => {
  vm = await startPlugin();
});
afterEach(() => vm.close());

/** `wtp profiles --json` as the daemon prints it, from the vendor registry (plugin-contract.test.ts runs the real one). */
const PROFILES_DOC = {
  version: 1,
  profiles: await profileInfos({
    preflight: new FakePreflight(),
    versions: { get: () => Promise.resolve(null) },
    agentBinaries: {},
    shell: '/bin/sh',
    pathVar: '/usr/bin:/bin',
    cwd: '/',
  }),
};

const PROFILES_ARGV = ['wtp', 'profiles', '--json'];

/**
 * Workspace app: pane 1 (agent api, cwd /src/app) and pane 2 (a shell in /src/my app, no agent vars);
 * the GUI window shows workspace `ws` with pane `active` focused; `wtp profiles --json` answers.
 */
const setup = (opts = 'nil', ws = 'app', active = 1) =>
  vm.run(`
    stub.respond('wtp profiles --json', { stdout = ${luaValue(PROFILES_DOC)} })
    stub.setup { { workspace = 'app', tabs = { { panes = {
      { id = 1, cwd = '/src/app', vars = { wtp_agent = 'api', wtp_state = 'working', wtp_workspace = 'app' } },
      { id = 2, cwd = '/src/my app', cwd_string = true },
      { id = 3 },
    } } } } }
    config = plugin.apply_to_config({ leader = { key = 'b', mods = 'CTRL' } }, ${opts})
    win = stub.window('${ws}', ${active})
    stub.clear()
  `);
const respond = (command: string, stdout: unknown, ok = true) =>
  vm.run(`stub.respond(${luaString(command)}, { ok = ${ok}, stdout = ${luaValue(stdout)} })`);
const press = (key: string, pane = 1) =>
  vm.run(`stub.press(config, '${key}', 'LEADER', win, stub.panes[${pane}])`);
const choose = (id: string | null) => vm.run(`stub.choose(${id === null ? 'nil' : luaString(id)})`);
const enter = (line: string | null) => vm.run(`stub.enter(${line === null ? 'nil' : luaString(line)})`);
const calls = (fn: string) => vm.run<Call[]>(`return stub.calls_of('${fn}')`);
const argvs = () => calls('run_child_process').map((c) => c.argv);
const toasts = () => calls('toast').map((c) => c.message);
const shown = () => calls('perform_action').map((c) => c.action);

describe('new agent (LEADER a)', () => {
  it('asks for a profile, then a name, then runs wtp new with the workspace and directory of the pane', () => {
    setup();
    respond('wtp new claude --name x --workspace app --cwd /src/app --json', {
      version: 1,
      agent: { name: 'x', state: 'starting' },
    });
    press('a');
    expect(shown()[0]).toMatchObject({
      action: 'InputSelector',
      args: {
        title: 'wezterm-parallel: new agent',
        choices: ['claude', 'codex', 'gemini', 'qwen', 'opencode', 'copilot', 'aider', 'shell'].map((p) => ({
          id: p,
          label: p,
        })),
        action: { action: 'callback' },
      },
    });
    choose('claude');
    expect(shown()[1]).toMatchObject({
      action: 'PromptInputLine',
      args: { description: 'Name of the new claude agent (empty: wtp picks one)' },
    });
    expect(argvs()).toEqual([PROFILES_ARGV]);
    enter('  x ');
    expect(argvs()).toEqual([
      PROFILES_ARGV,
      ['wtp', 'new', 'claude', '--name', 'x', '--workspace', 'app', '--cwd', '/src/app', '--json'],
    ]);
    expect(toasts()).toEqual([]);
    expect(calls('log_info').map((c) => c.message)).toEqual(['wezterm-parallel: started x in app']);
  });

  it("falls back to the window's workspace, leaves out an empty name and an unknown directory", () => {
    setup(`{ profiles = { 'codex', 'mine' } }`, 'default', 3);
    press('a', 3);
    expect(shown()[0]?.args?.choices).toEqual([
      { id: 'codex', label: 'codex' },
      { id: 'mine', label: 'mine' },
    ]);
    choose('mine');
    enter('');
    expect(argvs()).toEqual([['wtp', 'new', 'mine', '--workspace', 'default', '--json']]);
  });

  it('decodes a file:// directory (WezTerm before 20240127)', () => {
    setup();
    press('a', 2);
    choose('shell');
    enter('sh1');
    expect(argvs()).toEqual([
      PROFILES_ARGV,
      ['wtp', 'new', 'shell', '--name', 'sh1', '--workspace', 'app', '--cwd', '/src/my app', '--json'],
    ]);
  });

  it('does nothing when the picker or the prompt is cancelled', () => {
    setup();
    press('a');
    choose(null);
    expect(shown()).toHaveLength(1);
    press('a');
    choose('claude');
    enter(null);
    expect(argvs()).toEqual([PROFILES_ARGV, PROFILES_ARGV]);
  });

  it('offers what `wtp profiles --json` lists that runs a program of its own, agent CLIs first', () => {
    setup();
    respond('wtp profiles --json', {
      version: 1,
      profiles: [
        { name: 'shell', agentAware: false, program: '/bin/zsh' },
        { name: 'cmd', agentAware: false, program: null },
        { name: 'claude', agentAware: true, program: 'claude' },
        { name: 'qwen', agentAware: true, program: '/opt/qwen' },
      ],
    });
    press('a');
    expect(shown()[0]?.args?.choices).toEqual(['claude', 'qwen', 'shell'].map((p) => ({ id: p, label: p })));
  });

  it('toasts when `wtp profiles` fails, and offers nothing', () => {
    setup();
    respond(
      'wtp profiles --json',
      { version: 1, error: { code: 'DAEMON_DOWN', message: 'no daemon' } },
      false,
    );
    press('a');
    expect(shown()).toEqual([]);
    expect(toasts()).toEqual(['wtp profiles failed: no daemon']);
  });

  it("toasts wtp's own error message", () => {
    setup();
    respond(
      'wtp new claude --name x --workspace app --cwd /src/app --json',
      { version: 1, error: { code: 'NAME_TAKEN', message: 'an agent named "x" already exists' } },
      false,
    );
    press('a');
    choose('claude');
    enter('x');
    expect(toasts()).toEqual(['wtp new failed: an agent named "x" already exists']);
    expect(calls('log_error')).toHaveLength(1);
  });

  it('runs the configured CLI: a path or an argv prefix', () => {
    setup(`{ wtp = { 'node', '/opt/wtp/bin/wtp.js' } }`);
    respond('node /opt/wtp/bin/wtp.js profiles --json', PROFILES_DOC);
    press('a');
    choose('claude');
    enter('x');
    expect(argvs().map((a) => a?.slice(0, 4))).toEqual([
      ['node', '/opt/wtp/bin/wtp.js', 'profiles', '--json'],
      ['node', '/opt/wtp/bin/wtp.js', 'new', 'claude'],
    ]);
  });
});

describe('wtp failures', () => {
  const run = () => {
    press('d');
    return toasts();
  };
  it('reports a CLI that cannot start, non-JSON output, stderr and a JSON version it does not read', () => {
    setup(`{ wtp = '/nope/wtp' }`);
    vm.run(
      `stub.respond('/nope/wtp dashboard --json', { raise = 'No such file or directory (os error 2)' })`,
    );
    expect(run()).toEqual([
      'wtp dashboard failed: could not run /nope/wtp: No such file or directory (os error 2)',
    ]);
    vm.run(`stub.clear(); stub.respond('/nope/wtp dashboard --json', { stdout = 'hello' })`);
    expect(run()).toEqual(['wtp dashboard failed: unexpected output (not JSON) from /nope/wtp']);
    vm.run(
      `stub.clear(); stub.respond('/nope/wtp dashboard --json', { ok = false, stderr = '\\n  boom\\nmore' })`,
    );
    expect(run()).toEqual(['wtp dashboard failed:   boom']);
    vm.run(
      `stub.clear(); stub.respond('/nope/wtp dashboard --json', { stdout = '{"version":2,"url":"x","opened":true}' })`,
    );
    expect(run()).toEqual([
      'wtp dashboard failed: /nope/wtp printed JSON version 2; this plugin reads version 1',
    ]);
  });
});

describe('new workspace from a template (LEADER t)', () => {
  const templates = {
    version: 1,
    templates: [
      { name: 'quad', description: 'four agents', source: 'builtin' },
      { name: 'solo', description: '', source: 'user' },
    ],
  };

  it('lists templates, asks for a name, creates it in the pane directory and switches to it', () => {
    setup();
    respond('wtp template ls --json', templates);
    respond('wtp workspace new shop --cwd /src/app --template quad --json', {
      version: 1,
      workspace: {
        id: 'ws-1',
        name: 'shop',
        repoPath: '/src/app',
        backend: 'wezterm',
        template: 'quad',
        agents: 4,
      },
    });
    press('t');
    expect(shown()[0]).toMatchObject({
      action: 'InputSelector',
      args: {
        title: 'wezterm-parallel: new workspace in /src/app',
        fuzzy: true,
        choices: [
          { id: 'quad', label: 'quad — four agents [builtin]' },
          { id: 'solo', label: 'solo [user]' },
        ],
      },
    });
    choose('quad');
    enter('shop');
    expect(argvs()).toEqual([
      ['wtp', 'template', 'ls', '--json'],
      ['wtp', 'workspace', 'new', 'shop', '--cwd', '/src/app', '--template', 'quad', '--json'],
    ]);
    expect(shown()[2]).toEqual({ action: 'SwitchToWorkspace', args: { name: 'shop' } });
  });

  it('passes a decoded file:// directory as --cwd and does not switch when creation fails', () => {
    setup();
    respond('wtp template ls --json', templates);
    respond(
      'wtp workspace new x --cwd /src/my app --template solo --json',
      { version: 1, error: { code: 'WORKSPACE_EXISTS', message: 'workspace x exists' } },
      false,
    );
    press('t', 2);
    choose('solo');
    enter('x');
    expect(argvs()[1]).toEqual([
      'wtp',
      'workspace',
      'new',
      'x',
      '--cwd',
      '/src/my app',
      '--template',
      'solo',
      '--json',
    ]);
    expect(toasts()).toEqual(['wtp workspace new failed: workspace x exists']);
    expect(shown().map((a) => a?.action)).toEqual(['InputSelector', 'PromptInputLine']);
  });

  it('needs a pane directory, a template and a name', () => {
    setup();
    press('t', 3);
    expect(argvs()).toEqual([]);
    expect(toasts()).toEqual(['Cannot tell the directory of this pane: cd into the repository first']);
    respond('wtp template ls --json', { version: 1, templates: [] });
    press('t');
    expect(toasts()[1]).toBe('wtp knows no templates');
    respond('wtp template ls --json', templates);
    press('t');
    choose('quad');
    enter('   ');
    expect(argvs()).toHaveLength(2);
  });
});

describe('switch workspace (LEADER s)', () => {
  it('offers wtp workspaces in a fuzzy picker and switches to the one picked', () => {
    setup();
    respond('wtp workspace ls --json', {
      version: 1,
      workspaces: [
        { id: 'ws-1', name: 'app', repoPath: '/src/app', backend: 'wezterm', template: 'quad', agents: 4 },
        { id: 'ws-2', name: 'web', repoPath: '/src/web', backend: 'wezterm', template: 'solo', agents: 1 },
      ],
    });
    press('s');
    expect(argvs()).toEqual([['wtp', 'workspace', 'ls', '--json']]);
    expect(shown()[0]).toMatchObject({
      action: 'InputSelector',
      args: {
        fuzzy: true,
        fuzzy_description: 'Workspace: ',
        choices: [
          { id: 'app', label: 'app  (4 agents · /src/app)' },
          { id: 'web', label: 'web  (1 agent · /src/web)' },
        ],
      },
    });
    choose('web');
    expect(shown()[1]).toEqual({
      action: 'SwitchToWorkspace',
      args: { name: 'web', spawn: { cwd: '/src/web' } },
    });
  });

  it('toasts when wtp knows no workspace', () => {
    setup();
    respond('wtp workspace ls --json', { version: 1, workspaces: [] });
    press('s');
    expect(toasts()).toEqual(['wtp knows no workspaces yet']);
    expect(shown()).toEqual([]);
  });
});

describe('open the dashboard (LEADER d)', () => {
  it('runs wtp dashboard, which opens the browser on a one-time link', () => {
    setup();
    respond('wtp dashboard --json', {
      version: 1,
      url: 'http://127.0.0.1:7537/dashboard/login?code=x',
      expiresAt: '2026-11-22T17:00:00.000Z',
      opened: true,
    });
    press('d');
    expect(argvs()).toEqual([['wtp', 'dashboard', '--json']]);
    expect(calls('open_with')).toEqual([]); // the CLI opens it, not the plugin
    expect(toasts()).toEqual([]);
  });

  it('toasts the link when no browser could be opened, and wtp’s error when it failed', () => {
    setup();
    respond('wtp dashboard --json', {
      version: 1,
      url: 'http://127.0.0.1:7537/dashboard/login?code=x',
      expiresAt: '2026-11-22T17:00:00.000Z',
      opened: false,
    });
    press('d');
    respond(
      'wtp dashboard --json',
      { version: 1, error: { code: 'DAEMON_NOT_RUNNING', message: 'The daemon is not running.' } },
      false,
    );
    press('d');
    expect(toasts()).toEqual([
      'No browser could be opened; sign in within 60 s at http://127.0.0.1:7537/dashboard/login?code=x',
      'wtp dashboard failed: The daemon is not running.',
    ]);
  });
});

describe("approve / deny the focused pane's agent (LEADER y / n)", () => {
  const ANSWERED = (about: string) => ({
    version: 1,
    answered: [{ action: 'approve', about, scope: null, keys: ['enter'], left: true, ms: 300, seq: 9 }],
    refused: [],
  });

  it('runs wtp approve <workspace>/<agent> --via plugin --json and says what was approved', () => {
    setup();
    respond('wtp approve app/api --via plugin --json', ANSWERED('npm test'));
    press('y');
    expect(argvs()).toEqual([['wtp', 'approve', 'app/api', '--via', 'plugin', '--json']]);
    expect(toasts()).toEqual(['Approved app/api: npm test']);
  });

  it('runs wtp deny <workspace>/<agent> --via plugin --json', () => {
    setup();
    respond('wtp deny app/api --via plugin --json', ANSWERED('rm -rf build'));
    press('n');
    expect(argvs()).toEqual([['wtp', 'deny', 'app/api', '--via', 'plugin', '--json']]);
    expect(toasts()).toEqual(['Denied app/api: rm -rf build']);
  });

  it("shows the daemon's refusal (another dialog, nothing asked) as a toast", () => {
    setup();
    const message =
      'Agent "api" now asks about "rm -rf /", not "npm test"; nothing was pressed. Look again, then answer that.';
    respond(
      'wtp approve app/api --via plugin --json',
      { version: 1, error: { code: 'DIALOG_CHANGED', message } },
      false,
    );
    press('y');
    expect(toasts()).toEqual([`wtp approve failed: ${message}`]);
  });

  it('runs nothing for a pane without an agent', () => {
    setup();
    press('y', 2);
    press('n', 3);
    expect(argvs()).toEqual([]);
    expect(toasts()).toEqual(['This pane runs no wtp agent', 'This pane runs no wtp agent']);
  });
});

describe('the terminal UI in a split (LEADER u)', () => {
  it('splits the focused pane and runs wtp tui there, as an argv list', () => {
    setup();
    press('u');
    expect(calls('split_pane').map((c) => [c.pane, c.direction, c.size, c.args])).toEqual([
      [1, 'Right', 0.5, ['wtp', 'tui']],
    ]);
    expect(argvs()).toEqual([]); // nothing else is run
  });

  it('takes an argv prefix for wtp', () => {
    setup("{ wtp = { 'node', '/opt/wtp/bin/wtp.js' } }");
    press('u');
    expect(calls('split_pane').map((c) => c.args)).toEqual([['node', '/opt/wtp/bin/wtp.js', 'tui']]);
  });
});
