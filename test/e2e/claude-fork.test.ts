import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo } from '../support/task-steps.js';

/**
 * `wtp fork` of a real Claude Code agent (pinned CLI, offline against a scripted Messages API):
 * the fork starts with `--resume <source session> --fork-session` in its own worktree, and its
 * first turn carries the source's conversation; the source keeps its own session.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

function script(req: FakeRequest): FakeTurn {
  if (req.lastUserText.includes('remember the word')) return { text: 'I will remember: pelican.' };
  if (req.lastUserText.includes('which word')) return { text: 'The word was pelican.' };
  return { text: 'ok' };
}

describe('wtp fork of a real Claude Code agent', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let repo: string;

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    ({ repo } = gitRepo(home, 'shop', ['README.md', 'shop\n']));
    // Onboarding done, the key approved; the worktrees' trust is written by the daemon.
    prepareClaudeHome(home.path('home'), { cwd: repo, apiKey: API_KEY, trusted: false });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    await home.up();
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('continues a copy of the conversation with --resume <id> --fork-session; the source keeps its own', async () => {
    const made = await home.json([
      'new',
      'claude',
      '--name',
      'cc',
      '--repo',
      repo,
      '--permission-mode',
      'default',
      '-p',
      'remember the word pelican',
    ]);
    expect(made.code, JSON.stringify(made.doc)).toBe(0);
    // Its turn done, not just idle: a listing taken before the turn began still says idle, and a
    // fork made during the turn would copy a conversation without its answer.
    const src = await eventually(
      'cc to finish its first turn with a session',
      async () => {
        const a = await home.agent('cc');
        return a.stateDetail.reason === 'turn_done' && a.sessionId !== null ? a : undefined;
      },
      90_000,
    );

    const r = await home.json(['fork', 'cc', '--prompt', 'which word did I ask you to remember?']);
    expect(r.code, JSON.stringify(r.doc)).toBe(0);
    const doc = cliOutputSchemas.fork.parse(r.doc);
    expect(doc.conversation).toMatchObject({ forked: true, session: src.sessionId });
    expect(doc.agent).toMatchObject({ name: 'cc-fork', worktree: { branch: 'wtp/cc-fork', base: 'wtp/cc' } });

    const fork = await eventually(
      'the fork to run',
      async () => {
        const a = await home.agent('cc-fork');
        return a.pid !== null ? a : undefined;
      },
      60_000,
    );
    // Its pid is known from the fork of its host: until the exec, /proc shows the host's command line.
    const argv = await eventually('the fork to exec its CLI', () => {
      const args = readFileSync(`/proc/${fork.pid ?? 0}/cmdline`, 'utf8').split('\0');
      return args.includes('--permission-mode') ? args : undefined;
    });
    const at = argv.indexOf('--resume');
    expect(argv.slice(at, at + 3)).toEqual(['--resume', src.sessionId, '--fork-session']);
    expect(argv).toContain('--permission-mode'); // the source's own arguments go along

    // The fork's first turn carries the earlier messages: the conversation was forked, not restarted.
    const asked = await eventually(
      "the fork's prompt to reach the API",
      () =>
        api.mainRequests.find((q) => JSON.stringify(q.body).includes('which word did I ask you to remember')),
      90_000,
    );
    const sent = JSON.stringify(asked.body);
    expect(sent).toContain('remember the word pelican');
    expect(sent).toContain('I will remember: pelican.');

    // The fork gets a session of its own; the source's is unchanged.
    const forked = await eventually(
      'the fork to record its own session',
      async () => {
        const a = await home.agent('cc-fork');
        return a.sessionId !== null ? a : undefined;
      },
      60_000,
    );
    expect(forked.sessionId).not.toBe(src.sessionId);
    expect((await home.agent('cc')).sessionId).toBe(src.sessionId);
  }, 240_000);

  it("a shell agent's fork starts a fresh conversation, and the CLI says why", async () => {
    // A shell agent in the same repository: no conversation at all.
    await home.run(['new', 'shell', '--name', 'sh', '--repo', repo]);
    const r = await home.run(['fork', 'sh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'conversation: starts a fresh conversation: shell agents have no conversation to carry',
    );
    const a: AgentView = await home.agent('sh-fork');
    expect(a.worktree?.base).toBe('wtp/sh');
  });
});
