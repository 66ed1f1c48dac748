import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  agentSteps,
  fakeNotifySend,
  fromWork,
  jsonLines,
  newAgent,
  type Step,
  untilEnded,
  type Why,
  untilLastStep,
  untilState as waitForState,
} from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome, CLAUDE_QUESTION } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn, RATE_LIMITED } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The real Claude Code CLI (pinned, installed by scripts/ensure-cli.mjs), offline against a
 * scripted Messages API, in tmux: the state sequence and the signal behind every step. Five agents
 * run at once.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

/** The file the `writer` agent is asked to write (in the project of the backend running). */
const notes = { path: '' };

/** Turns by prompt: each agent gets its own script through the text it was asked. */
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('write the file')) {
    return {
      toolUse: { name: 'Bash', input: { command: 'echo hi > out.txt', description: 'write a file' } },
    };
  }
  if (said.includes('pick a colour')) return { toolUse: { name: 'AskUserQuestion', input: CLAUDE_QUESTION } };
  if (said.includes('write the notes')) {
    return { toolUse: { name: 'Write', input: { file_path: notes.path, content: 'one\ntwo\n' } } };
  }
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) return RATE_LIMITED;
  return { text: 'ok' };
}

/**
 * The steps from the first `working` on must be `expected`. The first `working` may come from the
 * UserPromptSubmit hook or from the status record that follows it within milliseconds (whichever
 * the daemon hears first); every later step must come from the status protocol.
 */
function expectSteps(all: Step[], expected: [state: string, reason: string][]): void {
  const got = fromWork(all);
  expect(got.map(([state, , reason]) => [state, reason])).toEqual(expected);
  expect(['hook', 'status']).toContain(got[0]?.[1]);
  expect(got.slice(1).map(([, source]) => source)).toEqual(expected.slice(1).map(() => 'status'));
}

/** Every state change of an agent after it started: [state, signal source, reason]. */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { skip: ['starting'] });

