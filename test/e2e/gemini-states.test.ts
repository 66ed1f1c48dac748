import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  untilLastStep,
  untilState as waitForState,
} from '../support/agent-steps.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import {
  GEMINI_MODEL,
  GEMINI_VERSION,
  geminiBinary,
  geminiEnv,
  prepareGeminiHome,
} from '../support/gemini-cli.js';
import { TestHome } from '../support/harness.js';

/**
 * The real Gemini CLI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Gemini API, on tmux: the state sequence and the signal behind every step. No hooks are wired
 * for Gemini yet, so the screen (src/vendors/gemini/detectors.ts, checked on the recorded 0.61.0
 * corpus) and the process are the signals.
 *
 * Not yet reliable (4 runs: 2 green, 2 red). (1) The screen can miss a fast text turn entirely:
 * once the spinner is gone before a check, the agent stays idle on the same composer rule, no step
 * is reported and `settled('hi', 'idle')` times out. That needs hooks, not a slower script.
 * (2) Under load, `gemini --version` (the daemon's version probe) once exited 0 with no output,
 * so `wtp new` failed with AGENT_CLI_BROKEN.
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
  return { text: 'ok' };
}

const NAMES = ['hi', 'perm', 'ask', 'esc', 'kill'];

/** The agent's state changes after its prompt was typed (the first `agent.inputSent`). */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe('real Gemini CLI tmux', () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeGemini;
  let proj: string;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name));
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
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'touch the file'),
      start('ask', 'ask me'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
    ]);
  }, 120_000);

  afterAll(async () => {
    if (process.env.WTP_DEBUG_E2E && home) {
      for (const name of NAMES) {
        for (const e of await home.events(name)) console.log(backend, name, JSON.stringify(e));
        console.log(backend, name, (await home.run(['why', name, '--json'])).stdout);
      }
    }
    await home?.cleanup();
    await api?.close();
  });

  it('a text turn: working, then idle at its prompt, from the screen', async () => {
    const s = await settled('hi', 'idle');
    expect((await home.agent('hi')).version).toBe(GEMINI_VERSION);
    expect(s).toEqual([
      ['working', 'screen', 'working'],
      ['idle', 'screen', 'at_prompt'],
    ]);
    expect((await home.run(['peek', 'hi'])).stdout).toContain('Hi there!');
    const why = await home.json<{ agent: AgentView }>(['why', 'hi']);
    expect(why.doc.agent.stateDetail.evidence).toMatch(/^screen gemini\/composer /);
  });

  it('asks for permission (needs_permission), runs the command once approved, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the permission dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'screen', reason: 'permission' });
    expect(waiting.stateDetail.evidence).toMatch(/^screen gemini\/confirmation /);
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['send', 'perm', '--key', 'enter'])).code).toBe(0); // "● 1. Allow once"
    const s = await settled('perm', 'idle');
    expect(existsSync(`${proj}/out.txt`)).toBe(true);
    expect(s.at(-1)).toEqual(['idle', 'screen', 'at_prompt']);
    expect(s.map(([state]) => state)).toContain('needs_permission');
  });

  it('an ask_user question is needs_input/question; answering it makes the agent idle', async () => {
    const waiting = await untilState('ask', 'needs_input', 'the question dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'screen', reason: 'question' });
    expect((await home.run(['send', 'ask', '--key', 'enter'])).code).toBe(0); // "1. Red"
    const s = await settled('ask', 'idle');
    expect(s.at(-1)).toEqual(['idle', 'screen', 'at_prompt']);
  });

  it('is interrupted with Esc during a hanging turn and is idle again', async () => {
    await untilState('esc', 'working', 'the hanging turn');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await settled('esc', 'idle');
    expect(s).toEqual([
      ['working', 'screen', 'working'],
      ['idle', 'screen', 'at_prompt'],
    ]);
  });

  it('a killed gemini process ends the agent (the process is the signal)', async () => {
    await settled('kill', 'idle');
    const a = await home.agent('kill');
    expect(a.pid).not.toBeNull();
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect((await steps(home, 'kill')).at(-1)).toEqual([gone.state, undefined, gone.stateDetail.reason]);
  });
});
