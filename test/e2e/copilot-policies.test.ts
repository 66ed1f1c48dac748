import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAL_CLI_TESTS, dumpAgentsForDebug, START_MS, withEvidence } from '../support/agent-steps.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { SCREEN_DECIDED } from '../support/policy-log.js';
import { SharedAgent } from '../support/shared-agent.js';

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

const NAMES = ['copilot', 'broken'];
/** Copilot CLI TUIs on two shared cores: a first turn can take a minute and more. */
const WAIT_MS = 150_000;

describe('real GitHub Copilot CLI with approval rules (its permissionRequest hook)', REAL_CLI_TESTS, () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  const outputs = new Map<string, string>();
  /**
   * One Copilot CLI takes the tasks in turn (one CLI at a time: every hook call is a node
   * process); each test reads its own task.
   */
  let shared: SharedAgent;
  const states = async (agent = shared): Promise<string[]> => (await agent.steps()).map(([state]) => state);
  const answers = async (agent = shared) =>
    (await agent.events()).filter((e) => e.type === 'agent.approved' || e.type === 'agent.denied');
  const modelGot = (name: string): Promise<string> =>
    eventually(`${name}'s tool result to reach the model`, () => outputs.get(name), WAIT_MS);
  /** A timeout says what the daemon knew of the agent (its signals, its screen). */
  const asks = (agent = shared) =>
    withEvidence(
      home,
      agent.name,
      eventually(
        `${agent.name} to ask`,
        async () => ((await home.agent(agent.name)).state === 'needs_permission' ? true : undefined),
        WAIT_MS,
      ),
    );

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
    shared = new SharedAgent(home, 'copilot', { profile: 'copilot', cwd: proj, idleMs: WAIT_MS });
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, NAMES);
    await home?.cleanup();
    await api?.close();
  }, 120_000);

  it(
    'the attacker’s case: `npm test -- a…(300); rm -rf build` is denied through the hook on the whole command, no dialog; the model gets why',
    async () => {
      await shared.task('task-hidden');
      expect(await modelGot('hidden')).toContain('Denied by the approval rule Bash(rm *)');
      expect(await states()).not.toContain('needs_permission');
      expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
      expect(existsSync(join(proj, 'tests-ran.txt'))).toBe(false);
      expect(await answers()).toMatchObject([
        {
          type: 'agent.denied',
          source: 'policy',
          data: { via: 'policy', channel: 'hook', rule: 'Bash(rm *)' },
        },
      ]);
    },
    START_MS + WAIT_MS, // a start, then its turn
  );

  it(
    'the attacker’s case: `pytest a…(300) ; touch MARK` is approved neither through the hook nor on the screen by Bash(pytest*): its dialog waits for the user',
    async () => {
      await shared.task('task-pytest');
      await asks();
      expect(await shared.logLine(SCREEN_DECIDED, 'the approval rules to decide on its dialog')).toMatch(
        /left for the user/,
      );
      expect(existsSync(join(proj, 'MARK'))).toBe(false);
      expect(await answers()).toEqual([]);
      expect((await home.agent(shared.name)).state).toBe('needs_permission');
      await shared.dismiss();
    },
    WAIT_MS + 30_000,
  );

  it(
    'an allow rule approves `npm test` through the hook: it runs without a dialog, audited on the hook channel',
    async () => {
      await shared.task('task-tests');
      await modelGot('tests');
      expect(readFileSync(join(proj, 'tests-ran.txt'), 'utf8')).toBe('tested\n');
      expect(await states()).not.toContain('needs_permission');
      expect(await answers()).toMatchObject([
        {
          type: 'agent.approved',
          source: 'policy',
          data: { via: 'policy', channel: 'hook', rule: 'Bash(npm test*)', about: 'npm test', keys: [] },
        },
      ]);
    },
    WAIT_MS + 30_000,
  );

  it(
    'no rule decides `touch pwned.txt`: its dialog waits for the user, who approves it',
    async () => {
      await shared.task('task-touch');
      await asks();
      expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
      expect(await answers()).toEqual([]);
      expect((await home.run(['approve', shared.name])).code).toBe(0);
      await eventually(
        'pwned.txt to be made',
        () => existsSync(join(proj, 'pwned.txt')) || undefined,
        WAIT_MS,
      );
      expect(await answers()).toMatchObject([{ type: 'agent.approved', data: { via: 'cli' } }]);
    },
    WAIT_MS + 30_000,
  );

  it(
    'a failed hook call decides nothing: `rm -rf build2` is neither denied nor run through it, its dialog shows',
    async () => {
      // An agent of its own whose hooks reach no daemon (`wtp hook` finds none under that
      // WTP_HOME): every hook call fails.
      const broken = new SharedAgent(home, 'broken', {
        profile: 'copilot',
        cwd: proj,
        args: ['-e', `WTP_HOME=${home.path('no-daemon-here')}`],
      });
      await broken.task('task-broken');
      await asks(broken);
      expect(existsSync(join(proj, 'build2', 'keep.txt'))).toBe(true);
      expect((await answers(broken)).filter((e) => e.data.channel === 'hook')).toEqual([]);
      expect((await home.run(['stop', 'broken'])).code).toBe(0);
    },
    START_MS + WAIT_MS, // a start, then its turn
  );
});
