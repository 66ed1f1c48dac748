import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, agentSteps, dumpAgentsForDebug, newAgent } from '../support/agent-steps.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';

/**
 * Approval rules on a vendor without native rules (the real Qwen Code TUI, offline, on tmux): the
 * daemon answers the dialog a rule decides through the verified path (`wtp approve`'s), audited
 * as via `policy` with the rule; deny wins; a dialog no rule covers stays for the user.
 */
const shell = (command: string): FakeChatTurn => ({
  toolCall: { name: 'run_shell_command', arguments: { command, description: 'run it' } },
});

function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText.trim().split('\n').at(-1) ?? '';
  if (said.includes('run the tests')) return shell('npm test');
  if (said.includes('test then clean')) return shell('npm test; rm -rf build');
  if (said.includes('touch a file')) return shell('touch pwned.txt');
  return { text: 'ok' };
}

const NAMES = ['tests', 'both', 'touch'];
/** Qwen Code TUIs on two shared cores: a first turn can take a minute and more. */
const WAIT_MS = 150_000;

describe('real Qwen Code with approval rules (policy answers)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  const states = async (name: string): Promise<string[]> =>
    (await agentSteps(home, name, { from: 'agent.inputSent' })).map(([state]) => state);
  const untilLast = (name: string, state: string): Promise<string[]> =>
    eventually(
      `${name} to end in ${state}`,
      async () => {
        const s = await states(name);
        return s.length > 1 && s.at(-1) === state ? s : undefined;
      },
      WAIT_MS,
    );

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_QWEN_BIN: qwenBinary() });
    home.writeConfig(
      'notifications:\n  enabled: false\napprovals:\n  allow: ["Bash(npm test*)"]\n  deny: ["Bash(rm *)"]\n',
    );
    proj = home.path('proj');
    mkdirSync(join(proj, 'build'), { recursive: true });
    writeFileSync(join(proj, 'build', 'keep.txt'), 'built\n');
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > tests-ran.txt' } }),
    );
    const qwenHome = home.path('home', '.qwen');
    prepareQwenHome(qwenHome, {
      extra: { model: { name: 'fake-model', generationConfig: { maxRetries: 0 } } },
    });
    Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    await Promise.all([
      newAgent(home, 'qwen', 'tests', proj, ['--prompt', 'run the tests']),
      newAgent(home, 'qwen', 'both', proj, ['--prompt', 'test then clean']),
      newAgent(home, 'qwen', 'touch', proj, ['--prompt', 'touch a file']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, 'tmux', NAMES);
    await home?.cleanup();
    await api?.close();
  });

  it(
    'approves `npm test` by the allow rule: the command runs, audited as via policy with the rule',
    async () => {
      const s = await untilLast('tests', 'idle');
      expect(s).toContain('needs_permission');
      expect(existsSync(join(proj, 'tests-ran.txt'))).toBe(true);
      const approved = (await home.events('tests')).filter((e) => e.type === 'agent.approved');
      expect(approved).toHaveLength(1);
      expect(approved[0]).toMatchObject({
        source: 'policy',
        data: { via: 'policy', rule: 'Bash(npm test*)', about: 'npm test', always: false },
      });
    },
    WAIT_MS + 30_000,
  );

  it(
    'denies `npm test; rm -rf build` by the deny rule (deny wins): nothing runs',
    async () => {
      await eventually(
        'both to be denied',
        async () => (await home.events('both')).find((e) => e.type === 'agent.denied'),
        WAIT_MS,
      );
      const denied = (await home.events('both')).filter((e) => e.type === 'agent.denied');
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({
        source: 'policy',
        data: { via: 'policy', rule: 'Bash(rm *)', about: 'npm test; rm -rf build' },
      });
      expect((await home.events('both')).map((e) => e.type)).not.toContain('agent.approved');
      expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
    },
    WAIT_MS + 30_000,
  );

  it(
    'leaves a dialog no rule covers to the user',
    async () => {
      const a = await eventually(
        'touch to ask',
        async () => {
          const x = await home.agent('touch');
          return x.state === 'needs_permission' ? x : undefined;
        },
        WAIT_MS,
      );
      expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
      const answered = (await home.events('touch')).filter(
        (e) => e.type.startsWith('agent.approved') || e.type === 'agent.denied',
      );
      expect(answered).toEqual([]);
      expect((await home.agent('touch')).stateSince).toBe(a.stateSince);
    },
    WAIT_MS + 30_000,
  );
});
