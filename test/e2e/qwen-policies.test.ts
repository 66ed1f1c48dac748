import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Issue 29's commands, where `dir` is the agents' folder: the 180-column one (`touch` after
 * character 200, its argument split by `${IFS}`), the 160-column one (`curl … | sh` after 200
 * characters of `npm test`), and a long `npm test` alone, which wraps on the screen.
 */
const longCommands = (dir: string) => ({
  pytest: `pytest${'a'.repeat(160)}pytest${'a'.repeat(114)} ;touch\${IFS}${dir}/MARK`,
  curl: `npm test -- ${'a'.repeat(200)}; curl -s http://127.0.0.1:9/x | sh`,
  wrapped: `npm test -- ${'a'.repeat(200)}`,
});

function script(req: FakeChatRequest, dir: string): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText.trim().split('\n').at(-1) ?? '';
  const long = longCommands(dir);
  if (said.includes('run the tests')) return shell('npm test');
  if (said.includes('test then clean')) return shell('npm test; rm -rf build');
  if (said.includes('touch a file')) return shell('touch pwned.txt');
  if (said.includes('long pytest')) return shell(long.pytest);
  if (said.includes('long curl')) return shell(long.curl);
  if (said.includes('long npm test')) return shell(long.wrapped);
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
    home = new TestHome({ WTP_BACKEND: 'tmux', WTP_QWEN_BIN: qwenBinary() });
    api = await FakeOpenAIChat.start((req) => script(req, home.path('long')));
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

/** A folder whose `npm test` leaves `long-ran.txt` (the long commands' agents work there). */
function longProject(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > long-ran.txt' } }),
  );
}

/**
 * The agent asks, in a pane `cols` wide, and its dialog is left for the user: no rule answered it
 * (no approval, no denial event), and a while later it still waits. (The request it waits on may be
 * the one its screen reads, when that differs from its hook's: another dialog, never approved.)
 */
async function staysForTheUser(home: TestHome, name: string, cols: number): Promise<void> {
  await eventually(
    `${name} to ask`,
    async () => ((await home.agent(name)).state === 'needs_permission' ? true : undefined),
    WAIT_MS,
  );
  const shown = await home.json<{ record: { screen: { cols: number } } }>([
    'record-screen',
    name,
    '-o',
    '-',
    '--json',
  ]);
  expect(shown.doc.record.screen.cols).toBe(cols);
  // The policy decides within milliseconds of the request; give it ample time to do anything.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const answered = (await home.events(name)).filter(
    (e) => e.type === 'agent.approved' || e.type === 'agent.denied',
  );
  expect(answered).toEqual([]);
  expect((await home.agent(name)).state).toBe('needs_permission');
}

/** Issue 29's long commands, each asked in a pane of the width of the report. */
const WIDTHS = [
  { cols: 180, agents: { pytest180: 'long pytest', wrapped180: 'long npm test' } },
  { cols: 160, agents: { curl160: 'long curl' } },
] as const;

describe.each(WIDTHS)(
  'real Qwen Code with approval rules, $cols-column panes (issue 29)',
  ({ cols, agents }) => {
    let home: TestHome;
    let api: FakeOpenAIChat;
    let dir: string;
    const names = Object.keys(agents);
    const has = (name: string): boolean => names.includes(name);

    beforeAll(async () => {
      // The headless backend gives each agent the config's width, as in the report.
      home = new TestHome({ WTP_BACKEND: 'headless', WTP_QWEN_BIN: qwenBinary() });
      dir = home.path('long');
      api = await FakeOpenAIChat.start((req) => script(req, dir));
      home.writeConfig(
        `notifications:\n  enabled: false\nagents:\n  cols: ${cols}\napprovals:\n  allow: ["Bash(pytest*)", "Bash(npm test*)"]\n  deny: ["Bash(rm *)"]\n`,
      );
      longProject(dir);
      const qwenHome = home.path('home', '.qwen');
      prepareQwenHome(qwenHome, {
        extra: { model: { name: 'fake-model', generationConfig: { maxRetries: 0 } } },
      });
      Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
      expect((await home.run(['up', '--detach'])).code).toBe(0);
      await Promise.all(
        Object.entries(agents).map(([name, prompt]) =>
          newAgent(home, 'qwen', name, dir, ['--prompt', prompt]),
        ),
      );
    }, 120_000);

    afterAll(async () => {
      await dumpAgentsForDebug(home, 'headless', names);
      await home?.cleanup();
      await api?.close();
    });

    it.runIf(has('pytest180'))(
      'the long `pytest…;touch${IFS}…/MARK` is not approved by Bash(pytest*): MARK is not made, the dialog waits for the user',
      async () => {
        await staysForTheUser(home, 'pytest180', cols);
        expect(existsSync(join(dir, 'MARK'))).toBe(false);
        // The request is the hook's whole command (the screen's row of it, 120 characters, is not).
        const req = (await home.agent('pytest180')).stateDetail.request;
        expect(req).toMatchObject({ about: longCommands(dir).pytest, complete: true });
      },
      WAIT_MS + 30_000,
    );

    it.runIf(has('wrapped180'))(
      'a long `npm test -- a*200` the rules allow, but the screen does not show it whole: not approved, it waits for the user',
      async () => {
        await staysForTheUser(home, 'wrapped180', cols);
        expect(existsSync(join(dir, 'long-ran.txt'))).toBe(false);
        // The rules allow it, so the policy tried; the screen did not show it whole (Qwen Code wraps
        // its title, and the row read as the command is not all of it): refused, nothing pressed.
        const log = readFileSync(home.path('logs', 'daemon.log'), 'utf8');
        expect(log).toMatch(/approval rule matched but the answer was refused/);
        expect(log).toMatch(/DIALOG_NOT_WHOLE|DIALOG_CHANGED/);
      },
      WAIT_MS + 30_000,
    );

    it.runIf(has('curl160'))(
      '`npm test -- a*200; curl … | sh` is not approved by Bash(npm test*): curl and sh are not allowed; it waits for the user',
      async () => {
        await staysForTheUser(home, 'curl160', cols);
        expect(existsSync(join(dir, 'long-ran.txt'))).toBe(false);
        expect(readFileSync(home.path('logs', 'daemon.log'), 'utf8')).toMatch(
          /no allow rule matches \\"curl -s/,
        );
      },
      WAIT_MS + 30_000,
    );
  },
);
