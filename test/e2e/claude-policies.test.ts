import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, agentSteps, newAgent, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * Approval rules with the real Claude Code (offline, scripted API): they reach it as its own
 * permission settings, so it enforces them itself. `npm test` runs without a dialog; `rm -rf`
 * is never run — denied by the config's rule, or, allowed by nothing, left at a dialog for the user.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-pol-key';

const bash = (command: string): FakeTurn => ({
  toolUse: { name: 'Bash', input: { command, description: 'run it' } },
});

/** Each agent's script, by the prompt it was given; after the tool's result, the turn ends. */
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: `Result: ${req.toolResultText.slice(0, 200)}` };
  const said = req.lastUserText;
  if (said.includes('run the tests')) return bash('npm test');
  if (said.includes('clean the build')) return bash('rm -rf build');
  if (said.includes('test then clean')) return bash('npm test; rm -rf build');
  if (said.includes('test then touch')) return bash('npm test && touch pwned.txt');
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
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    const own = ['--auto-approve', 'Bash(npm test*)'];
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
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('runs `npm test` without a dialog: the rule is Claude’s own permission', async () => {
    await eventually('npm test to run', () => existsSync(join(proj, 'tests-ran.txt')), 60_000);
    await untilState(home, 'tests', 'idle', 'tests to finish its turn');
    expect(await steps('tests')).not.toContain('needs_permission');
    expect(readFileSync(join(proj, 'tests-ran.txt'), 'utf8')).toBe('tested\n');
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

  it('leaves `npm test && touch pwned.txt` (no rule allows it all) at a dialog for the user', async () => {
    const a = await untilState(home, 'ask', 'needs_permission', 'ask to show its dialog');
    expect(a.stateDetail.evidence).toContain('npm test && touch pwned.txt');
    expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
    // Nothing answers it: no answer event, and it is still waiting on the same dialog.
    expect((await home.events('ask')).map((e) => e.type)).not.toContain('agent.approved');
    expect((await home.agent('ask')).stateSince).toBe(a.stateSince);
  });
});
