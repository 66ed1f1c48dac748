import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  withEvidence,
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  untilLastStep,
  untilState as waitForState,
  dumpAgentsForDebug,
  screenShows,
  typeThenEnter,
} from '../support/agent-steps.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import {
  GEMINI_MODEL,
  GEMINI_VERSION,
  geminiBinary,
  geminiEnv,
  prepareGeminiHome,
} from '../support/gemini-cli.js';
import { eventually, TestHome } from '../support/harness.js';

/** Live gemini processes (not zombies) of this agent (WTP_AGENT_ID in their environment): gemini and its relaunched child, as "pid argv". */
function agentProcesses(agentId: string): string[] {
  const pids: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      const argv = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
      if (argv.includes('/gemini/node_modules/') && env.includes(`WTP_AGENT_ID=${agentId}`)) {
        pids.push(`${name} ${argv}`);
      }
    } catch {
      // gone
    }
  }
  return pids;
}

/** A daily quota the API says is used up (HTTP 429 as the Gemini API sends it): Gemini does not retry it. */
const DAILY_QUOTA = {
  status: 429,
  code: 'RESOURCE_EXHAUSTED',
  message: 'You exceeded your current quota, please check your plan and billing details.',
  details: [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
        },
      ],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '41s' },
  ],
};

/**
 * The real Gemini CLI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Gemini API, on tmux: the state sequence and the signal behind every step. The daemon gives each
 * agent its own GEMINI_CLI_HOME with our settings hooks (src/vendors/gemini/setup.ts): they tell
 * the turn (BeforeAgent, AfterAgent), the dialogs (Notification) and the session id (resume); the
 * screen (detectors.ts, checked on the recorded 0.61.0 corpus) tells what no hook does (Esc, the
 * usage-limit dialog); the process tells the end.
 */

/** Turns by prompt: each agent gets its own script through the text it was asked. */
function script(req: FakeGeminiRequest): FakeGeminiTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  // A mutating command: read-only ones (echo …) run without a dialog in the default mode.
  if (said.includes('touch the file')) {
    return { toolCall: { name: 'run_shell_command', args: { command: 'touch out.txt' } } };
  }
  if (said.includes('ask me')) {
    const question = {
      question: 'Which color?',
      header: 'Color',
      type: 'choice',
      options: [
        { label: 'Red', description: 'red' },
        { label: 'Blue', description: 'blue' },
      ],
    };
    return { toolCall: { name: 'ask_user', args: { questions: [question] } } };
  }
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) return { error: DAILY_QUOTA };
  return { text: 'ok' };
}

const NAMES = ['hi', 'perm', 'ask', 'esc', 'kill', 'limit'];

