import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  untilLastStep,
  untilState as waitForState,
  dumpAgentsForDebug,
  screenShows,
  type Why,
} from '../support/agent-steps.js';
import {
  codexBinary,
  codexEnv,
  CODEX_VERSION,
  prepareCodexHome,
  CODEX_QUESTION,
} from '../support/codex-cli.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The real Codex CLI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Responses API, in tmux: the state sequence and the signal behind every step. Codex writes OSC
 * 7501 status records unasked (docs/research/codex-0.169.0.md), so the status protocol decides;
 * the screen and the process only back it up. Six agents run at once.
 */

/** Turns by prompt: each agent gets its own script through the text it was asked. */
function script(req: FakeOpenAIRequest): FakeOpenAITurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('write the file')) {
    return {
      toolCall: {
        name: 'exec_command',
        arguments: {
          cmd: 'echo hi > out.txt',
          sandbox_permissions: 'require_escalated',
          justification: 'write a file',
        },
      },
    };
  }
  if (said.includes('ask me')) {
    // Codex's question tool; it answers "request_user_input is unavailable in Default mode"
    // outside Plan mode, so the test switches the agent to Plan mode first.
    return { toolCall: { name: 'request_user_input', arguments: CODEX_QUESTION } };
  }
  if (said.includes('think for long')) return { hang: true };
  if (said.includes('hit the limit')) {
    return {
      error: {
        status: 429,
        type: 'usage_limit_reached',
        code: 'usage_limit_reached',
        message: 'You have hit your usage limit.',
        headers: { 'retry-after': '3600' },
      },
    };
  }
  return { text: 'ok' };
}

/**
 * The agent's state changes after its prompt was typed (the first `agent.inputSent`):
 * [state, signal source, reason]. Before it, codex 0.169 often reports `working` → `idle` right
 * after its first `idle` with no request made (startup work; docs/research/codex-0.169.0.md), and
 * the daemon waits for that to settle before it types the prompt: not what the prompt caused.
 */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

