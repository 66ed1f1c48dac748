import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  dumpAgentsForDebug,
  screenShows,
  untilState as untilAgentState,
} from '../support/agent-steps.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv, QWEN_VERSION } from '../support/qwen-cli.js';

/**
 * The real Qwen Code TUI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Chat Completions API, on tmux: the state sequence and the signal behind every step. Hooks come
 * from the per-agent system-defaults file the daemon writes (src/vendors/qwen/setup.ts); the
 * user's own settings (QWEN_HOME) hold no hook.
 */

/** Turns by prompt: the last line of the last user message (Qwen Code prepends system reminders). */
function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText.trim().split('\n').at(-1) ?? '';
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('touch the file')) {
    return {
      toolCall: {
        name: 'run_shell_command',
        arguments: { command: 'touch out.txt', description: 'make a file' },
      },
    };
  }
  if (said.includes('ask me')) {
    const question = {
      question: 'Which colour should the button be?',
      header: 'Colour',
      options: [
        { label: 'Red', description: 'a red button' },
        { label: 'Blue', description: 'a blue button' },
      ],
      multiSelect: false,
    };
    return { toolCall: { name: 'ask_user_question', arguments: { questions: [question] } } };
  }
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) {
    return {
      error: {
        status: 429,
        type: 'insufficient_quota',
        code: 'insufficient_quota',
        message: 'You exceeded your current quota, please check your plan and billing details.',
        // As OpenAI sends it: Qwen Code's 7 attempts wait what it says (without it, 1.5 s doubling
        // to 30 s: about 100 s before the turn fails).
        headers: { 'retry-after-ms': '50' },
      },
    };
  }
  return { text: 'ok' };
}

const NAMES = ['hi', 'perm', 'ask', 'esc', 'kill', 'limit'];

/** Six Qwen Code TUIs start at once on two shared cores: a first turn can take a minute and more. */
const WAIT_MS = 150_000;
const TEST_MS = 200_000;

/**
 * A turn's steps: the first `working` may come from the screen (the spinner is drawn before the
 * UserPromptSubmit hook reaches the daemon; the hook then says the same), every later one from hooks.
 */
function expectTurn(s: Step[], rest: Step[]): void {
  expect(s[0]?.[0]).toBe('working');
  expect(['hook', 'screen']).toContain(s[0]?.[1]);
  expect(s.slice(1)).toEqual(rest);
}

