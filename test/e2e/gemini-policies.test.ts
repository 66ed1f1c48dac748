import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REAL_CLI_TESTS,
  START_MS,
  dumpAgentsForDebug,
  typeThenEnter,
  untilState,
} from '../support/agent-steps.js';
import { FakeGemini, type FakeGeminiRequest, type FakeGeminiTurn } from '../support/fake-gemini.js';
import { GEMINI_MODEL, geminiBinary, geminiEnv, prepareGeminiHome } from '../support/gemini-cli.js';
import { eventually, TestHome } from '../support/harness.js';
import { SCREEN_DECIDED } from '../support/policy-log.js';
import { SharedAgent } from '../support/shared-agent.js';

/**
 * Gemini CLI's BeforeTool hook as the approval rules' decision channel (issue 29), on the pinned
 * CLI offline, through a daemon (the hook's contract: test/e2e/decision-hook-contracts.test.ts).
 */

/** What each agent's model asks for, by the prompt it was given. */
function policyScript(req: FakeGeminiRequest, outputs: Map<string, string>): FakeGeminiTurn {
  // The prompt's own word (`task-<name>`): the text before it lists the project's files (secret.txt).
  const key = /task-(\w+)/.exec(req.lastUserText)?.[1] ?? 'other';
  if (req.hasToolOutput) {
    outputs.set(key, req.toolOutputText);
    return { text: 'Done.' };
  }
  const shell = (command: string): FakeGeminiTurn => ({
    toolCall: { name: 'run_shell_command', args: { command } },
  });
  switch (key) {
    // An allowed start, a denied part after what one screen row shows.
    case 'hidden':
      return shell(`npm test -- ${'a'.repeat(300)}; rm -rf build`);
    // read_file runs without a dialog in Gemini's default mode: only the hook can stop it.
    case 'secret':
      return { toolCall: { name: 'read_file', args: { file_path: 'secret.txt' } } };
    // An allowed start, an unlisted part after 300 characters: no allow rule covers it all.
    case 'pytest':
      return shell(`pytest ${'a'.repeat(300)} ; touch MARK`);
    case 'allowed':
      return shell('npm test');
    case 'unruled':
      return shell('touch pwned.txt');
    case 'broken':
      return shell('rm -rf build2');
    default:
      return { text: 'ok' };
  }
}

const AGENTS = ['gemini', 'broken'];

