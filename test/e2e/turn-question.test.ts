import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  agentSteps,
  dumpAgentsForDebug,
  newAgent,
  type Step,
  untilLastStep,
  untilState as waitForState,
} from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { codexBinary, codexEnv, prepareCodexHome } from '../support/codex-cli.js';
import { copilotBinary, copilotEnv } from '../support/copilot-cli.js';
import {
  opencodeBinary,
  opencodeEnv,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { FakeOpenAI } from '../support/fake-openai.js';
import { FakeOpenAIChat } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { prepareQwenHome, qwenBinary, qwenEnv } from '../support/qwen-cli.js';

/**
 * A turn that ends with a question is waiting on you (issue 36), on the real Claude Code, Codex CLI,
 * Qwen Code, Copilot CLI and OpenCode against their scripted model servers, on tmux, one agent of each started together:
 * the turn's last message (Claude's and Qwen's Stop hook, Codex's notify, Copilot's session file, our OpenCode plugin's session.idle) ends in a plain-text
 * question → needs_input(question) with its text, decided by the rules, notified; `wtp answer`
 * types the reply as the next prompt → a new turn works, ends in a summary → idle (done).
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const QUESTION = 'Which database should I use, Postgres or SQLite?';
const ASKING = `I can set up the storage layer either way.\n\n${QUESTION}`;
const SUMMARY = 'Done: the storage layer now uses Postgres, and its tests pass.';
const REPLY = 'Use Postgres please';

/** The scripted turns, the same for every vendor: the prompt asks, the reply gets a summary. */
const turn = (said: string): { text: string } =>
  said.includes(REPLY)
    ? { text: SUMMARY }
    : said.includes('pick the database')
      ? { text: ASKING }
      : { text: 'ok' };

const AGENTS = [
  { name: 'cq', profile: 'claude', from: 'hook Stop last_assistant_message', args: [] },
  {
    name: 'xq',
    profile: 'codex',
    from: 'notify agent-turn-complete last-assistant-message',
    args: ['--permission-mode', 'on-request'],
  },
  { name: 'qq', profile: 'qwen', from: 'hook Stop last_assistant_message', args: [] },
  // Its Stop hook brings no message: its session's events.jsonl does.
  { name: 'pq', profile: 'copilot', from: 'session file events.jsonl assistant.message', args: [] },
  // Our plugin keeps the last assistant text and sends it with session.idle.
  { name: 'oq', profile: 'opencode', from: 'hook session.idle last_assistant_message (plugin)', args: [] },
] as const;

describe(
  'a turn that ends with a question (real Claude Code, Codex, Qwen Code, Copilot CLI, OpenCode on tmux)',
  REAL_CLI_TESTS,
  () => {
    const backend = 'tmux';
    let home: TestHome;
    let claude: FakeAnthropic;
    let codex: FakeOpenAI;
    let qwen: FakeOpenAIChat;
    let copilot: FakeOpenAIChat;
    let opencode: FakeOpenAIChat;
    let notes: string;

    beforeAll(async () => {
      claude = await FakeAnthropic.start((req) =>
        req.hasToolResult ? { text: 'Done.' } : turn(req.lastUserText),
      );
      codex = await FakeOpenAI.start((req) => turn(req.lastUserText));
      qwen = await FakeOpenAIChat.start((req) => turn(req.lastUserText.trim().split('\n').at(-1) ?? ''));
      copilot = await FakeOpenAIChat.start((req) => turn(req.lastUserText));
      opencode = await FakeOpenAIChat.start((req) => turn(req.lastUserText));
      home = new TestHome({
        WTP_BACKEND: backend,
        WTP_CLAUDE_BIN: claudeBinary(),
        WTP_CODEX_BIN: codexBinary(),
        WTP_QWEN_BIN: qwenBinary(),
        WTP_COPILOT_BIN: copilotBinary(),
        WTP_OPENCODE_BIN: opencodeBinary(),
      });
      notes = home.path('notes.log');
      // Notifications as a user's command gets them: needs_input like any other (and idle after work).
      home.writeConfig(
        [
          'notifications:',
          '  desktop: false',
          '  toast: false',
          '  bell: false',
          '  command:',
          `    argv: ["sh", "-c", "printf '%s|%s|%s|%s\\\\n' \\"$WTP_AGENT_NAME\\" \\"$WTP_STATE\\" \\"$WTP_REASON\\" \\"$WTP_MESSAGE\\" >> ${notes}"]`,
          '',
        ].join('\n'),
      );
      const proj = home.path('proj');
      mkdirSync(proj);
      const userHome = home.path('home');
      prepareClaudeHome(userHome, { cwd: proj, apiKey: API_KEY });
      const codexHome = home.path('home', '.codex');
      prepareCodexHome(codexHome, { baseUrl: codex.url });
      const qwenHome = home.path('home', '.qwen');
      prepareQwenHome(qwenHome);
      Object.assign(
        home.env,
        claudeEnv({ home: userHome, baseUrl: claude.url, apiKey: API_KEY }),
        codexEnv({ home: userHome, codexHome }),
        qwenEnv({ home: userHome, qwenHome, baseUrl: qwen.url }),
        copilotEnv({ home: userHome, copilotHome: home.path('home', '.copilot'), baseUrl: copilot.url }),
      );
      const ocEnv = opencodeEnv({
        home: userHome,
        config: prepareOpencodeConfig(home.path('oc'), { baseUrl: opencode.url }),
      });
      Object.assign(home.env, ocEnv);
      prepareOpencodeHome(ocEnv, proj);
      await home.up();
      await Promise.all(
        AGENTS.map((a) =>
          newAgent(home, a.profile, a.name, proj, [...a.args, '--prompt', 'pick the database']),
        ),
      );
    }, 180_000);

    afterAll(async () => {
      await dumpAgentsForDebug(
        home,
        backend,
        AGENTS.map((a) => a.name),
      );
      await home?.cleanup();
      await Promise.all([
        claude?.close(),
        codex?.close(),
        qwen?.close(),
        copilot?.close(),
        opencode?.close(),
      ]);
    }, 60_000);

    it.each(AGENTS)(
      '$profile: needs_input(question) with its text, from $from; wtp answer starts a new turn; its summary is idle',
      async ({ name, from }) => {
        const waiting = await waitForState(
          home,
          name,
          'needs_input',
          `${name} to wait on its question`,
          backend,
          120_000,
        );
        expect(waiting.stateDetail).toMatchObject({
          reason: 'question',
          source: 'hook',
          request: { kind: 'question', question: QUESTION },
          verdict: { says: 'question', by: 'rules', rule: 'final-question', from, chars: ASKING.length },
        });
        const why = await home.run(['why', name, '--verbose']);
        expect(why.stdout).toContain(`asks:      “${QUESTION}”`);
        expect(why.stdout).toContain(`decided:   a question to you, by the rules (final-question)`);
        // Its steps since the prompt: working, then the question, never an idle between them.
        const asked = await agentSteps(home, name, { from: 'agent.inputSent' });
        expect(asked.map(([state]) => state)).toEqual(['working', 'needs_input']);
        await eventually('the needs_input notification', () =>
          readFileSync(notes, 'utf8').includes(`${name}|needs_input|question|asks “${QUESTION}”`),
        );

        const answered = await home.json<{ answered: { about: string; keys: string[]; left: boolean }[] }>([
          'answer',
          name,
          REPLY,
        ]);
        expect(answered.code, answered.stderr).toBe(0);
        expect(answered.doc.answered[0]).toMatchObject({ about: REPLY, keys: ['text', 'enter'], left: true });
        // The steps since the reply was typed (the last agent.inputSent).
        const sinceReply = async (): Promise<Step[]> => {
          const events = await home.events(name);
          const at = events.map((e) => e.type).lastIndexOf('agent.inputSent');
          return events
            .slice(at)
            .flatMap((e): Step[] =>
              e.type === 'agent.stateChanged'
                ? [[e.data.to, e.data.detail.source, e.data.detail.reason]]
                : [],
            );
        };
        const steps = await untilLastStep(name, 'idle', sinceReply, home);
        expect(
          steps.map(([state]) => state),
          JSON.stringify(steps),
        ).toEqual(['working', 'idle']);
        const done: AgentView = await home.agent(name);
        expect(done.stateDetail).toMatchObject({
          reason: 'turn_done',
          verdict: { says: 'done', by: 'rules', rule: 'no-question', from, chars: SUMMARY.length },
        });
        const audit = (await home.events(name)).filter((e) => e.type === 'agent.answered');
        expect(audit.map((e) => e.data)).toMatchObject([
          { via: 'cli', text: REPLY, keys: ['text', 'enter'] },
        ]);
      },
      240_000,
    );
  },
);
