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
} from '../support/agent-steps.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import { anyTestFailed } from '../support/file-failures.js';
import {
  opencodeBinary,
  opencodeEnv,
  opencodeLogTail,
  OPENCODE_VERSION,
  prepareOpencodeConfig,
  prepareOpencodeHome,
} from '../support/opencode-cli.js';

/**
 * The real OpenCode TUI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Chat Completions API, on tmux: every state step comes from our plugin's events (hook signals),
 * the process exit from the process. Four OpenCode TUIs run at once. One agent's two turns (one
 * before and one after its restart) are answered with usage numbers of their own: the tokens the
 * daemon reads from OpenCode's database must be exactly those (issue 35).
 */

const QUESTION = {
  questions: [
    {
      question: 'Which colour should the button be?',
      header: 'Colour',
      options: [
        { label: 'Red', description: 'A red button' },
        { label: 'Blue', description: 'A blue button' },
      ],
    },
  ],
};

/** Usage the server answers hi's two turns with (issue 35: the meter must sum exactly these). */
const HI_USAGE = {
  'say hi again': { input: 5432, cached: 2048, output: 66, reasoning: 0 },
  'say hi': { input: 4321, cached: 1024, output: 55, reasoning: 7 },
};
/** What hi's turns were answered with, in the meter's kinds (input without its cached part). */
const hiSent = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText;
  for (const [prompt, usage] of Object.entries(HI_USAGE)) {
    if (!said.includes(prompt)) continue;
    hiSent.input += usage.input - usage.cached;
    hiSent.output += usage.output;
    hiSent.cacheRead += usage.cached;
    return { text: prompt === 'say hi' ? 'Hi there!' : 'Hi again!', usage };
  }
  if (said.includes('write the file')) {
    return {
      toolCall: { name: 'bash', arguments: { command: 'echo hi > out.txt', description: 'Write out.txt' } },
    };
  }
  if (said.includes('pick a colour')) return { toolCall: { name: 'question', arguments: QUESTION } };
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) {
    return {
      error: {
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        message: 'Rate limit reached for requests',
        headers: { 'retry-after': '30' },
      },
    };
  }
  return { text: 'ok' };
}