/** Pids of processes whose environment carries `CODEX_HOME=<codexHome>` (codex and its children). */
function codexProcesses(codexHome: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const zombie = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
      if (!zombie && env.includes(`CODEX_HOME=${codexHome}`)) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

// On tmux only: the states come from the agent's host and its CLI, the same under every pane
// backend (headless ran all of them a second time); the headless backend runs Codex in the
// other e2e files, the backends themselves their own suites (pane conformance, tmux-*, wezterm-*).
describe.each(['tmux'] as const)('real Codex CLI %s', REAL_CLI_TESTS, (backend) => {
  let home: TestHome;
  let api: FakeOpenAI;
  let proj: string;
  let codexHome: string;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  /** Waits until the steps after the prompt end in `last` (at least two of them). */
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name), home);
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'codex', name, proj, ['--permission-mode', 'on-request', '--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeOpenAI.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_CODEX_BIN: codexBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    // Inside the test's own HOME; under the system temp dir, so codex prints its PATH-aliases
    // warning before the TUI (see prepareCodexHome): the assertions below show it does no harm.
    codexHome = home.path('home', '.codex');
    prepareCodexHome(codexHome, { baseUrl: api.url });
    Object.assign(home.env, codexEnv({ home: home.path('home'), codexHome }));
    await home.up();
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
      start('limit', 'hit the limit'),
      // No prompt: it is switched to Plan mode first (the question test).
      newAgent(home, 'codex', 'ask', proj, ['--permission-mode', 'on-request']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await dumpAgentsForDebug(home, backend, ['hi', 'perm', 'esc', 'kill', 'limit', 'ask']);
    await home?.cleanup();
    await api?.close();
    // --no-daemon: no app-server daemon (re-parented to pid 1) or other codex process outlives it.
    if (codexHome) expect(codexProcesses(codexHome)).toEqual([]);
  });

  it('pre-accepted the trust prompt (the daemon wrote the projects table; no dialog appeared)', async () => {
    await settled('hi', 'idle');
    const a = await home.agent('hi');
    expect(a.version).toBe(CODEX_VERSION);
    const config = readFileSync(`${codexHome}/config.toml`, 'utf8');
    expect(config).toContain(`[projects.${JSON.stringify(proj)}]\ntrust_level = "trusted"`);
    for (const name of ['hi', 'perm', 'esc', 'kill', 'limit']) {
      const all = (await home.events(name)).map((e) => (e.type === 'agent.stateChanged' ? e.data : null));
      expect(all.filter((d) => d?.detail.reason === 'trust')).toEqual([]);
    }
    // The screen may start with codex's PATH-aliases warning (a CODEX_HOME under /tmp, see
    // prepareCodexHome); the session itself opened without the trust dialog.
    const screen = (await home.run(['peek', 'hi'])).stdout;
    expect(screen).not.toMatch(/Trust this folder|Folder access/);
    expect(screen).toContain('Hi there!');
  });

  it('a text turn: working, then one idle (turn_done), both from the status protocol', async () => {
    const s = await settled('hi', 'idle');
    // Codex may report idle between its task-title side request and the turn itself
    // (docs/research/codex-0.169.0.md); the profile's idleSettleMs keeps such an idle from
    // showing. Whatever codex reported, the agent shows exactly one idle, the turn's end.
    expect(s).toEqual([
      ['working', 'status', 'working'],
      ['idle', 'status', 'turn_done'],
    ]);
    const why = await home.json<{ agent: AgentView }>(['why', 'hi']);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^status 7501 state=done app=codex/);
  });

  it('a restarted agent resumes its session (`codex resume <thread-id>` from its notify call): the conversation goes on', async () => {
    await settled('hi', 'idle');
    // Codex calls notify (`wtp hook`) just after the turn's `done`: the thread id follows.
    const before = await eventually('the session id from notify', async () => {
      const a = await home.agent('hi');
      return a.sessionId !== null ? a : undefined;
    });
    expect(before.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The session, not the side thread that names the task: only the session has a transcript.
    const rollouts = readdirSync(`${codexHome}/sessions`, { recursive: true }).map(String);
    expect(rollouts.some((f) => f.endsWith(`-${before.sessionId ?? ''}.jsonl`))).toBe(true);
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
    expect(argv.slice(argv.indexOf('resume'), argv.indexOf('resume') + 2)).toEqual([
      'resume',
      before.sessionId,
    ]);
    const seen = api.mainRequests.length;
    // --force: codex may report its start-up working → idle pair (no request) right after start.
    expect((await home.run(['send', 'hi', 'say hi again', '--enter', '--force'])).code).toBe(0);
    const req = await eventually(
      'the resumed turn to reach the API',
      () => api.mainRequests.slice(seen).find((r) => JSON.stringify(r.body).includes('say hi again')),
      60_000,
    );
    // The request after the restart carries the earlier turn: the conversation was resumed.
    expect(JSON.stringify(req.body)).toContain('Hi there!');
    const done = await eventually(
      'the resumed turn to end',
      async () => {
        const a = await home.agent('hi');
        return a.state === 'idle' && a.stateDetail.reason === 'turn_done' ? a : undefined;
      },
      60_000,
    );
    expect(done.sessionId).toBe(before.sessionId);
  }, 180_000);

  it('asks for approval (needs_permission), runs the command once approved, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the approval dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'status', reason: 'permission' });
    expect(waiting.stateDetail.evidence).toMatch(/^status 7501 state=blocked kind=permission app=codex/);
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['approve', 'perm'])).code).toBe(0); // "1. Yes, proceed"
    const s = await settled('perm', 'idle');
    expect(readFileSync(`${proj}/out.txt`, 'utf8')).toBe('hi\n');
    expect(s).toEqual([
      ['working', 'status', 'working'],
      ['needs_permission', 'status', 'permission'],
      ['working', 'status', 'working'],
      ['idle', 'status', 'turn_done'],
    ]);
  });

  it('is interrupted with Esc during a hanging turn and is idle again', async () => {
    // Not untilState: codex's startup working → idle pair (before the prompt) must not count.
    await eventually(
      'esc to be working on its hanging turn',
      async () => (await steps(home, 'esc')).at(-1)?.[0] === 'working',
      60_000,
    );
    expect((await home.run(['send', 'esc', 'more'])).stderr).toContain('[AGENT_BUSY]');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await settled('esc', 'idle');
    // Codex says `state=idle` after an interrupt (no `done`): idle/at_prompt from the status record.
    expect(s).toEqual([
      ['working', 'status', 'working'],
      ['idle', 'status', 'at_prompt'],
    ]);
    const why = await home.json<Why>(['why', 'esc']);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^status 7501 state=idle app=codex/);
    expect(why.doc.signals.map((x) => x.source)).toContain('status');
  });

  it('asks a question in Plan mode (request_user_input: needs_input from the status protocol); answered, goes idle', async () => {
    await untilState('ask', 'idle', 'ask to be at its prompt');
    // Plan mode (shift-tab): codex offers its question tool outside it but refuses to run it there.
    expect((await home.run(['send', 'ask', '--key', 'shift-tab'])).code).toBe(0);
    await eventually('ask to be in Plan mode', async () =>
      /Plan mode \(shift\+tab to cycle\)/.test((await home.run(['peek', 'ask'])).stdout),
    );
    expect((await home.run(['send', 'ask', 'ask me', '--enter'])).code).toBe(0);
    const waiting = await untilState('ask', 'needs_input', 'the question form');
    expect(waiting.stateDetail).toMatchObject({ source: 'status', reason: 'question' });
    expect(waiting.stateDetail.evidence).toMatch(/^status 7501 state=blocked kind=question app=codex/);
    const why = await home.json<Why>(['why', 'ask']);
    expect(why.doc.agent.stateDetail.evidence).toBe(waiting.stateDetail.evidence);
    await screenShows(home, 'ask', 'Which colour do you want?');
    expect((await home.run(['answer', 'ask', 'red'])).code).toBe(0); // "1. Red (Recommended)"
    // The steps since the prompt was typed (the shift-tab before it is an input too).
    const since = async (): Promise<Step[]> => {
      const all = await home.events('ask');
      const at = all.findIndex((e) => e.type === 'agent.inputSent' && e.data.text === 'ask me');
      return all
        .slice(at)
        .map((e) => (e.type === 'agent.stateChanged' ? e.data : null))
        .filter((d) => d !== null)
        .map((d): Step => [d.to, d.detail.source, d.detail.reason]);
    };
    const s = await untilLastStep('ask', 'idle', since, home);
    expect(s).toEqual([
      ['working', 'status', 'working'],
      ['needs_input', 'status', 'question'],
      ['working', 'status', 'working'],
      ['idle', 'status', 'turn_done'],
    ]);
    // The answer went back to the model as the tool's output.
    const outputs = api.mainRequests.flatMap((r) =>
      ((r.body as { input?: { type?: string; output?: unknown }[] }).input ?? [])
        .filter((item) => item.type === 'function_call_output')
        .map((item) => item.output),
    );
    expect(outputs).toContain(JSON.stringify({ answers: { colour: { answers: ['Red (Recommended)'] } } }));
  }, 120_000);

  it('HTTP 429: a bare status error, refined by the screen into needs_input/usage_limit', async () => {
    // Codex 0.169 sends `state=error` with no msg (idle/error from the status record alone); the
    // screen shows "■ You’ve hit your usage limit" at that moment, and a bare error is refined by
    // it (state-resolve.ts, rule 4). Whether the idle/error step shows first depends on which of
    // the two the daemon hears first (codex's idle must hold 1.5 s, so usually it does not).
    const s = await settled('limit', 'needs_input');
    expect(s[0]).toEqual(['working', 'status', 'working']);
    expect(s.at(-1)).toEqual(['needs_input', 'screen', 'usage_limit']);
    expect(s.slice(1, -1).every(([state, , reason]) => state === 'idle' && reason === 'error')).toBe(true);
    const a = await home.agent('limit');
    expect(a.stateDetail.evidence).toMatch(/^screen codex\/usage-limit /);
    expect(a.stateDetail.overrode).toContain('status 7501 state=error app=codex');
    expect((await home.run(['peek', 'limit'])).stdout).toMatch(/■ You[’']ve hit your usage limit/);
    const why = await home.json<Why>(['why', 'limit']);
    expect(why.doc.agent.stateDetail.evidence).toBe(a.stateDetail.evidence);
    expect(why.doc.signals.map((x) => x.evidence)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^status 7501 state=error app=codex/)]),
    );
  });

  it('a killed codex process ends the agent (the process is the signal)', async () => {
    await settled('kill', 'idle');
    const a = await home.agent('kill');
    expect(a.pid).not.toBeNull();
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    // The lifecycle (the host saw the process end), not a detector, decides: no signal source.
    expect((await steps(home, 'kill')).at(-1)).toEqual([gone.state, undefined, gone.stateDetail.reason]);
  });
});
