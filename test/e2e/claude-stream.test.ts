import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import {
  REAL_CLI_TESTS,
  agentStepsWithEvidence,
  type EvidencedStep as Step,
  newAgent,
  untilState as waitForState,
  untilSteps,
} from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn, RATE_LIMITED } from '../support/fake-anthropic.js';
import { TestHome } from '../support/harness.js';

/**
 * The real Claude Code CLI (pinned, scripts/ensure-cli.mjs) run headless under wtp, offline
 * against a scripted Messages API: `-p --output-format stream-json --verbose` draws no TUI, so
 * its state comes from the JSON lines it prints (the `stream` source).
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('say hi')) return { text: 'Hi there!' };
  if (said.includes('say bye')) return { text: 'Bye!' };
  if (said.includes('hit the limit')) return RATE_LIMITED;
  return { text: 'ok' };
}

/** Every state change of an agent after it started: [state, source, reason, evidence]. */
const steps = (home: TestHome, name: string): Promise<Step[]> =>
  agentStepsWithEvidence(home, name, { skip: ['starting', 'running'] });

/**
 * `claude -p` reads `--input-format stream-json` only from a pipe: with a terminal on stdin (the
 * host's PTY) it fails "Input must be provided either through stdin or as a prompt argument" (or,
 * given a prompt, never reads its stdin). So the stdin-driven agent runs behind `cat |`, which
 * passes each line typed into the terminal on; everything else runs the CLI itself.
 */
function pipeWrapper(dir: string, real: string): string {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/claude`;
  writeFileSync(
    file,
    `#!/bin/sh
case " $* " in *" --input-format "*) cat | ${JSON.stringify(real)} "$@"; exit $? ;; esac
` +
      `exec ${JSON.stringify(real)} "$@"
`,
  );
  chmodSync(file, 0o755);
  return file;
}

/** A user message for `--input-format stream-json` (one line). */
const userLine = (text: string): string =>
  JSON.stringify({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null });

describe('real Claude Code headless (-p, stream-json)', REAL_CLI_TESTS, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;
  const untilState = (name: string, state: string, what: string): Promise<AgentView> =>
    waitForState(home, name, state, what);
  const start = (name: string, args: string[]): Promise<void> =>
    newAgent(home, 'claude', name, proj, ['--', ...args]);
  /** The steps once `n` of them have happened. */
  const settled = (name: string, n: number): Promise<Step[]> =>
    untilSteps(
      `${name} to take ${n} steps`,
      () => steps(home, name),
      (s) => s.length >= n,
    );

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome();
    home.env.WTP_CLAUDE_BIN = pipeWrapper(home.path('bin'), claudeBinary());
    proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig('notifications:\n  enabled: false\n');
    await home.up();
    await Promise.all([
      start('once', ['-p', 'say hi', '--output-format', 'stream-json', '--verbose']),
      start('limit', ['-p', 'hit the limit', '--output-format=stream-json', '--verbose']),
      start('chat', ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('-p "say hi": working from the init line, idle from the result, then the process exits 0', async () => {
    const gone = await untilState('once', 'exited', 'the -p run to end');
    expect(gone.lastExit).toEqual({ exitCode: 0, signal: null });
    const s = await steps(home, 'once');
    expect(s.slice(0, 2)).toEqual([
      ['working', 'stream', 'working', 'stream system init'],
      ['idle', 'stream', 'turn_done', 'stream result success (1 turn)'],
    ]);
    expect(s.slice(2).map(([state]) => state)).toEqual(['exited']);
  });

  it('a rate-limited -p run (HTTP 429) needs the user (usage_limit), then exits 1', async () => {
    const gone = await untilState('limit', 'exited', 'the rate-limited run to end');
    expect(gone.lastExit).toEqual({ exitCode: 1, signal: null });
    const s = await steps(home, 'limit');
    expect(s.at(-1)?.[0]).toBe('exited');
    expect(s.slice(0, -1).map(([state, source, reason]) => [state, source, reason])).toEqual([
      ['working', 'stream', 'working'],
      ['needs_input', 'stream', 'usage_limit'],
    ]);
    expect(s[1]?.[3]).toMatch(/^stream assistant error rate_limit 429 .*rate limit/);
  });

  it('--input-format stream-json: a user line starts a turn; after the result it waits, alive', async () => {
    const sent = await home.run(['send', 'chat', userLine('say hi'), '--enter']);
    expect(sent.code, sent.stderr).toBe(0);
    const s = await settled('chat', 2);
    expect(s.slice(0, 2).map(([state, source, reason]) => [state, source, reason])).toEqual([
      ['working', 'stream', 'working'],
      ['idle', 'stream', 'turn_done'],
    ]);
    expect(s[1]?.[3]).toBe('stream result success (1 turn)');
    const idle = await home.agent('chat');
    expect(idle.state).toBe('idle');
    expect(idle.pid).not.toBeNull();
    // A second turn in the same process.
    expect((await home.run(['send', 'chat', userLine('say bye'), '--enter'])).code).toBe(0);
    const again = await settled('chat', 4);
    expect(again.slice(2, 4).map(([state, source]) => [state, source])).toEqual([
      ['working', 'stream'],
      ['idle', 'stream'],
    ]);
    const still = await home.agent('chat');
    expect(still.state).toBe('idle');
    expect(still.pid).toBe(idle.pid);
  });
});