/** Steps from the prompt on: [state, source, reason]. */
const stepsOf = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe('real OpenCode CLI tmux', REAL_CLI_TESTS, () => {
  const backend = 'tmux';
  let home: TestHome;
  let fake: FakeOpenAIChat;
  let proj: string;
  let ocEnv: Record<string, string> = {};
  /** Waits for the agent's steps since `from` (the index of its first step to look at) to end in `last`. */
  const until = (name: string, last: string, from = 0): Promise<Step[]> =>
    eventually(
      `${name} to reach ${last}`,
      async () => {
        const s = (await stepsOf(home, name)).slice(from);
        if (process.env.WTP_DEBUG_E2E) console.log(name, JSON.stringify(s));
        return s.length > 1 && s.at(-1)?.[0] === last ? s : undefined;
      },
      180_000,
    );
  const state = (name: string, wanted: string, what: string, ms = 60_000): Promise<AgentView> =>
    eventually(
      what,
      async () => {
        const a = await home.agent(name);
        return a.state === wanted ? a : undefined;
      },
      ms,
    );
  /** Waits until `wtp why` lists hook signals with these evidences (the plugin's events arrived). */
  const heard = (name: string, evidence: (string | RegExp)[]): Promise<string[]> =>
    eventually(
      `${name}'s plugin events ${evidence.join(', ')}`,
      async () => {
        const got = (await home.why(name)).signals.filter((x) => x.source === 'hook').map((x) => x.evidence);
        const all = evidence.every((e) => got.some((g) => (typeof e === 'string' ? g === e : e.test(g))));
        return all ? got : undefined;
      },
      60_000,
    );
  /** [state, reason] of the steps: the first may come from the screen or the plugin, whichever the daemon heard first. */
  const phases = (s: Step[]): [string, string][] => s.map(([st, , reason]) => [st, reason]);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'opencode', name, proj, ['--prompt', prompt]);
  /** Waits until the daemon typed the prompt: the TUI was up (OpenCode TUIs start slowly under load). */
  const typed = (name: string): Promise<boolean> =>
    eventually(
      `${name} to get its prompt`,
      async () => (await home.events(name)).some((e) => e.type === 'agent.inputSent'),
      240_000,
    );

  beforeAll(async () => {
    fake = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_OPENCODE_BIN: opencodeBinary() });
    home.writeConfig('notifications:\n  enabled: false\ncost:\n  readEveryMs: 500\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const config = prepareOpencodeConfig(home.path('oc'), { baseUrl: fake.url });
    const env = opencodeEnv({ home: home.path('home'), config });
    ocEnv = env;
    Object.assign(home.env, env);
    prepareOpencodeHome(env, proj);
    await home.up();
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('esc', 'think for long'),
      start('limit', 'hit the limit'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, ['hi', 'perm', 'esc', 'limit']);
    if (anyTestFailed()) console.log(`OpenCode's log, its end:\n${opencodeLogTail(ocEnv)}`);
    await home?.cleanup();
    await fake?.close();
  });

  it('a text turn: working, then idle (turn_done), told by the plugin; `wtp why` names it', async () => {
    await typed('hi');
    const s = await until('hi', 'idle');
    const a = await home.agent('hi');
    expect(a.version).toBe(OPENCODE_VERSION);
    expect(phases(s)).toEqual([
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
    expect(a.sessionId).toMatch(/^ses_[0-9A-Za-z]+$/);
    await screenShows(home, 'hi', 'Hi there!');
    await heard('hi', ['hook session.status busy', 'hook session.idle']);
  }, 300_000);

  it('asks for permission (about the command), runs it once allowed, goes idle', async () => {
    await typed('perm');
    const waiting = await state('perm', 'needs_permission', 'the permission dialog', 120_000);
    expect(waiting.stateDetail.reason).toBe('permission');
    await heard('perm', ['hook permission.asked bash "echo hi > out.txt"']);
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['approve', 'perm'])).code).toBe(0); // "Allow once"
    const s = await until('perm', 'idle');
    expect(readFileSync(`${proj}/out.txt`, 'utf8')).toBe('hi\n');
    expect(phases(s)).toEqual([
      ['working', 'working'],
      ['needs_permission', 'permission'],
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
    await heard('perm', ['hook permission.replied once', 'hook session.idle']);
  }, 300_000);

  it('asks a question (needs_input), goes on once it is answered', async () => {
    await state('perm', 'idle', 'perm to be idle', 120_000);
    const from = (await stepsOf(home, 'perm')).length;
    expect((await home.run(['send', 'perm', 'pick a colour', '--enter'])).code).toBe(0);
    const asking = await state('perm', 'needs_input', 'the question dialog', 120_000);
    expect(asking.stateDetail.reason).toBe('question');
    await heard('perm', ['hook question.asked "Which colour should the button be?"']);
    expect((await home.run(['answer', 'perm', 'Red'])).code).toBe(0); // "1. Red"
    const s = await until('perm', 'idle', from);
    expect(phases(s)).toEqual([
      ['working', 'working'],
      ['needs_input', 'question'],
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
    await heard('perm', ['hook question.replied', 'hook session.idle']);
  }, 300_000);

  it('is interrupted with two Esc during a hanging turn and is idle again (interrupted)', async () => {
    await typed('esc');
    await state('esc', 'working', 'the hanging turn', 120_000);
    // Its turn is busy before the request goes out. An Esc before that aborts no request: no
    // session.error comes, though its screen says interrupted (seen once under load).
    await eventually(
      'the hanging request to reach the server',
      async () => fake.mainRequests.find((r) => JSON.stringify(r.body).includes('think for long')),
      120_000,
    );
    // The second Esc once OpenCode has read the first: two in one read are one key to it.
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    await screenShows(home, 'esc', 'esc again to interrupt');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await until('esc', 'idle');
    expect(phases(s)).toEqual([
      ['working', 'working'],
      ['idle', 'interrupted'],
    ]);
    await heard('esc', ['hook session.idle after MessageAbortedError']);
  }, 300_000);

  it("reports a usage limit (HTTP 429) as needs_input usage_limit until the retry, through OpenCode's retries", async () => {
    await typed('limit');
    const a = await state('limit', 'needs_input', 'the rate-limited agent to need the user', 120_000);
    expect(a.stateDetail.reason).toBe('usage_limit');
    // OpenCode retries after `retry-after` (30 s); the agent stays limited through the next attempt.
    await heard('limit', ['hook session.status retry #2 "Rate limit reached for requests"']);
    const limited = await home.agent('limit');
    expect(limited.stateDetail).toMatchObject({ source: 'hook', reason: 'usage_limit' });
    expect(Date.parse(limited.stateDetail.resetsAt ?? '')).toBeGreaterThan(Date.parse(limited.stateSince));
    // Limited from the first 429 on (each retry moves the reset time), never back to working.
    const [first, ...rest] = phases(await stepsOf(home, 'limit'));
    expect(first).toEqual(['working', 'working']);
    expect(new Set(rest.map((x) => x.join(' ')))).toEqual(new Set(['needs_input usage_limit']));
    // The governor holds the vendor's quota (`opencode`) until then.
    const held = await eventually('the quota hold', async () =>
      (await home.events('limit')).find((x) => x.type === 'quota.exhausted'),
    );
    expect(held.data).toMatchObject({ vendor: 'opencode' });
  }, 300_000);

  it('a restarted agent resumes its session (--session <id> from the plugin): the conversation goes on, its two turns counted exactly', async () => {
    const before = await state('hi', 'idle', 'hi to be idle', 120_000);
    expect(before.sessionId).toMatch(/^ses_/);
    expect((await home.run(['restart', 'hi'])).code).toBe(0);
    const after = await eventually(
      'hi to run again',
      async () => {
        const a = await home.agent('hi');
        return a.pid !== null && a.pid !== before.pid && a.state === 'idle' ? a : undefined;
      },
      240_000,
    );
    const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['--session', before.sessionId ?? '']));
    expect((await home.run(['send', 'hi', 'say hi again', '--enter'])).code).toBe(0);
    const again = await eventually(
      'the resumed turn to reach the API',
      () => fake.mainRequests.find((r) => JSON.stringify(r.body).includes('say hi again')),
      120_000,
    );
    // It carries the earlier turn: the session was resumed.
    expect(JSON.stringify(again.body)).toContain('Hi there!');
    // Its two turns' tokens, read from OpenCode's database (issue 35): exactly what the server
    // answered them with, across the agent's restart (the same session read on, nothing twice).
    let usage: AgentView['usage'];
    await eventually(
      "hi's two turns to be counted",
      async () => {
        usage = (await home.agent('hi')).usage;
        return JSON.stringify(usage?.tokens) === JSON.stringify(hiSent) || undefined;
      },
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; sent ${JSON.stringify(hiSent)}; usage ${JSON.stringify(usage)}`);
    });
    expect(usage!.tokens).toEqual(hiSent);
    expect(usage!).toMatchObject({
      source: 'OpenCode database (step-finish parts)',
      exactness: 'exact',
      refused: 0,
    });
    expect(usage!.models.map((m) => m.model)).toEqual(['fake-model']);
  }, 400_000);

  it('a killed opencode process ends the agent (the process is the signal)', async () => {
    const a = await state('hi', 'idle', 'hi to be idle', 120_000);
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'hi');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect((await agentSteps(home, 'hi')).at(-1)?.[0]).toBe(gone.state);
  }, 120_000);
});
