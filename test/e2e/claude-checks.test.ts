import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { ForgeStandIn, ghCheckRun } from '../support/forge-standin.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';
const FEEDBACK = 'The checks of pull request #1 (https://github.com/acme/shop/pull/1) failed';

/** The working directory Claude reports in the environment block it sends with every turn. */
const cwdOf = (req: FakeRequest): string | undefined =>
  /Primary working directory: ([^\s"\\]+)/.exec(JSON.stringify(req.messages))?.[1];

/** The text of each user message that is not a tool result: the prompt, then each feedback. */
function prompts(req: FakeRequest): { text: string; at: number }[] {
  return req.messages.flatMap((m, at) => {
    if (m.role !== 'user') return [];
    const blocks =
      typeof m.content === 'string'
        ? [{ type: 'text', text: m.content }]
        : (m.content as { type?: string; text?: string }[]);
    if (blocks.some((b) => b.type === 'tool_result')) return [];
    return [{ text: blocks.map((b) => b.text ?? '').join('\n'), at }];
  });
}

/**
 * Claude's side: for the task's prompt it writes routes.txt and commits it; for each feedback about
 * failing checks it writes a fix-<n>.txt and commits it. Each job is a Write, a Bash commit, then
 * a last word, decided by its own conversation.
 */
function script(req: FakeRequest): FakeTurn {
  const cwd = cwdOf(req);
  const asked = prompts(req);
  const last = asked.at(-1);
  if (!cwd || !last) return { text: 'I do not know what to do.' };
  const fixes = asked.filter((p) => p.text.includes('The checks of pull request')).length;
  const file = fixes === 0 ? 'routes.txt' : `fix-${fixes}.txt`;
  const steps = req.messages.slice(last.at + 1).filter((m) => m.role === 'user').length;
  if (steps === 0)
    return { toolUse: { name: 'Write', input: { file_path: join(cwd, file), content: `${file}\n` } } };
  if (steps === 1) {
    return {
      toolUse: {
        name: 'Bash',
        input: { command: `git add ${file} && git commit -q -m "${file}"`, description: `commit ${file}` },
      },
    };
  }
  return { text: fixes === 0 ? 'Done.' : 'Fixed.' };
}

/**
 * Checks come back to a real Claude Code agent (pinned, offline against the scripted Messages API):
 * a task's pull request through the stand-in gh, its failing checks typed into the agent by itself
 * once (`--fix-checks 1`), its fix pushed when it finishes its turn, the bound kept, the checks sent
 * by hand (`wtp feedback --from-checks`), then passing, then merged upstream: the task is done.
 */
describe('failing checks as feedback to a real Claude Code agent (CLI, real git, stand-in gh)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let forges: ForgeStandIn;
  let repo: string;
  let remote: string;
  let g: (args: string[], cwd?: string) => string;
  const agent = (): Promise<AgentView> => home.agent('health');
  const remoteHead = (): string =>
    g(['ls-remote', '--heads', remote, 'refs/heads/wtp/health']).split('\t')[0] ?? '';
  const typed = (events: WtpEvent[]) => events.filter((e) => e.type === 'agent.inputSent');
  /** Main-loop requests whose last prompt was a feedback about failing checks. */
  const feedbackTurns = () =>
    api.mainRequests
      .map((r) => r.body as { messages: FakeRequest['messages'] })
      .filter((b) => JSON.stringify(b.messages.at(-1)).includes('The checks of pull request'));

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    forges = new ForgeStandIn(home.path('forge'));
    ({ repo, g } = gitRepo(home, 'shop'));
    remote = home.path('remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    g(['remote', 'add', 'origin', remote]);
    g(['push', '-q', 'origin', 'main']);
    prepareClaudeHome(home.path('home'), { cwd: repo, apiKey: API_KEY, trusted: false });
    mkdirSync(home.path('home', '.claude'), { recursive: true });
    writeFileSync(
      home.path('home', '.claude', 'settings.json'),
      JSON.stringify({ permissions: { allow: ['Bash(git add:*)', 'Bash(git commit:*)'] } }),
    );
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    Object.assign(home.env, forges.env(home.env.PATH));
    home.writeConfig(
      [
        'forge:',
        '  pollIntervalMs: 1000',
        'tasks:',
        '  defaultProfile: claude',
        '  retries: 0',
        'notifications:',
        '  enabled: false',
        '',
      ].join('\n'),
    );
    await upWithWorkspace(home, 'shop', repo);
    const added = await home.run([
      'task',
      'add',
      'health',
      '--workspace',
      'shop',
      '--prompt',
      'make the health route',
      '--permission-mode',
      'acceptEdits',
      '--fix-checks',
      '1',
    ]);
    expect(added.code, added.stderr).toBe(0);
    await taskSteps(home).untilTask('health', 'to be in review', (t) => t.status === 'review');
  }, 150_000);
  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('sends the failing checks to the task’s agent by itself, and pushes the fix it commits', async () => {
    const opened = await home.json(['pr', 'health', '--no-test']);
    expect(opened.code, opened.stderr).toBe(0);
    const first = cliOutputSchemas.pr.parse(opened.doc).pushed.commit;
    forges.setChecks(1, first, [ghCheckRun('tests', 'FAILURE'), ghCheckRun('lint', 'SUCCESS')]);

    // Polled, typed into Claude through the safe-input path (it is at its prompt), fixed, committed, pushed.
    // The remote moves before the daemon records the push: wait for the record, not the remote.
    await eventually(
      'the fix to be pushed and recorded',
      async () =>
        remoteHead() !== first &&
        (await home.events('health')).some((e) => e.type === 'agent.pushed' && e.source === 'policy'),
      90_000,
    );
    const turn = JSON.stringify(feedbackTurns()[0]?.messages.at(-1));
    expect(turn).toContain(`${FEEDBACK} on commit ${first.slice(0, 10)}:`);
    expect(turn).toContain('- CI / tests: FAILURE https://github.com/acme/shop/actions/runs/1/job/tests');
    expect(turn).not.toContain('lint');
    const events = await home.events('health');
    expect(typed(events).at(-1)).toMatchObject({
      source: 'policy',
      data: { stateAtSend: 'idle', enter: true },
    });
    const pushed = events
      .filter((e) => e.type === 'agent.pushed')
      .map((e) => [e.source, 'status' in e.data && e.data.status]);
    expect(pushed).toEqual([
      ['cli', 'new'],
      ['policy', 'updated'],
    ]);
    expect(g(['log', '-1', '--format=%s', 'wtp/health'])).toBe('fix-1.txt');
    const pr = (await agent()).pullRequest;
    expect(pr).toMatchObject({ fixRounds: 1, awaitingFix: false, headCommit: remoteHead() });
  });

  it('keeps the bound: the next failure is not sent by itself, but can be sent by hand', async () => {
    const second = remoteHead();
    forges.setChecks(1, second, [ghCheckRun('tests', 'FAILURE')]);
    // `pr status` waits for the poll (and anything it would send): nothing is typed this time.
    await eventually('the new failure to be polled', async () => {
      const s = cliOutputSchemas.prStatus.parse((await home.json(['pr', 'status', 'health'])).doc);
      return s.pullRequests[0]?.pullRequest.checksState === 'failing';
    });
    const before = typed(await home.events('health')).length;
    const checksTyped = (events: WtpEvent[]) =>
      typed(events).filter(
        (e) => e.type === 'agent.inputSent' && e.data.text.includes('The checks of pull request'),
      );
    expect(checksTyped(await home.events('health'))).toHaveLength(1); // the round of test 1 only

    const sent = await home.json(['feedback', 'health', '--from-checks', 'Keep the route short.']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(cliOutputSchemas.checksFeedback.parse(sent.doc)).toMatchObject({ failing: ['tests'], round: 2 });
    expect(typed(await home.events('health'))).toHaveLength(before + 1);
    expect(checksTyped(await home.events('health')).map((e) => e.source)).toEqual(['policy', 'cli']);
    await eventually('the second fix to be pushed', () => remoteHead() !== second && remoteHead(), 90_000);
    const turn = JSON.stringify(feedbackTurns()[1]?.messages.at(-1));
    expect(turn).toContain(`${FEEDBACK} on commit ${second.slice(0, 10)}:`);
    expect(turn).toContain('Keep the route short.');
  });

  it('passing checks, then merged upstream: the task is done', async () => {
    forges.setChecks(1, remoteHead(), [ghCheckRun('tests', 'SUCCESS')]);
    await eventually(
      'the checks to pass',
      async () => (await agent()).pullRequest?.checksState === 'passing',
    );
    forges.merge(1, 'a'.repeat(40), remoteHead());
    const done = await taskSteps(home).untilTask('health', 'to be done', (t) => t.status === 'done');
    expect(done.runs.map((r) => r.status)).toEqual(['merged']);
    expect(done.pullRequests).toMatchObject([{ number: 1, state: 'merged' }]);
  });
});