// On tmux only: the states come from the agent's host and its CLI, the same under every pane
// backend (headless ran all of them a second time); the headless backend runs Claude in the
// other e2e files, the backends themselves their own suites (pane conformance, tmux-*, wezterm-*).
describe.each(['tmux'] as const)('real Claude Code %s', REAL_CLI_TESTS, (backend) => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;
  let ntfy: Server;
  const posts: { title: string; body: string; priority: string }[] = [];
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'claude', name, proj, ['--permission-mode', 'default', '--prompt', prompt]);

  /** The agent running again after a restart (another pid, idle); on timeout, what it is instead. */
  const runsAgain = (name: string, before: AgentView): Promise<AgentView> =>
    eventually(
      `${name} to run again`,
      async () => {
        const a = await home.agent(name);
        if (a.pid !== null && a.pid !== before.pid && a.state === 'idle') return a;
        throw new Error(
          `${name} is ${a.state} (${a.stateDetail.reason ?? '-'}: ${a.stateDetail.evidence ?? '-'}), pid ${a.pid ?? '-'} (was ${before.pid ?? '-'}), last exit ${JSON.stringify(a.lastExit)}`,
        );
      },
      60_000,
    );

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    ntfy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push({ title: String(req.headers.title), body, priority: String(req.headers.priority) });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => ntfy.listen(0, '127.0.0.1', () => r()));
    home = new TestHome({ WTP_BACKEND: backend, WTP_CLAUDE_BIN: claudeBinary() });
    fakeNotifySend(home.path('bin'), home.path('notify-send.log'));
    home.env.PATH = `${home.path('bin')}:${home.env.PATH ?? ''}`;
    const port = (ntfy.address() as AddressInfo).port;
    home.writeConfig(`notifications:\n  webhook:\n    url: http://127.0.0.1:${port}/wtp-topic\n`);
    proj = home.path('proj');
    mkdirSync(proj);
    notes.path = `${proj}/notes.txt`;
    // Onboarding done and the key approved, but the folder NOT trusted: the daemon pre-accepts it.
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY, trusted: false });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('ask', 'pick a colour'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
      start('limit', 'hit the limit'),
      start('writer', 'write the notes'),
      newAgent(home, 'claude', 'fresh', proj, ['--permission-mode', 'default']), // no prompt
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
    await new Promise<void>((r) => (ntfy ? ntfy.close(() => r()) : r()));
  });

  it('pre-accepted the trust prompt and runs with our hooks (version recorded)', async () => {
    const a = await home.agent('hi');
    expect(a.version).toBe('2.1.330');
    // Sandboxed (WTP_E2E_SANDBOX=1), its global state is in its private config folder (docs/sandbox.md).
    const file = a.sandbox
      ? home.path('agents', a.id, 'claude-config', '.claude.json')
      : home.path('home', '.claude.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as {
      projects: Record<string, { hasTrustDialogAccepted?: boolean }>;
    };
    expect(state.projects[proj]?.hasTrustDialogAccepted).toBe(true);
    expect(a.sandbox !== null).toBe(process.env.WTP_E2E_SANDBOX === '1');
  });

  it('works, then goes idle: every step from the status protocol', async () => {
    await untilState('hi', 'idle', 'hi to finish its turn');
    await eventually(
      'the turn to end',
      async () => {
        const s = fromWork(await steps(home, 'hi'));
        return s.length >= 2 ? s : undefined;
      },
      60_000,
    );
    expectSteps(await steps(home, 'hi'), [
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
    const why = await home.json<{ agent: AgentView; signals: { source: string; evidence: string }[] }>([
      'why',
      'hi',
    ]);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^status 7501 state=done/);
    // The http hooks reached the daemon too (less trusted, so they only add evidence here).
    expect(why.doc.signals.map((s) => s.evidence)).toEqual(
      expect.arrayContaining(['hook UserPromptSubmit', 'hook Stop']),
    );
    expect(why.doc.agent.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a restarted agent resumes its session (--resume <id> from the hooks): the conversation goes on', async () => {
    const before = await untilState('hi', 'idle', 'hi to be idle');
    expect(before.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await home.run(['restart', 'hi'])).code).toBe(0);
    const after = await runsAgain('hi', before);
    const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv).toEqual(expect.arrayContaining(['--resume', before.sessionId ?? '']));
    const seen = api.mainRequests.length;
    expect((await home.run(['send', 'hi', 'say hi again', '--enter'])).code).toBe(0);
    // Its own request: the other agents of this file share the API.
    const again = await eventually(
      'the resumed turn to reach the API',
      () => api.mainRequests.slice(seen).find((r) => JSON.stringify(r.body).includes('say hi again')),
      60_000,
    );
    // It carries the earlier turn: the conversation was resumed.
    expect(JSON.stringify(again.body)).toContain('Hi there!');
  });

  it('an agent restarted before its first prompt starts again, without --resume of its empty session', async () => {
    // Its SessionStart hook named a session (before it was at its prompt), but `claude --resume`
    // of a session that never had a prompt exits 1 ("No conversation found"): it died at once.
    const before = await untilState('fresh', 'idle', 'fresh at its prompt');
    expect(before.sessionId).toBeNull();
    expect((await home.run(['restart', 'fresh'])).code).toBe(0);
    const after = await runsAgain('fresh', before);
    const argv = readFileSync(`/proc/${after.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv).not.toContain('--resume');
    // Its first prompt makes the session one to resume.
    expect((await home.run(['send', 'fresh', 'say hi', '--enter'])).code).toBe(0);
    await eventually(
      'fresh to record its session once it had a prompt',
      async () => ((await home.agent('fresh')).sessionId ?? '').match(/^[0-9a-f-]{36}$/) !== null,
      60_000,
    );
  });

  it('asks for a Bash permission and waits; approved, it runs the command and goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the Bash permission dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'status', reason: 'permission' });
    expect(waiting.stateDetail.evidence).toContain('approve Bash: echo hi > out.txt');
    // What it asks, as data (`wtp ls --json`) and in the ASKS column.
    // (The hook may have marked it `complete` by now: its payload is the whole command.)
    const request = { kind: 'permission', tool: 'Bash', about: 'echo hi > out.txt' };
    expect(waiting.stateDetail.request).toMatchObject(request);
    const ls = (await home.run(['ls'])).stdout.split('\n');
    expect(ls[0]).toMatch(/\s+ASKS$/);
    expect(ls.find((l) => l.startsWith('perm '))).toMatch(/\s+to run Bash: echo hi > out\.txt$/);
    expect((await home.run(['approve', 'perm'])).code).toBe(0); // "1. Yes", checked against the screen
    await untilState('perm', 'idle', 'perm to finish after the approval');
    expect(readFileSync(`${proj}/out.txt`, 'utf8')).toBe('hi\n');
    expectSteps(await steps(home, 'perm'), [
      ['working', 'working'],
      ['needs_permission', 'permission'],
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
  });

  it('asks a question (needs_input) and goes on once it is answered', async () => {
    const asking = await untilState('ask', 'needs_input', 'the question dialog');
    expect(asking.stateDetail).toMatchObject({ source: 'status', reason: 'question' });
    // The question and its options: from the status record at once, the hook adds its tool.
    const question = {
      kind: 'question',
      question: 'Which color should the button be?',
      options: ['Red', 'Blue'],
    };
    expect(asking.stateDetail.request).toMatchObject(question);
    const filled = await eventually('the hook to add its tool', async () => {
      const a = await home.agent('ask');
      return a.stateDetail.request?.tool === 'AskUserQuestion' && a;
    });
    expect(filled.stateDetail.request).toEqual({ ...question, tool: 'AskUserQuestion' });
    expect((await home.run(['answer', 'ask', 'Red'])).code).toBe(0); // "1. Red"
    await untilState('ask', 'idle', 'ask to finish after the answer');
    expectSteps(await steps(home, 'ask'), [
      ['working', 'working'],
      ['needs_input', 'question'],
      ['working', 'working'],
      ['idle', 'turn_done'],
    ]);
  });

  it('asks to Write a file: the request has the file and its content (the hook fills it in)', async () => {
    await untilState('writer', 'needs_permission', 'the Write permission dialog');
    const a = await eventually('the hook’s content in the request', async () => {
      const got = await home.agent('writer');
      return got.stateDetail.request?.diff !== undefined && got;
    });
    expect(a.stateDetail.request).toMatchObject({ kind: 'permission', tool: 'Write', diff: 'one\ntwo\n' });
    expect(a.stateDetail.request?.about).toMatch(/(^|\/)notes\.txt$/);
    // One step into the dialog (whichever source told it first); the events carry the request as
    // it is now: the state change's, or the agent.requestChanged that filled it in after.
    const into = (await steps(home, 'writer')).filter(([state]) => state === 'needs_permission');
    expect(into).toHaveLength(1);
    const told = (await home.events('writer')).flatMap((e) =>
      e.type === 'agent.stateChanged' && e.data.to === 'needs_permission'
        ? [e.data.detail.request]
        : e.type === 'agent.requestChanged'
          ? [e.data.request]
          : [],
    );
    expect(told.at(-1)).toEqual(a.stateDetail.request);
  });

  it('is interrupted with Esc (no Stop hook fires) and is idle again', async () => {
    await untilState('esc', 'working', 'esc to be working on its hanging turn');
    const refused = await home.run(['send', 'esc', 'more']);
    expect(refused.stderr).toContain('[AGENT_BUSY]');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const idle = await untilState('esc', 'idle', 'esc to be back at its prompt');
    expect(idle.stateDetail.source).toBe('status');
    expectSteps(await steps(home, 'esc'), [
      ['working', 'working'],
      ['idle', 'at_prompt'],
    ]);
    const why = await home.json<{ signals: { evidence: string }[] }>(['why', 'esc']);
    expect(why.doc.signals.map((s) => s.evidence)).not.toContain('hook Stop'); // Esc fires no Stop
  });

  it('reports a usage limit (HTTP 429) as needs_input with reason usage_limit', async () => {
    const a = await untilState('limit', 'needs_input', 'the rate-limited agent to need the user');
    expect(a.stateDetail).toMatchObject({ reason: 'usage_limit', source: 'status' });
    expect(a.stateDetail.evidence).toContain('rate limit');
  });

  it('notified the user: desktop (notify-send) and the ntfy webhook, distinct per reason', async () => {
    await untilState('perm', 'idle', 'perm to be done');
    const desktop = await eventually('notify-send calls', () => {
      const calls = jsonLines(home.path('notify-send.log')) as string[][];
      return calls.some((c) => c.includes('perm needs your permission')) ? calls : undefined;
    });
    const perm = desktop.find((c) => c.includes('perm needs your permission'));
    expect(perm).toEqual([
      '--app-name=wezterm-parallel',
      '--urgency=critical',
      '--',
      'perm needs your permission',
      expect.stringContaining('asks to run Bash: echo hi > out.txt'),
    ]);
    expect(desktop.some((c) => c.includes('ask asks a question'))).toBe(true);
    expect(desktop.some((c) => c.some((x) => /^limit hit a usage limit/.test(x)))).toBe(true);
    await eventually('webhook posts', () => posts.some((p) => p.title === 'hi finished its turn'));
    expect(posts.find((p) => p.title === 'perm needs your permission')?.priority).toBe('5');
  });

  it('a killed Claude process ends the agent (the process is the signal)', async () => {
    const a = await untilState('kill', 'idle', 'kill to be idle');
    expect(a.pid).not.toBeNull();
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    const last = (await steps(home, 'kill')).at(-1);
    expect(last?.[0]).toBe(gone.state);
  });
});

/**
 * With the status protocol turned off (config states.statusProtocol: false) hooks and the screen
 * decide: the Esc interrupt fires no hook, so the screen must catch it (after the idle screen has
 * held for states.screenOverrideMs).
 */
describe('real Claude Code, hooks and screen only (no status protocol, headless)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    const proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig('states:\n  statusProtocol: false\nnotifications:\n  enabled: false\n');
    await home.up();
    const agents: [name: string, prompt: string][] = [
      ['hooked', 'say hi'],
      ['escaped', 'think for long'],
    ];
    for (const [name, prompt] of agents) await newAgent(home, 'claude', name, proj, ['--prompt', prompt]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, async () => fromWork(await steps(home, name)), home);

  it('a turn: working from the UserPromptSubmit hook, idle from the Stop hook', async () => {
    const s = await settled('hooked', 'idle');
    // The hook said working; on a loaded machine the screen's spinner can say it first (the hook is
    // a process Claude starts), and the hook then confirms a state already held: no step of its own.
    expect(s[0]?.slice(0, 1)).toEqual(['working']);
    expect(['hook', 'screen']).toContain(s[0]?.[1]);
    const why = await home.json<Why>(['why', 'hooked']);
    expect(why.doc.signals.map((x) => x.evidence)).toContain('hook UserPromptSubmit');
    expect(s.at(-1)).toEqual(['idle', 'hook', 'turn_done']);
    expect(s.every(([, source]) => source !== 'status')).toBe(true);
  });

  it('Esc: no hook fires; the screen shows the prompt and overrides the stale working', async () => {
    await eventually(
      'escaped to work',
      async () => (await home.agent('escaped')).state === 'working',
      60_000,
    );
    expect((await home.run(['send', 'escaped', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await settled('escaped', 'idle');
    const idle = (await home.agent('escaped')).stateDetail;
    expect(s.at(-1)).toEqual(['idle', 'screen', 'at_prompt']);
    expect(idle.evidence).toMatch(/^screen claude\//);
    expect(idle.overrode).toMatch(/^hook said working .*; the screen has said idle for \d+(\.\d)? s since$/);
  });
});
