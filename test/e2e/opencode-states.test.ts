import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSteps,
  newAgent,
  type Step,
  untilEnded,
  untilLastStep,
  untilState as waitForState,
} from '../support/agent-steps.js';
import { FakeOpenAIChat, type FakeChatRequest, type FakeChatTurn } from '../support/fake-openai-chat.js';
import { eventually, TestHome } from '../support/harness.js';
import {
  opencodeBinary,
  opencodeEnv,
  OPENCODE_VERSION,
  prepareOpencodeConfig,
} from '../support/opencode-cli.js';

/**
 * The real OpenCode TUI (pinned, installed by scripts/ensure-cli.mjs), offline against a scripted
 * Chat Completions API, on tmux. Today the screen is its only state signal (the SSE event stream
 * of `opencode --port` and plugins are not wired yet: issue 16).
 *
 * SKELETON (helper/opencode): written at the end of the groundwork session; see the note in
 * /work/notes/issue16/opencode.md for which cases ran.
 */

function script(req: FakeChatRequest): FakeChatTurn {
  if (req.hasToolOutput) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('write the file')) {
    return {
      toolCall: { name: 'bash', arguments: { command: 'echo hi > out.txt', description: 'Write out.txt' } },
    };
  }
  if (said.includes('think for long')) return { hang: true };
  return { text: 'ok' };
}

const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentSteps(home, name, { from: 'agent.inputSent' });

describe('real OpenCode CLI tmux', () => {
  const backend = 'tmux';
  let home: TestHome;
  let api: FakeOpenAIChat;
  let proj: string;
  const untilState = (name: string, state: string, what: string) =>
    waitForState(home, name, state, what, backend);
  const settled = (name: string, last: string): Promise<Step[]> =>
    untilLastStep(name, last, () => steps(home, name));
  const start = (name: string, prompt: string): Promise<void> =>
    newAgent(home, 'opencode', name, proj, ['--prompt', prompt]);

  beforeAll(async () => {
    api = await FakeOpenAIChat.start(script);
    home = new TestHome({ WTP_BACKEND: backend, WTP_OPENCODE_BIN: opencodeBinary() });
    home.writeConfig('notifications:\n  enabled: false\n');
    proj = home.path('proj');
    mkdirSync(proj);
    const config = prepareOpencodeConfig(home.path('oc'), { baseUrl: api.url });
    Object.assign(home.env, opencodeEnv({ home: home.path('home'), config }));
    expect((await home.run(['up', '--detach'])).code).toBe(0);
    await Promise.all([
      start('hi', 'say hi'),
      start('perm', 'write the file'),
      start('esc', 'think for long'),
      start('kill', 'say hi and stay'),
    ]);
  }, 180_000);

  afterAll(async () => {
    if (process.env.WTP_DEBUG_E2E && home) {
      for (const name of ['hi', 'perm', 'esc', 'kill']) {
        for (const e of await home.events(name)) console.log(backend, name, JSON.stringify(e));
        console.log(backend, name, 'SCREEN\n' + (await home.run(['peek', name])).stdout);
      }
    }
    await home?.cleanup();
    await api?.close();
  });

  it('a text turn: working, then idle (turn_done), from the screen', async () => {
    // Four OpenCode TUIs starting at once took 53 s to their first prompt here (loaded machine):
    // wait for the prompt to be typed before the steps' own 60 s budget starts.
    await eventually(
      'hi to get its prompt',
      async () => (await home.events('hi')).some((e) => e.type === 'agent.inputSent'),
      150_000,
    );
    const s = await settled('hi', 'idle');
    expect((await home.agent('hi')).version).toBe(OPENCODE_VERSION);
    expect(s).toEqual([
      ['working', 'screen', 'working'],
      ['idle', 'screen', 'turn_done'],
    ]);
    expect((await home.run(['peek', 'hi'])).stdout).toContain('Hi there!');
  }, 180_000);

  it('asks for permission (needs_permission), runs the command once allowed, goes idle', async () => {
    const waiting = await untilState('perm', 'needs_permission', 'the permission dialog');
    expect(waiting.stateDetail).toMatchObject({ source: 'screen', reason: 'permission' });
    expect(waiting.stateDetail.evidence).toMatch(/^screen opencode\/permission .* about "echo hi > out.txt"/);
    expect(existsSync(`${proj}/out.txt`)).toBe(false);
    expect((await home.run(['send', 'perm', '--key', 'enter'])).code).toBe(0); // "Allow once"
    const s = await settled('perm', 'idle');
    expect(readFileSync(`${proj}/out.txt`, 'utf8')).toBe('hi\n');
    expect(s.at(-1)).toEqual(['idle', 'screen', 'turn_done']);
  });

  it('is interrupted with two Esc during a hanging turn and is idle again', async () => {
    await untilState('esc', 'working', 'the hanging turn');
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    expect((await home.run(['send', 'esc', '--key', 'esc', '--force'])).code).toBe(0);
    const s = await settled('esc', 'idle');
    expect(s.at(-1)).toEqual(['idle', 'screen', 'interrupted']);
  });

  it('a killed opencode process ends the agent (the process is the signal)', async () => {
    await settled('kill', 'idle');
    const a = await home.agent('kill');
    process.kill(a.pid ?? 0, 'SIGKILL');
    const gone = await untilEnded(home, 'kill');
    expect(gone.lastExit).toEqual({ exitCode: null, signal: 'SIGKILL' });
  });
});