/** The agent's state changes after its prompt was typed (the first `agent.inputSent`). */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe('real Qwen Code tmux', REAL_CLI_TESTS, () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  /** Waits for the agent's state; on a timeout it says what it last saw and the daemon's signals. */
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    untilAgentState(home, name, state, what, undefined, WAIT_MS);
  /** Waits until the agent's last step is `[state, source, reason]`. */
  const until = (name: string, last: Step): Promise<Step[]> =>
    eventually(
      `${name} to reach ${last.join(' ')}`,
      async () => {
        const s = await steps(home, name);
        if (process.env.WTP_DEBUG_E2E) console.log(backend, name, JSON.stringify(s));
        const l = s.at(-1);
        return l !== undefined && l[0] === last[0] && l[1] === last[1] && l[2] === last[2] ? s : undefined;
      },
      WAIT_MS,
    );
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'qwen', name, proj, ['--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_QWEN_BIN: qwenBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const qwenHome = home.path('home', '.qwen');
    // A 429 gets 7 silent attempts (the retry-after the server gives apart), then with maxRetries 0
    // (its default 10 retries are 60 s to 5 min apart) the turn ends with StopFailure rate_limit.
    prepareQwenHome(qwenHome, {
      extra: { model: { name: 'fake-model', generationConfig: { maxRetries: 0 } } },
    });
    Object.assign(home.env, qwenEnv({ home: home.path('home'), qwenHome, baseUrl: api.url }));
    await home.up();
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'touch the file'),
      start('ask', 'ask me'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
      start('limit', 'hit the limit'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, NAMES);
    await home?.cleanup();
    await api?.close();
  }, TEST_MS);

  it(
    'a text turn: working, then idle (turn_done), from hooks; the user settings hold no hook',
    async () => {
      const s = await until('hi', ['idle', 'hook', 'turn_done']);
      const a = await home.agent('hi');
      expect(a.version).toBe(QWEN_VERSION);
      expectTurn(s, [['idle', 'hook', 'turn_done']]);
      expect(readFileSync(home.path('home', '.qwen', 'settings.json'), 'utf8')).not.toContain('hook');
      await screenShows(home, 'hi', 'Hi there!');
    },
    TEST_MS,
  );

  it(
    'a restarted agent resumes its session (--resume <id> from the hooks): the conversation goes on',
    async () => {
      await until('hi', ['idle', 'hook', 'turn_done']);
      // Qwen Code queues its session-file writes without awaiting them: under load a restart came
      // before the reply was written, and the resumed conversation lacked it. Its usage, read from
      // that file, says the reply is there.
      const before = await eventually(
        'the reply in its session file',
        async () => {
          const a = await home.agent('hi');
          return (a.usage?.tokens.output ?? 0) > 0 ? a : undefined;
        },
        WAIT_MS,
      );
      expect(before.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await home.run(['restart', 'hi'])).code).toBe(0);
      const after = await eventually(
        'hi to run again, at its prompt',
        async () => {
          const a = await home.agent('hi');
          return a.pid !== null && a.pid !== before.pid && a.state === 'idle' ? a : undefined;
        },
        60_000,
      );
      const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
      expect(argv).toEqual(expect.arrayContaining(['--resume', before.sessionId ?? '']));
      const again = (r: (typeof api.requests)[number]): boolean =>
        r.kind === 'main' && JSON.stringify(r.body).includes('say hi again');
      expect((await home.run(['send', 'hi', 'say hi again', '--enter'])).code).toBe(0);
      const next = await eventually(
        'the resumed turn to reach the API',
        () => api.requests.find(again),
        WAIT_MS,
      );
      // The first request after the restart carries the earlier turn: the conversation was resumed.
      expect(JSON.stringify(next.body)).toContain('Hi there!');
      expect((await home.agent('hi')).sessionId).toBe(before.sessionId);
    },
    TEST_MS,
  );

  it(
    'asks for approval (needs_permission about the command), runs it once approved, goes idle',
    async () => {
      const waiting = await untilState('perm', 'needs_permission', 'the approval dialog');
      expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'permission' });
      expect(waiting.stateDetail.evidence).toBe('hook PermissionRequest run_shell_command "touch out.txt"');
      const why = await home.json<{ agent: AgentView; signals: { source: string; evidence: string }[] }>([
        'why',
        'perm',
      ]);
      expect(why.doc.agent.stateDetail.source).toBe('hook');
      expect(why.doc.signals.map((x) => x.evidence)).toContain(
        'hook PermissionRequest run_shell_command "touch out.txt"',
      );
      expect(existsSync(`${proj}/out.txt`)).toBe(false);
      expect((await home.run(['approve', 'perm'])).code).toBe(0); // "1. Yes, allow once"
      const s = await until('perm', ['idle', 'hook', 'turn_done']);
      expect(existsSync(`${proj}/out.txt`)).toBe(true);
      expectTurn(s, [
        ['needs_permission', 'hook', 'permission'],
        ['working', 'hook', 'working'], // PreToolUse
        ['idle', 'hook', 'turn_done'],
      ]);
    },
    TEST_MS,
  );

  it(
    'a question (ask_user_question) needs input; `wtp answer` picks the first choice and the turn ends',
    async () => {
      const waiting = await untilState('ask', 'needs_input', 'the question');
      expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'question' });
      expect(waiting.stateDetail.evidence).toBe('hook PermissionRequest ask_user_question');
      expect((await home.run(['answer', 'ask', '1'])).code).toBe(0); // "1. a.txt"
      const s = await until('ask', ['idle', 'hook', 'turn_done']);
      expectTurn(s, [
        ['needs_input', 'hook', 'question'],
        ['working', 'hook', 'working'], // PreToolUse
        ['idle', 'hook', 'turn_done'],
      ]);
    },
    TEST_MS,
  );

  it(
    'Esc during a hanging turn: no Stop fires; idle_prompt alone says the turn was interrupted',
    async () => {
      // Its request is at the API (which never answers) and its UserPromptSubmit hook was heard.
      await eventually(
        'the hanging request and its hook',
        async () =>
          api.requests.some((r) => r.kind === 'main' && JSON.stringify(r.body).includes('think for long')) &&
          (await home.why('esc')).signals.some((x) => x.evidence === 'hook UserPromptSubmit'),
        WAIT_MS,
      );
      expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
      const s = await until('esc', ['idle', 'hook', 'interrupted']);
      expectTurn(s, [['idle', 'hook', 'interrupted']]);
      const why = await home.json<{ signals: { evidence: string }[] }>(['why', 'esc']);
      expect(why.doc.signals.map((x) => x.evidence)).not.toContain('hook Stop');
    },
    TEST_MS,
  );

  it(
    'a usage limit (HTTP 429 insufficient_quota, retries exhausted) needs the user: usage_limit',
    async () => {
      const a = await untilState('limit', 'needs_input', 'the usage limit');
      expect(a.stateDetail).toMatchObject({ source: 'hook', reason: 'usage_limit' });
      expect(a.stateDetail.evidence).toMatch(
        /^hook StopFailure rate_limit "429 You exceeded your current quota/,
      );
      await screenShows(home, 'limit', '✕ [API Error: 429 You exceeded your current quota');
    },
    TEST_MS,
  );

  it('a killed qwen process ends the agent (the process is the signal)', async () => {
    await until('kill', ['idle', 'hook', 'turn_done']);
    const a = await home.agent('kill');
    expect(a.pid).not.toBeNull();
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});
