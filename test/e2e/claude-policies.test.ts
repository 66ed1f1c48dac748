import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, agentSteps, newAgent, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * Approval rules with the real Claude Code (offline, scripted API): decided by wezterm-parallel's
 * matcher through Claude's PermissionRequest hook before any dialog shows (deny rules also reach it
 * as its own settings). `npm test` runs without a dialog; `rm -rf` is never run — denied by the
 * config's rule, or, allowed by nothing, left at a dialog for the user.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-pol-key';

const bash = (command: string): FakeTurn => ({
  toolUse: { name: 'Bash', input: { command, description: 'run it' } },
});

/** An allowed start (Bash(pytest*)), an unlisted part after 300 characters: no rule allows it all. */
const HIDDEN_TOUCH = `pytest ${'a'.repeat(300)} ; touch pwned.txt`;

/** Each agent's script, by the prompt it was given; after the tool's result, the turn ends. */
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: `Result: ${req.toolResultText.slice(0, 200)}` };
  const said = req.lastUserText;
  if (said.includes('run the tests')) return bash('npm test');
  if (said.includes('clean the build')) return bash('rm -rf build');
  if (said.includes('test then clean')) return bash('npm test; rm -rf build');
  if (said.includes('test then touch')) return bash(HIDDEN_TOUCH);
  if (said.includes('test into outside')) return bash('npm test > ../outside.txt');
  return { text: 'ok' };
}

describe('real Claude Code with approval rules', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;
  const steps = async (name: string): Promise<string[]> =>
    (await agentSteps(home, name, { skip: ['starting'] })).map(([state]) => state);

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(join(proj, 'build'), { recursive: true });
    writeFileSync(join(proj, 'build', 'keep.txt'), 'built\n');
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > tests-ran.txt' } }),
    );
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig('approvals:\n  deny: ["Bash(rm -rf *)"]\n');
    await home.up();
    const own = ['--auto-approve', 'Bash(npm test*)', '--auto-approve', 'Bash(pytest*)'];
    await Promise.all([
      newAgent(home, 'claude', 'tests', proj, [
        ...own,
        '--permission-mode',
        'default',
        '--prompt',
        'run the tests',
      ]),
      newAgent(home, 'claude', 'clean', proj, [
        ...own,
        '--permission-mode',
        'default',
        '--prompt',
        'clean the build',
      ]),
      newAgent(home, 'claude', 'both', proj, [
        ...own,
        '--permission-mode',
        'default',
        '--prompt',
        'test then clean',
      ]),
      newAgent(home, 'claude', 'ask', proj, [
        ...own,
        '--permission-mode',
        'default',
        '--prompt',
        'test then touch',
      ]),
      newAgent(home, 'claude', 'redir', proj, [
        ...own,
        '--permission-mode',
        'default',
        '--prompt',
        'test into outside',
      ]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('runs `npm test` without a dialog: the rule decides through the PermissionRequest hook, audited', async () => {
    await eventually('npm test to run', () => existsSync(join(proj, 'tests-ran.txt')), 60_000);
    await untilState(home, 'tests', 'idle', 'tests to finish its turn');
    expect(await steps('tests')).not.toContain('needs_permission');
    expect(readFileSync(join(proj, 'tests-ran.txt'), 'utf8')).toBe('tested\n');
    const approved = (await home.events('tests')).filter((e) => e.type === 'agent.approved');
    expect(approved).toMatchObject([
      {
        source: 'policy',
        data: { via: 'policy', channel: 'hook', rule: 'Bash(npm test*)', about: 'npm test', keys: [] },
      },
    ]);
  });

  it('leaves `npm test > ../outside.txt` (a write out of the folder no rule allows) at a dialog', async () => {
    const a = await untilState(home, 'redir', 'needs_permission', 'redir to show its dialog');
    expect(a.stateDetail.request).toMatchObject({ tool: 'Bash', about: 'npm test > ../outside.txt' });
    expect(existsSync(join(proj, '..', 'outside.txt'))).toBe(false);
    expect((await home.events('redir')).map((e) => e.type)).not.toContain('agent.approved');
  });

  it('never runs `rm -rf` that a deny rule names: Claude refuses it without asking', async () => {
    await untilState(home, 'clean', 'idle', 'clean to finish its turn');
    const result = api.requests.find(
      (r) =>
        r.kind === 'main' &&
        JSON.stringify(r.body).includes('rm -rf build') &&
        JSON.stringify(r.body).includes('tool_result'),
    );
    expect(JSON.stringify(result?.body)).toMatch(/denied|not allowed|permission/i);
    expect(await steps('clean')).not.toContain('needs_permission');
    expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
  });

  it('does not let `npm test; rm -rf build` through the npm test rule: the deny names its rm part', async () => {
    await untilState(home, 'both', 'idle', 'both to finish its turn');
    expect(await steps('both')).not.toContain('needs_permission');
    expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
  });

  it('the attacker’s case: leaves `pytest a…(300) ; touch pwned.txt` (Bash(pytest*) does not allow it all) at a dialog for the user', async () => {
    const a = await untilState(home, 'ask', 'needs_permission', 'ask to show its dialog');
    // The hook's whole command was decided on (the dialog shows only once the hook gave no decision).
    expect(a.stateDetail.request).toMatchObject({ tool: 'Bash', about: HIDDEN_TOUCH });
    expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
    // Nothing answers it: no answer event, and it is still waiting on the same dialog.
    expect((await home.events('ask')).map((e) => e.type)).not.toContain('agent.approved');
    expect((await home.agent('ask')).stateSince).toBe(a.stateSince);
  });
});

describe('real Claude Code with approval rules over command hooks (no TCP)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj, { recursive: true });
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > tests-ran.txt' } }),
    );
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig('agents:\n  claudeHooks: command\n');
    await home.up();
    await newAgent(home, 'claude', 'tests', proj, [
      '--auto-approve',
      'Bash(npm test*)',
      '--permission-mode',
      'default',
      '--prompt',
      'run the tests',
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('`wtp hook --decide` answers Claude’s PermissionRequest: npm test runs without a dialog, audited', async () => {
    await eventually('npm test to run', () => existsSync(join(proj, 'tests-ran.txt')), 60_000);
    await untilState(home, 'tests', 'idle', 'tests to finish its turn');
    const events = await home.events('tests');
    expect(events.filter((e) => e.type === 'agent.stateChanged').map((e) => e.data.to)).not.toContain(
      'needs_permission',
    );
    expect(events.filter((e) => e.type === 'agent.approved')).toMatchObject([
      { data: { via: 'policy', channel: 'hook', rule: 'Bash(npm test*)' } },
    ]);
  });
});
