import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, agentSteps, dumpAgentsForDebug, newAgent } from '../support/agent-steps.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { screenPolicyDecided } from '../support/policy-log.js';

/**
 * Approval rules with the real GitHub Copilot CLI TUI (offline, on tmux), decided through its
 * permissionRequest hook before any dialog shows: audited as via `policy` on the hook channel, the
 * reason of a deny given to the model; what no rule decides, and what a failed hook call could
 * not, shows its dialog for the user. The hook's contract: test/e2e/decision-hook-contracts.test.ts.
 */
const bash = (command: string): FakeChatTurn => ({
  toolCall: { name: 'bash', arguments: { command, description: 'run it' } },
});

/** Each agent's model, by its prompt (`task-<name>`); what came back for its tool call is kept. */
function script(req: FakeChatRequest, outputs: Map<string, string>): FakeChatTurn {
  const key = /task-(\w+)/.exec(req.lastUserText)?.[1] ?? 'other';
  if (req.hasToolOutput) {
    outputs.set(key, req.toolOutputText);
    return { text: 'Done.' };
  }
  switch (key) {
    case 'hidden':
      return bash(`npm test -- ${'a'.repeat(300)}; rm -rf build`);
    // An allowed start, an unlisted part after 300 characters: no allow rule covers it all.
    case 'pytest':
      return bash(`pytest ${'a'.repeat(300)} ; touch MARK`);
    case 'tests':
      return bash('npm test');
    case 'touch':
      return bash('touch pwned.txt');
    case 'broken':
      return bash('rm -rf build2');
    default:
      return { text: 'ok' };
  }
}

const NAMES = ['hidden', 'pytest', 'tests', 'touch', 'broken'];
/** Copilot CLI TUIs on two shared cores: a first turn can take a minute and more. */
const WAIT_MS = 150_000;

describe('real GitHub Copilot CLI with approval rules (its permissionRequest hook)', REAL_CLI_TESTS, () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  const outputs = new Map<string, string>();
  const states = async (name: string): Promise<string[]> =>
    (await agentSteps(home, name, { from: 'agent.inputSent' })).map(([state]) => state);
  const answers = async (name: string) =>
    (await home.events(name)).filter((e) => e.type === 'agent.approved' || e.type === 'agent.denied');
  const modelGot = (name: string): Promise<string> =>
    eventually(`${name}'s tool result to reach the model`, () => outputs.get(name), WAIT_MS);
  const asks = (name: string) =>
    eventually(
      `${name} to ask`,
      async () => ((await home.agent(name)).state === 'needs_permission' ? true : undefined),
      WAIT_MS,
    );
  // One agent at a time (each test starts its own and stops it): every hook call is a node process.
  const start = (name: string, extra: string[] = []): Promise<void> =>
    newAgent(home, 'copilot', name, proj, [...extra, '--prompt', `task-${name}`]);
  const stop = async (name: string): Promise<void> => {
    expect((await home.run(['stop', name])).code).toBe(0);
  };

  beforeAll(async () => {
    api = await FakeOpenAIChat.start((req) => script(req, outputs));
    home = new TestHome({ WTP_BACKEND: backend, WTP_COPILOT_BIN: copilotBinary() });
    home.writeConfig(
      'notifications:\n  enabled: false\napprovals:\n  allow: ["Bash(npm test*)", "Bash(pytest*)"]\n  deny: ["Bash(rm *)"]\n',
    );
    proj = home.path('proj');
    for (const dir of ['build', 'build2']) {
      mkdirSync(join(proj, dir), { recursive: true });
      writeFileSync(join(proj, dir, 'keep.txt'), 'built\n');
    }
    writeFileSync(
      join(proj, 'package.json'),
      JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > tests-ran.txt' } }),
    );
    const copilotHome = home.path('home', '.copilot');
    Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, NAMES);
    await home?.cleanup();
    await api?.close();
  }, 120_000);

  it(
    'the attacker’s case: `npm test -- a…(300); rm -rf build` is denied through the hook on the whole command, no dialog; the model gets why',
    async () => {
      await start('hidden');
      expect(await modelGot('hidden')).toContain('Denied by the approval rule Bash(rm *)');
      expect(await states('hidden')).not.toContain('needs_permission');
      expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
      expect(existsSync(join(proj, 'tests-ran.txt'))).toBe(false);
      expect(await answers('hidden')).toMatchObject([
        {
          type: 'agent.denied',
          source: 'policy',
          data: { via: 'policy', channel: 'hook', rule: 'Bash(rm *)' },
        },
      ]);
      await stop('hidden');
    },
    WAIT_MS + 30_000,
  );

  it(
    'the attacker’s case: `pytest a…(300) ; touch MARK` is approved neither through the hook nor on the screen by Bash(pytest*): its dialog waits for the user',
    async () => {
      await start('pytest');
      await asks('pytest');
      expect(await screenPolicyDecided(home, 'pytest', 60_000)).toMatch(/left for the user/);
      expect(existsSync(join(proj, 'MARK'))).toBe(false);
      expect(await answers('pytest')).toEqual([]);
      expect((await home.agent('pytest')).state).toBe('needs_permission');
      await stop('pytest');
    },
    WAIT_MS + 30_000,
  );

  it(
    'an allow rule approves `npm test` through the hook: it runs without a dialog, audited on the hook channel',
    async () => {
      await start('tests');
      await modelGot('tests');
      expect(readFileSync(join(proj, 'tests-ran.txt'), 'utf8')).toBe('tested\n');
      expect(await states('tests')).not.toContain('needs_permission');
      expect(await answers('tests')).toMatchObject([
        {
          type: 'agent.approved',
          source: 'policy',
          data: { via: 'policy', channel: 'hook', rule: 'Bash(npm test*)', about: 'npm test', keys: [] },
        },
      ]);
      await stop('tests');
    },
    WAIT_MS + 30_000,
  );

  it(
    'no rule decides `touch pwned.txt`: its dialog waits for the user, who approves it',
    async () => {
      await start('touch');
      await asks('touch');
      expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
      expect(await answers('touch')).toEqual([]);
      expect((await home.run(['approve', 'touch'])).code).toBe(0);
      await eventually(
        'pwned.txt to be made',
        () => existsSync(join(proj, 'pwned.txt')) || undefined,
        WAIT_MS,
      );
      expect(await answers('touch')).toMatchObject([{ type: 'agent.approved', data: { via: 'cli' } }]);
      await stop('touch');
    },
    WAIT_MS + 30_000,
  );

  it(
    'a failed hook call decides nothing: `rm -rf build2` is neither denied nor run through it, its dialog shows',
    async () => {
      // Its hooks reach no daemon (`wtp hook` finds none under that WTP_HOME): every hook call fails.
      await start('broken', ['-e', `WTP_HOME=${home.path('no-daemon-here')}`]);
      await asks('broken');
      expect(existsSync(join(proj, 'build2', 'keep.txt'))).toBe(true);
      expect((await answers('broken')).filter((e) => e.data.channel === 'hook')).toEqual([]);
      await stop('broken');
    },
    WAIT_MS + 30_000,
  );
});
