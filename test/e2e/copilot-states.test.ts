import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import {
  REAL_CLI_TESTS,
  answerDoc,
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  untilLastStep,
  untilState as waitForState,
  dumpAgentsForDebug,
  type Why,
  screenShows,
} from '../support/agent-steps.js';
import { copilotBinary, copilotEnv, COPILOT_VERSION } from '../support/copilot-cli.js';
import { type FakeChatRequest, type FakeChatTurn, FakeOpenAIChat } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The real GitHub Copilot CLI (pinned, installed by scripts/ensure-cli.mjs), offline (a
 * bring-your-own provider, COPILOT_OFFLINE) against the scripted Chat Completions API (Copilot's
 * default wire), on tmux: the state sequence and the signal behind every step. Hooks come from
 * the per-agent plugin the daemon writes (src/vendors/copilot/setup.ts); an interrupt and a turn
 * that failed after Copilot's retries fire no hook that ends the turn, so the screen ends those.
 */

/** The session ids Copilot gives (UUIDs). */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The tool results the scripted model got, in order. */
const toolOutputs: string[] = [];

function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) {
    toolOutputs.push(req.toolOutputText);
    return { text: 'Done.' };
  }
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('write the file')) {
    return {
      toolCall: { name: 'bash', arguments: { command: 'echo hi > out.txt', description: 'Write a file' } },
    };
  }
  if (said.includes('ask me')) {
    return {
      toolCall: {
        name: 'ask_user',
        arguments: {
          message: 'Which colour do you want?',
          requestedSchema: {
            properties: { colour: { type: 'string', title: 'Colour', enum: ['red', 'blue'] } },
            required: ['colour'],
          },
        },
      },
    };
  }
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) {
    // Copilot retries a 429 five times after the retry-after it was given (0: 1 s each, seen).
    return {
      error: {
        status: 429,
        type: 'rate_limit_exceeded',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests',
        headers: { 'retry-after': '0' },
      },
    };
  }
  return { text: 'ok' };
}