describe(
  'real Gemini CLI with approval rules (BeforeTool denies; dialogs stay for the screen path and the user)',
  REAL_CLI_TESTS,
  () => {
    const backend = 'tmux';
    let home: TestHome;
    let api: FakeGemini;
    let proj: string;
    const outputs = new Map<string, string>();
    /**
     * One Gemini CLI takes the tasks in turn (one CLI at a time: Gemini runs a node process per hook
     * call, and several TUIs at once on two shared cores time its hooks out); each test reads its own.
     */
    let shared: SharedAgent;
    /** Text and Enter in one write read as a paste to Gemini (Enter becomes a newline). */
    const send = (name: string, text: string): Promise<void> => typeThenEnter(home, name, text);
    const states = async (agent = shared): Promise<string[]> => (await agent.steps()).map(([state]) => state);
    const answers = async (agent = shared) =>
      (await agent.events()).filter((e) => e.type === 'agent.approved' || e.type === 'agent.denied');
    /** What the model got back for the agent's tool call, once it did. */
    const modelGot = (name: string): Promise<string> =>
      eventually(`${name}'s tool result to reach the model`, () => outputs.get(name), 120_000);

    beforeAll(async () => {
      api = await FakeGemini.start((req) => policyScript(req, outputs));
      home = new TestHome({ WTP_BACKEND: backend, WTP_GEMINI_BIN: geminiBinary() });
      home.writeConfig(
        'notifications:\n  enabled: false\napprovals:\n  allow: ["Bash(npm test*)", "Bash(pytest*)"]\n  deny: ["Bash(rm *)", "Read(secret.txt)"]\n',
      );
      proj = home.path('proj');
      for (const dir of ['build', 'build2']) {
        mkdirSync(join(proj, dir), { recursive: true });
        writeFileSync(join(proj, dir, 'keep.txt'), 'built\n');
      }
      writeFileSync(join(proj, 'secret.txt'), 'the-secret-value\n');
      writeFileSync(
        join(proj, 'package.json'),
        JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'echo tested > tests-ran.txt' } }),
      );
      prepareGeminiHome(home.path('home'));
      Object.assign(home.env, geminiEnv({ home: home.path('home'), baseUrl: api.url }));
      await home.up();
      const args = ['--model', GEMINI_MODEL];
      shared = new SharedAgent(home, 'gemini', { profile: 'gemini', cwd: proj, args, send });
    }, 120_000);

    afterAll(async () => {
      await dumpAgentsForDebug(home, backend, AGENTS);
      await home?.cleanup();
      await api?.close();
    }, 120_000);

    it(
      'the attacker’s case: `npm test -- a…(300); rm -rf build` is denied by the hook on the whole command, before any dialog; the model gets why',
      async () => {
        await shared.task('task-hidden');
        expect(await modelGot('hidden')).toContain(
          'Tool execution blocked: Denied by the approval rule Bash(rm *)',
        );
        expect(await states()).not.toContain('needs_permission');
        expect(existsSync(join(proj, 'build', 'keep.txt'))).toBe(true);
        expect(existsSync(join(proj, 'tests-ran.txt'))).toBe(false);
        expect(await answers()).toMatchObject([
          {
            type: 'agent.denied',
            source: 'policy',
            data: { via: 'policy', channel: 'hook', rule: 'Bash(rm *)', keys: [] },
          },
        ]);
      },
      START_MS + 120_000,
    ); // a start, then its turns

    it('a deny rule applies where Gemini asks nothing: read_file of secret.txt is blocked by the hook', async () => {
      await shared.task('task-secret');
      const output = await modelGot('secret');
      expect(output).toContain('Denied by the approval rule Read(secret.txt)');
      expect(output).not.toContain('the-secret-value');
      expect(await answers()).toMatchObject([{ type: 'agent.denied', data: { channel: 'hook' } }]);
    });

    it('the attacker’s case: `pytest a…(300) ; touch MARK` is approved neither by the hook nor on the screen by Bash(pytest*): its dialog waits for the user', async () => {
      await shared.task('task-pytest');
      await untilState(home, shared.name, 'needs_permission', 'pytest to ask', backend);
      expect(await shared.logLine(SCREEN_DECIDED, 'the approval rules to decide on its dialog')).toMatch(
        /left for the user/,
      );
      expect(existsSync(join(proj, 'MARK'))).toBe(false);
      expect(await answers()).toEqual([]);
      expect((await home.agent(shared.name)).state).toBe('needs_permission');
      await shared.dismiss();
    });

    it('an allow rule is not carried by BeforeTool (it cannot approve): its dialog shows, and the screen path approves it', async () => {
      await shared.task('task-allowed');
      await eventually(
        '`npm test` to run',
        () => existsSync(join(proj, 'tests-ran.txt')) || undefined,
        120_000,
      );
      const got = await answers();
      expect(got).toMatchObject([
        { type: 'agent.approved', source: 'policy', data: { via: 'policy', rule: 'Bash(npm test*)' } },
      ]);
      expect(got[0]?.data.channel).not.toBe('hook');
      expect(await states()).toContain('needs_permission');
    });

    it('no rule decides `touch pwned.txt`: its dialog waits for the user, who approves it', async () => {
      await shared.task('task-unruled');
      await untilState(home, shared.name, 'needs_permission', 'unruled to ask', backend);
      expect(existsSync(join(proj, 'pwned.txt'))).toBe(false);
      expect(await answers()).toEqual([]);
      expect((await home.run(['approve', shared.name])).code).toBe(0);
      await eventually(
        'pwned.txt to be made',
        () => existsSync(join(proj, 'pwned.txt')) || undefined,
        60_000,
      );
      expect(await answers()).toMatchObject([{ type: 'agent.approved', data: { via: 'cli' } }]);
    });

    it(
      'a failed hook call decides nothing: `rm -rf build2` is not denied or run, its dialog shows; the user denies it',
      async () => {
        // An agent of its own whose hooks reach no daemon (`wtp hook` finds none under that
        // WTP_HOME): every hook call fails.
        const broken = new SharedAgent(home, 'broken', {
          profile: 'gemini',
          cwd: proj,
          args: ['--model', GEMINI_MODEL, '-e', `WTP_HOME=${home.path('no-daemon-here')}`],
        });
        await broken.task('task-broken');
        await untilState(home, 'broken', 'needs_permission', 'broken to show its dialog', backend);
        expect(existsSync(join(proj, 'build2', 'keep.txt'))).toBe(true);
        expect((await answers(broken)).filter((e) => e.data.channel === 'hook')).toEqual([]);
        expect((await home.run(['deny', 'broken'])).code).toBe(0);
        await eventually(
          'broken to leave its dialog',
          async () => (await home.agent('broken')).state !== 'needs_permission' || undefined,
          60_000,
        );
        expect(existsSync(join(proj, 'build2', 'keep.txt'))).toBe(true);
        expect((await home.run(['stop', 'broken'])).code).toBe(0);
      },
      START_MS + 120_000,
    ); // a start, then its turns
  },
);