/** The agent's state changes after its prompt was typed (the first `agent.inputSent`). */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe('real Gemini CLI tmux', REAL_CLI_TESTS, () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeGemini;
  let proj: string;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name), home);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'gemini', name, proj, ['--model', GEMINI_MODEL, '--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeGemini.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_GEMINI_BIN: geminiBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    prepareGeminiHome(home.path('home'));
    Object.assign(home.env, geminiEnv({ home: home.path('home'), baseUrl: api.url }));
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
  });

  it('a text turn: working, then idle, from its hooks (BeforeAgent, AfterAgent); why names the hook', async () => {
    const s = await settled('hi', 'idle');
    const a = await home.agent('hi');
    expect(a.version).toBe(GEMINI_VERSION);
    // Its own GEMINI_CLI_HOME (profile environment, not the agent's own env): our hooks live there.
    expect(a.env.GEMINI_CLI_HOME).toBeUndefined();
    expect(existsSync(home.path('agents', a.id, 'gemini-home', '.gemini', 'settings.json'))).toBe(true);
    expect(s.map(([state]) => state)).toEqual(['working', 'idle']);
    expect(s.at(-1)).toEqual(['idle', 'hook', 'turn_done']);
    await screenShows(home, 'hi', 'Hi there!');
    const why = await home.json<{ agent: AgentView; signals: { evidence: string }[] }>(['why', 'hi']);
    expect(why.doc.agent.stateDetail.evidence).toBe('hook AfterAgent');
    expect(why.doc.signals.map((x) => x.evidence)).toEqual(expect.arrayContaining(['hook BeforeAgent']));
    expect(why.doc.agent.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a restarted agent resumes its session (--resume <id> from the hooks): the conversation goes on', async () => {
    const before = await untilState('hi', 'idle', 'hi to be idle');
    expect(before.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await home.run(['restart', 'hi'])).code).toBe(0);
    const after = await eventually(
      'hi to run again',
      async () => {
        const a = await home.agent('hi');
        return a.pid !== null && a.pid !== before.pid && a.state === 'idle' ? a : undefined;
      },
      120_000,
    );
    const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['--resume', before.sessionId ?? '']));
    // Gemini loads the old turns once its start-up is over ("Resuming session...", as the
    // SessionStart hook fires) and drops what is typed meanwhile: send once that is done.
    await eventually(
      'the SessionStart hook of the resumed session',
      async () => (await home.why('hi')).signals.some((x) => x.evidence === 'hook SessionStart resume'),
      120_000,
    );
    await eventually(
      'the resumed session to be loaded',
      async () => !(await home.run(['peek', 'hi'])).stdout.includes('Resuming session'),
      60_000,
    );
    await untilState('hi', 'idle', 'hi to be idle after the resume');
    const seen = api.mainRequests.length;
    // Text and Enter in one write read as a paste to Gemini (Enter becomes a newline): two sends.
    await typeThenEnter(home, 'hi', 'say hi again');
    // Its own request: the other agents of this file share the API (seen: 'kill''s first prompt
    // arriving after the restart).
    const again = await eventually(
      'the resumed turn to reach the API',
      () => api.mainRequests.slice(seen).find((r) => JSON.stringify(r.body).includes('say hi again')),
      60_000,
    );
    // It carries the earlier turn: the conversation was resumed.
    expect(JSON.stringify(again.body)).toContain('Hi there!');
    expect((await home.agent('hi')).sessionId).toBe(before.sessionId);
  }, 240_000);

  it('asks for permission (needs_permission from the Notification hook), runs the command once approved, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the permission dialog');
    expect(waiting.stateDetail).toMatchObject({
      source: 'hook',
      reason: 'permission',
      evidence: 'hook Notification ToolPermission "touch out.txt"',
    });
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['approve', 'perm'])).code).toBe(0); // "● 1. Allow once"
    const s = await settled('perm', 'idle');
    expect(existsSync(`${proj}/out.txt`)).toBe(true);
    expect(s.map(([state]) => state)).toEqual(['working', 'needs_permission', 'working', 'idle']);
    expect(s.at(-1)).toEqual(['idle', 'hook', 'turn_done']);
  });

  it('an ask_user question is needs_input/question (hook); answering it makes the agent idle', async () => {
    const waiting = await untilState('ask', 'needs_input', 'the question dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'question' });
    expect((await home.run(['answer', 'ask', 'Red'])).code).toBe(0); // "1. Red"
    const s = await settled('ask', 'idle');
    expect(s.map(([state]) => state)).toEqual(['working', 'needs_input', 'working', 'idle']);
    expect(s.at(-1)).toEqual(['idle', 'hook', 'turn_done']);
  });

  it('Esc on a hanging turn: no hook fires; the screen shows the prompt and overrides the stale working', async () => {
    await untilState('esc', 'working', 'the hanging turn');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await settled('esc', 'idle');
    expect(s.map(([state]) => state)).toEqual(['working', 'idle']);
    expect(s.at(-1)).toEqual(['idle', 'screen', 'at_prompt']);
    const idle = (await home.agent('esc')).stateDetail;
    expect(idle.evidence).toMatch(/^screen gemini\/composer /);
    expect(idle.overrode).toMatch(/^hook said working \(hook BeforeAgent\); the screen has said idle/);
  });

  it('a used-up daily quota (HTTP 429) is needs_input/usage_limit, before and after "Stop"', async () => {
    const a = await untilState('limit', 'needs_input', 'the usage-limit dialog');
    expect(a.stateDetail).toMatchObject({ source: 'screen', reason: 'usage_limit' });
    expect(a.stateDetail.evidence).toMatch(
      /^screen gemini\/usage-limit-dialog line \d+: "│ Usage limit reached for gemini-2\.5-flash\./,
    );
    expect((await home.run(['send', 'limit', '2'])).code).toBe(0); // "2. Stop"
    const stopped = await withEvidence(
      home,
      'limit',
      eventually(
        'the turn to end on the quota error',
        async () => {
          const x = await home.agent('limit');
          return /^screen gemini\/usage-limit line/.test(x.stateDetail.evidence ?? '') ? x : undefined;
        },
        60_000,
      ),
    );
    expect(stopped.state).toBe('needs_input');
    expect(stopped.stateDetail.evidence).toContain('exhausted your daily quota');
    expect(api.mainRequests.filter((r) => JSON.stringify(r.body).includes('hit the limit'))).toHaveLength(1);
  });

  it('a killed gemini process ends the agent (the process is the signal), and no gemini process is left', async () => {
    await settled('kill', 'idle');
    const a = await home.agent('kill');
    expect(a.pid).not.toBeNull();
    expect(agentProcesses(a.id).length).toBeGreaterThanOrEqual(2); // gemini and its relaunched child
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect((await steps(home, 'kill')).at(-1)).toEqual([gone.state, undefined, gone.stateDetail.reason]);
    await eventually(
      'no process of the killed agent to be left',
      () => {
        const left = agentProcesses(a.id);
        if (left.length > 0) throw new Error(`left: ${left.join('; ')}`);
        return true;
      },
      30_000,
    );
  });
});