const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe.each(['tmux'] as const)('real GitHub Copilot CLI %s', REAL_CLI_TESTS, (backend) => {
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  const names = ['hi', 'perm', 'ask', 'esc', 'kill', 'limit'];
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name), home);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'copilot', name, proj, ['--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_COPILOT_BIN: copilotBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const copilotHome = home.path('home', '.copilot');
    Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
    await home.up();
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('ask', 'ask me'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
      start('limit', 'hit the limit'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, names);
    await home?.cleanup();
    await api?.close();
  });

  it('pre-accepted the trust prompt; a text turn: working, then idle (turn_done), from hooks', async () => {
    const s = await settled('hi', 'idle');
    const a = await home.agent('hi');
    expect(a.version).toBe(COPILOT_VERSION);
    for (const name of names) {
      const all = (await home.events(name)).map((e) => (e.type === 'agent.stateChanged' ? e.data : null));
      expect(all.filter((d) => d?.detail.reason === 'trust')).toEqual([]);
    }
    // The footer's "Working" may be seen before the UserPromptSubmit hook arrives.
    expect(s.map(([state, , reason]) => [state, reason])).toEqual([
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
    expect(s.at(-1)?.[1]).toBe('hook');
    await screenShows(home, 'hi', 'Hi there!');
    const why = await home.json<Why>(['why', 'hi']);
    expect(why.doc.agent.stateDetail.evidence).toBe('hook Stop');
    expect(why.doc.signals.map((x) => x.evidence)).toEqual(
      expect.arrayContaining(['hook UserPromptSubmit', 'hook Stop']),
    );
    // From the hooks' session_id: what a restart resumes.
    expect(why.doc.agent.sessionId).toMatch(SESSION_ID);
    // Copilot's default wire for a provider: no COPILOT_PROVIDER_WIRE_API, no other request.
    expect(new Set(api.requests.map((r) => `${r.method} ${r.path}`))).toEqual(
      new Set(['POST /v1/chat/completions']),
    );
  }, 120_000);

  it('a restarted agent resumes its session (--resume <id> from the hooks): the conversation goes on', async () => {
    await settled('hi', 'idle');
    const before = await home.agent('hi');
    expect(before.sessionId).toMatch(SESSION_ID);
    expect((await home.run(['restart', 'hi'])).code).toBe(0);
    const after = await eventually(
      'hi to run again',
      async () => {
        const a = await home.agent('hi');
        return a.pid !== null && a.pid !== before.pid && a.state === 'idle' ? a : undefined;
      },
      60_000,
    );
    const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['--resume', before.sessionId ?? '']));
    const seen = api.mainRequests.length;
    expect((await home.run(['send', 'hi', 'say hi again', '--enter'])).code).toBe(0);
    const req = await eventually(
      'the resumed turn to reach the API',
      () => api.mainRequests.slice(seen).find((r) => JSON.stringify(r.body).includes('say hi again')),
      60_000,
    );
    // The request after the restart carries the earlier turn: the conversation was resumed.
    const said = JSON.stringify(req.body);
    expect(said).toContain('Hi there!');
    expect(said.indexOf('say hi"')).toBeLessThan(said.indexOf('say hi again'));
    // The new process forgot the old one's signals: this Stop is the resumed turn's.
    const done = await eventually(
      'the resumed turn to end',
      async () => {
        const a = await home.agent('hi');
        return a.state === 'idle' && a.stateDetail.evidence === 'hook Stop' ? a : undefined;
      },
      60_000,
    );
    expect(done.sessionId).toBe(before.sessionId);
  }, 180_000);

  it('asks for approval (needs_permission), runs the command once approved, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the approval dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'permission' });
    expect(waiting.stateDetail.evidence).toMatch(/^hook Notification permission_prompt /);
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    const approved = await answerDoc(home, ['approve', 'perm']); // "1. Yes"
    expect(approved.code, JSON.stringify(approved.doc)).toBe(0);
    const s = await settled('perm', 'idle');
    expect(existsSync(`${proj}/out.txt`)).toBe(true);
    expect(s.slice(-3)).toEqual([
      ['needs_permission', 'hook', 'permission'],
      ['working', 'hook', 'working'], // PostToolUse
      ['idle', 'hook', 'turn_done'],
    ]);
  });

  it('a question (ask_user) needs input; `wtp answer` picks a choice of its unnumbered form by its label, and the turn ends', async () => {
    const waiting = await untilState('ask', 'needs_input', 'the question form');
    expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'question' });
    expect(waiting.stateDetail.evidence).toBe('hook Notification elicitation_dialog "Information requested"');
    // Its form lists its choices with a cursor and no numbers: the arrows from the cursor, then Enter.
    const r = await answerDoc(home, ['answer', 'ask', 'blue']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    expect(r.answered[0]).toMatchObject({ action: 'answer', about: 'blue', keys: ['down', 'enter'] });
    const s = await settled('ask', 'idle');
    expect(s.slice(-3)).toEqual([
      ['needs_input', 'hook', 'question'],
      ['working', 'hook', 'working'], // PostToolUse (tool_name "AskUserQuestion")
      ['idle', 'hook', 'turn_done'],
    ]);
    await screenShows(home, 'ask', /Asked user Which colour do you want\?/);
    expect(toolOutputs.join('\n')).toContain('blue');
  });

  it('is interrupted with ctrl-c during a hanging turn and is idle again (the screen says so)', async () => {
    await eventually(
      'esc to be working on its hanging turn',
      async () => (await steps(home, 'esc')).at(-1)?.[0] === 'working',
      60_000,
    );
    // One Esc only shows "esc again to edit prompt"; two Esc keys cancel only when pressed within
    // a short time (two `wtp send` runs are too slow, and "\e\e" in one write is not two keys).
    // ctrl-c cancels: "● Operation cancelled by user". No hook fires: the screen ends the turn.
    expect((await home.run(['send', 'esc', '--key', 'ctrl-c', '--force'])).code).toBe(0);
    const s = await settled('esc', 'idle');
    // Its transcript says "● Operation cancelled by user"; once in 10 loaded runs it drew its prompt
    // back without that line, as it does after Esc Esc (hang-escesc-01.screen). Either way the
    // screen, not a hook, says idle.
    const [state, source, reason] = s.at(-1) ?? [];
    expect([state, source]).toEqual(['idle', 'screen']);
    expect(['interrupted', 'at_prompt']).toContain(reason);
    const why = await home.json<Why>(['why', 'esc']);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^screen copilot\/(?:interrupted|prompt) /);
    expect(why.doc.agent.stateDetail.overrode).toMatch(
      /^hook said working \(hook UserPromptSubmit\); the screen has said idle for /,
    );
  });

  it('HTTP 429: after its retries the turn fails with no hook to end it; the screen says usage_limit and the vendor is held', async () => {
    // Copilot retries five times; every ErrorOccurred hook says `recoverable: true` (nothing) and
    // no Stop follows, so the hooks' last word stays `working`: the screen's verdict must win.
    const s = await settled('limit', 'needs_input');
    expect(s.at(-1)).toEqual(['needs_input', 'screen', 'usage_limit']);
    const why = await home.json<Why>(['why', 'limit']);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^screen copilot\/usage-limit /);
    expect(why.doc.agent.stateDetail.overrode).toMatch(
      /^hook said working \(hook UserPromptSubmit\); the screen has said needs_input for /,
    );
    expect(why.doc.signals.map((x) => x.evidence)).toContain('hook UserPromptSubmit');
    expect(api.mainRequests.filter((r) => JSON.stringify(r.body).includes('hit the limit'))).toHaveLength(6);
    expect((await home.run(['peek', 'limit'])).stdout).toMatch(/Last error: 429\b/);
    // The governor holds Copilot's vendor, as for Claude's usage limit.
    const quota = cliOutputSchemas.quota.parse((await home.json(['quota'])).doc).holds;
    expect(quota).toEqual([expect.objectContaining({ vendor: 'github', agent: 'limit', resetsAt: null })]);
  });

  it('a killed copilot process ends the agent (the process is the signal)', async () => {
    await settled('kill', 'idle');
    const a = await home.agent('kill');
    expect(a.pid).not.toBeNull();
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});
