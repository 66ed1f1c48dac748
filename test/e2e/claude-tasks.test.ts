import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { TaskComparison } from '../../src/protocol/task-compare.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * Issue 6, end to end through the CLI: a small plan (a dependency and one best-of-2 task) done
 * by the real Claude Code CLI (pinned, installed by scripts/ensure-cli.mjs) against the scripted
 * Messages API, each run in its own git worktree. Claude writes its file with the Write tool
 * (permission mode acceptEdits: no approval) and commits it with Bash (allowed in its settings),
 * so `wtp merge` and `wtp task pick` have commits to merge.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

/** What each task's prompt asks for: the file to write and its content (best of 2: per attempt). */
const JOBS = {
  'make the schema': { file: 'schema.txt', content: () => 'tables\n' },
  'make the api': { file: 'api.txt', content: () => 'routes\n' },
  'answer the question': { file: 'answer.txt', content: (cwd: string) => `v${attemptOf(cwd)}\n` },
} as const;
type Prompt = keyof typeof JOBS;

/** Best-of-N agents are named `<task>-a<N>` and their worktree is named after the agent. */
const attemptOf = (cwd: string): string => /-a(\d+)$/.exec(cwd)?.[1] ?? '?';

/** The working directory Claude reports in the environment block it sends with every turn. */
function cwdOf(req: FakeRequest): string | undefined {
  return /Primary working directory: ([^\s"\\]+)/.exec(JSON.stringify(req.messages))?.[1];
}

/** Tool results Claude sent back that report an error (a refused or failed tool), for the report. */
const toolErrors: string[] = [];

/**
 * Every agent follows the same three turns, decided by its own conversation (so agents running
 * at once never race for turns): Write the file, commit it with Bash, say it is done. The prompt
 * picks the file, the working directory picks the content and the absolute path.
 */
function script(req: FakeRequest): FakeTurn {
  const convo = JSON.stringify(req.messages);
  const prompt = (Object.keys(JOBS) as Prompt[]).find((p) => convo.includes(p));
  const cwd = cwdOf(req);
  if (prompt === undefined || cwd === undefined) return { text: 'I do not know what to do.' };
  const job = JOBS[prompt];
  const done = req.messages.filter(
    (m) =>
      Array.isArray(m.content) && (m.content as { type?: string }[]).some((b) => b.type === 'tool_result'),
  ).length;
  if (req.hasToolResult && /error|denied|not allowed|requested permissions/i.test(req.toolResultText)) {
    toolErrors.push(`${cwd}: ${req.toolResultText}`);
  }
  if (done === 0) {
    return {
      text: `Writing ${job.file}.`,
      toolUse: { name: 'Write', input: { file_path: join(cwd, job.file), content: job.content(cwd) } },
    };
  }
  if (done === 1) {
    return {
      toolUse: {
        name: 'Bash',
        input: {
          command: `git add ${job.file} && git commit -q -m "${job.file}"`,
          description: `commit ${job.file}`,
        },
      },
    };
  }
  return { text: 'Done.' };
}

// Each test is a whole flow of real Claude Code agents (the dispatcher starts them one after the
// other, each Claude Code starts, three model turns, merges). With the CI's other test files on the
// 2 cores it was measured at 49-56 s for the first (agents created 14:40, 14:43, 14:46; each Claude at
// its prompt 15-17 s after its spawn; a turn 24 s; every task in review 49 s after the import), each
// step on time: a minute per test was the suite's default, not this flow's. Each wait stays bounded.
describe('a plan done by real Claude Code agents (CLI, real git, headless)', { timeout: 180_000 }, () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let repo: string;
  let g: (args: string[], cwd?: string) => string;
  const task = (title: string): Promise<TaskView> => taskSteps(home).task(title);
  const until = (title: string, what: string, done: (t: TaskView) => boolean): Promise<TaskView> =>
    taskSteps(home).untilTask(title, what, done);
  const agentOf = async (id: string | undefined): Promise<AgentView> => {
    const a = (await home.agents()).find((x) => x.id === id);
    if (!a) throw new Error(`no agent ${id}`);
    return a;
  };
  /** Every agent the plan ran, for the state histories at the end. */
  const ran = new Map<string, string>();
  /** Agents removed by `wtp task pick` (their history ends with their exit). */
  const removed = new Set<string>();
  const remember = (t: TaskView): void => {
    for (const r of t.runs) ran.set(r.agentId, `${t.title} attempt ${r.attempt}`);
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    ({ repo, g } = gitRepo(home, 'shop'));
    // Onboarding done and the key approved; each worktree is trusted by the daemon when its agent starts.
    prepareClaudeHome(home.path('home'), { cwd: repo, apiKey: API_KEY, trusted: false });
    // The user allows committing without asking (Write needs no approval in acceptEdits).
    mkdirSync(home.path('home', '.claude'), { recursive: true });
    writeFileSync(
      home.path('home', '.claude', 'settings.json'),
      JSON.stringify({ permissions: { allow: ['Bash(git add:*)', 'Bash(git commit:*)'] } }),
    );
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig(
      [
        'tasks:',
        '  defaultProfile: claude',
        '  maxAgentsPerWorkspace: 3',
        '  retries: 0',
        'notifications:',
        '  enabled: false',
        '',
      ].join('\n'),
    );
    await upWithWorkspace(home, 'shop', repo);
    writeFileSync(
      home.path('plan.yaml'),
      [
        'workspace: shop',
        'tasks:',
        '  - name: schema',
        '    title: schema',
        '    prompt: make the schema',
        '    permissionMode: acceptEdits',
        '  - name: api',
        '    title: api',
        '    prompt: make the api',
        '    permissionMode: acceptEdits',
        '    after: [schema]',
        '  - name: pick-me',
        '    title: pick-me',
        '    prompt: answer the question',
        '    permissionMode: acceptEdits',
        '    attempts: 2',
        '',
      ].join('\n'),
    );
    const imported = await home.run(['task', 'import', home.path('plan.yaml')]);
    expect(imported.code, imported.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('runs schema and both attempts of pick-me; api waits for schema', async () => {
    const schema = await until('schema', 'to be in review', (t) => t.status === 'review');
    expect(schema.runs.map((r) => [r.attempt, r.status, r.reason])).toEqual([
      [1, 'review', 'agent finished its turn'],
    ]);
    expect(schema.permissionMode).toBe('acceptEdits');
    const best = await until('pick-me', 'to be in review', (t) => t.status === 'review');
    expect(best.runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'review'],
      [2, 'review'],
    ]);
    expect(new Set(best.agents).size).toBe(2);
    remember(schema);
    remember(best);

    const a = await task('api');
    expect([a.status, a.runs]).toEqual(['ready', []]);

    // Each agent worked in its own worktree and committed its file there.
    const schemaAgent = await agentOf(schema.runs[0]?.agentId);
    expect(schemaAgent.worktree?.branch).toBe(`wtp/${schemaAgent.name}`);
    expect(readFileSync(join(schemaAgent.cwd, 'schema.txt'), 'utf8')).toBe('tables\n');
    // The task's permission mode reached Claude's command line (Write needed no approval).
    const argv = readFileSync(`/proc/${schemaAgent.pid ?? 0}/cmdline`, 'utf8').split('\0');
    expect(argv.join(' ')).toContain('--permission-mode acceptEdits');
    for (const run of best.runs) {
      const agent = await agentOf(run.agentId);
      expect(agent.name).toMatch(new RegExp(`-a${run.attempt}$`));
      expect(readFileSync(join(agent.cwd, 'answer.txt'), 'utf8')).toBe(`v${run.attempt}\n`);
    }
    expect(toolErrors).toEqual([]);
  });

  it('api starts once schema is merged, from a main that has schema.txt, and is merged in turn', async () => {
    const schema = await task('schema');
    const schemaAgent = await agentOf(schema.runs[0]?.agentId);
    expect((await task('api')).status).toBe('ready'); // still waiting: schema is not done
    const merged = await home.run(['merge', schemaAgent.name]);
    expect(merged.code, merged.stderr).toBe(0);
    await until('schema', 'to be done', (t) => t.status === 'done');
    expect(g(['show', 'main:schema.txt'])).toBe('tables');

    const started = await until('api', 'to start', (t) => t.runs.length > 0);
    const apiAgent = await agentOf(started.runs[0]?.agentId);
    expect(apiAgent.worktree?.baseCommit).toBe(g(['rev-parse', 'main']));
    expect(readFileSync(join(apiAgent.cwd, 'schema.txt'), 'utf8')).toBe('tables\n');
    const review = await until('api', 'to be in review', (t) => t.status === 'review');
    remember(review);
    expect(readFileSync(join(apiAgent.cwd, 'api.txt'), 'utf8')).toBe('routes\n');

    const m = await home.run(['merge', apiAgent.name]);
    expect(m.code, m.stderr).toBe(0);
    const done = await until('api', 'to be done', (t) => t.status === 'done');
    expect(done.runs.map((r) => r.status)).toEqual(['merged']);
    expect(g(['show', 'main:api.txt'])).toBe('routes');
    expect(toolErrors).toEqual([]);
  });

  it('compares the two attempts of pick-me and picks the second: merged, the first removed', async () => {
    const compared = await home.json<TaskComparison>(['task', 'compare', 'pick-me', '--no-test']);
    expect(compared.code, compared.stderr).toBe(0);
    const doc = cliOutputSchemas.taskCompare.parse(compared.doc);
    if (process.env.WTP_DEBUG_E2E) {
      console.log(JSON.stringify(doc.attempts, null, 2));
      console.log((await home.run(['task', 'compare', 'pick-me', '--no-test'])).stdout);
    }
    expect(doc.attempts.map((a) => [a.attempt, a.run.status, a.diff])).toEqual([
      [1, 'review', { files: 1, insertions: 1, deletions: 0 }],
      [2, 'review', { files: 1, insertions: 1, deletions: 0 }],
    ]);
    for (const a of doc.attempts) {
      const states = a.states.map((s) => s.state);
      expect(states.indexOf('working')).toBeGreaterThanOrEqual(0);
      expect(states.lastIndexOf('idle')).toBeGreaterThan(states.indexOf('working'));
    }

    const loserRun = doc.attempts[0]?.run;
    const loser = await agentOf(loserRun?.agentId);
    const winner = await agentOf(doc.attempts[1]?.run.agentId);
    const picked = await home.json<{ task: TaskView; removed: string[]; merged: { agent: string } }>([
      'task',
      'pick',
      'pick-me',
      '2',
    ]);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.doc.task.status).toBe('done');
    expect(picked.doc.merged.agent).toBe(winner.name);
    expect(picked.doc.removed).toEqual([loser.name]);
    removed.add(loser.id);
    expect(picked.doc.task.runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'discarded'],
      [2, 'merged'],
    ]);
    expect(g(['show', 'main:answer.txt'])).toBe('v2');
    expect((await home.agents()).map((a) => a.name)).not.toContain(loser.name);
    expect((await home.agents()).map((a) => a.name)).toContain(winner.name);
    expect(existsSync(loser.cwd)).toBe(false);
    expect(g(['branch', '--list', loser.worktree?.branch ?? 'none'])).toBe('');
    // The whole plan is done, on main.
    expect(g(['ls-tree', '--name-only', 'main']).split('\n').sort()).toEqual([
      'README',
      'answer.txt',
      'api.txt',
      'schema.txt',
    ]);
  });

  it('every agent worked, then went idle (its state history)', async () => {
    expect([...ran.values()].sort()).toEqual([
      'api attempt 1',
      'pick-me attempt 1',
      'pick-me attempt 2',
      'schema attempt 1',
    ]);
    const out = (await home.run(['events', '--type', 'agent.stateChanged', '--json'])).stdout.trim();
    const events = out.split('\n').map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event);
    for (const [agentId, what] of ran) {
      const states = events.flatMap((e) =>
        e.type === 'agent.stateChanged' && e.agentId === agentId ? [e.data.to] : [],
      );
      // Before the prompt: starting, running, idle at its prompt; a removed agent exits at the end.
      const worked = states.indexOf('working');
      expect(worked, `${what}: ${states.join(' → ')}`).toBeGreaterThan(0);
      expect(states.slice(worked), `${what}: ${states.join(' → ')}`).toEqual(
        removed.has(agentId) ? ['working', 'idle', 'exited'] : ['working', 'idle'],
      );
    }
  });
});
