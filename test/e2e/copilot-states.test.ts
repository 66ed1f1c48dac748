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
import { copilotBinary, copilotEnv, COPILOT_VERSION } from '../support/copilot-cli.js';
import { FakeOpenAI, type FakeOpenAIRequest, type FakeOpenAITurn } from '../support/fake-openai.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * The real GitHub Copilot CLI (pinned, installed by scripts/ensure-cli.mjs), offline (a
 * bring-your-own provider, COPILOT_OFFLINE) against the scripted Responses API, on tmux: the
 * state sequence and the signal behind every step. Hooks come from the per-agent plugin the
 * daemon writes (src/vendors/copilot/setup.ts); Esc fires no hook, so the screen ends that turn.
 */

function script(req: FakeOpenAIRequest): FakeOpenAITurn {
  if (req.hasToolOutput) return { text: 'Done.' };
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
  return { text: 'ok' };
}

const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe.each(['tmux'] as const)('real GitHub Copilot CLI %s', (backend) => {
  let home: TestHome;
  let api: FakeOpenAI;
  let proj: string;
  const names = ['hi', 'perm', 'ask', 'esc', 'kill'];
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what, backend);
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name));
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'copilot', name, proj, ['--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeOpenAI.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_COPILOT_BIN: copilotBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const copilotHome = home.path('home', '.copilot');
    Object.assign(home.env, copilotEnv({ home: home.path('home'), copilotHome, baseUrl: api.url }));
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('ask', 'ask me'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
    ]);
  }, 120_000);

  afterAll(async () => {
    if (process.env.WTP_DEBUG_E2E && home) {
      for (const name of names) {
        for (const e of await home.events(name)) console.log(backend, name, JSON.stringify(e));
        console.log(backend, name, (await home.run(['why', name, '--json'])).stdout);
        console.log(backend, name, (await home.run(['peek', name])).stdout);
      }
    }
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
    expect((await home.run(['peek', 'hi'])).stdout).toContain('Hi there!');
  });

  it('asks for approval (needs_permission), runs the command once approved, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the approval dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'permission' });
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['send', 'perm', '--key', 'enter'])).code).toBe(0); // "1. Yes"
    const s = await settled('perm', 'idle');
    expect(existsSync(`${proj}/out.txt`)).toBe(true);
    expect(s.slice(-3)).toEqual([
      ['needs_permission', 'hook', 'permission'],
      ['working', 'hook', 'working'], // PostToolUse
      ['idle', 'hook', 'turn_done'],
    ]);
  });

  it('a question (ask_user) needs input; Enter picks the first choice and the turn ends', async () => {
    const waiting = await untilState('ask', 'needs_input', 'the question form');
    expect(waiting.stateDetail).toMatchObject({ source: 'hook', reason: 'question' });
    expect(waiting.stateDetail.evidence).toBe('hook Notification elicitation_dialog "Information requested"');
    expect((await home.run(['send', 'ask', '--key', 'enter'])).code).toBe(0);
    const s = await settled('ask', 'idle');
    expect(s.slice(-3)).toEqual([
      ['needs_input', 'hook', 'question'],
      ['working', 'hook', 'working'], // PostToolUse (tool_name "AskUserQuestion")
      ['idle', 'hook', 'turn_done'],
    ]);
    expect((await home.run(['peek', 'ask'])).stdout).toMatch(/Asked user Which colour do you want\?/);
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
    expect(s.at(-1)).toEqual(['idle', 'screen', 'interrupted']);
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
