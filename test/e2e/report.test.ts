import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../src/protocol/agent.js';
import { cliOutputSchemas, type CliOutput } from '../../src/protocol/cli-output.js';
import type { ReportDurations } from '../../src/protocol/report.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { agentSteps, newAgent, untilEnded, untilState, untilSteps } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn } from '../support/fake-anthropic.js';
import { eventually, TestHome } from '../support/harness.js';

/**
 * `wtp report` over real state changes: real Claude Code (against the scripted API) working,
 * waiting for a Bash permission and idle, a cmd agent that ran and was removed, and a task
 * dispatched to a Claude agent. The durations are checked against the event log they come from.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  if (req.lastUserText.includes('write the file')) {
    return {
      toolUse: { name: 'Bash', input: { command: 'echo hi > out.txt', description: 'write a file' } },
    };
  }
  return { text: 'Hi there!' };
}

type Report = CliOutput<'report'>;
const FIELDS = ['workingMs', 'waitingMs', 'idleMs', 'otherMs', 'waits'] as const;
const BUCKET: Partial<Record<AgentState, 'workingMs' | 'waitingMs' | 'idleMs' | 'otherMs'>> = {
  starting: 'otherMs',
  running: 'otherMs',
  working: 'workingMs',
  needs_permission: 'waitingMs',
  needs_input: 'waitingMs',
  idle: 'idleMs',
};

/** Adds up rows field by field (the longest wait is the longest of them). */
function sum(rows: ReportDurations[]): ReportDurations {
  const total = { workingMs: 0, waitingMs: 0, idleMs: 0, otherMs: 0, waits: 0, longestWaitMs: 0 };
  for (const r of rows) {
    for (const f of FIELDS) total[f] += r[f];
    total.longestWaitMs = Math.max(total.longestWaitMs, r.longestWaitMs);
  }
  return total;
}

const durations = (r: ReportDurations): ReportDurations => ({
  workingMs: r.workingMs,
  waitingMs: r.waitingMs,
  idleMs: r.idleMs,
  otherMs: r.otherMs,
  waits: r.waits,
  longestWaitMs: r.longestWaitMs,
});

describe('wtp report (real Claude Code, headless)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;

  const report = async (args: string[] = []): Promise<Report> => {
    const r = await home.json(['report', ...args]);
    expect(r.code, r.stderr).toBe(0);
    return cliOutputSchemas.report.parse(r.doc);
  };

  /**
   * The spans of the agent's states from its events, up to `until` (the last one still open counts
   * up to it, as the report counts it): what the report of a window ending at `until` must count.
   * Without `until`, the closed spans only.
   */
  const spans = async (name: string, until?: number): Promise<Record<string, number>> => {
    const changes = (await home.events(name)).flatMap((e) =>
      e.type === 'agent.stateChanged' ? [{ to: e.data.to, at: Date.parse(e.ts) }] : [],
    );
    const out: Record<string, number> = { workingMs: 0, waitingMs: 0, idleMs: 0, otherMs: 0 };
    changes.forEach((c, i) => {
      // A change after `until` (read later than the report) ends nothing the report saw.
      const next = changes[i + 1]?.at;
      const end = until === undefined ? next : Math.min(next ?? until, until);
      const bucket = BUCKET[c.to];
      if (end !== undefined && c.at <= end && bucket) out[bucket] = (out[bucket] ?? 0) + end - c.at;
    });
    return out;
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig('notifications:\n  enabled: false\n');
    await home.up();
    const ws = await home.run(['workspace', 'new', 'shop', '--cwd', proj, '--backend', 'headless']);
    expect(ws.code, ws.stderr).toBe(0);
    await Promise.all([
      newAgent(home, 'claude', 'perm', proj, ['--permission-mode', 'default', '--prompt', 'write the file']),
      newAgent(home, 'claude', 'hi', proj, ['--prompt', 'say hi']),
      newAgent(home, 'cmd', 'job', proj, ['--', '/bin/sh', '-c', 'sleep 0.3']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await home?.cleanup();
    await api?.close();
  });

  it('counts the wait for a Bash permission, and every closed span exactly as the events say', async () => {
    await untilState(home, 'perm', 'needs_permission', 'the Bash permission state');
    // The status record can come before the dialog takes keys: answer once it is on the screen.
    await eventually('the Bash permission dialog', async () =>
      (await home.run(['peek', 'perm'])).stdout.includes('❯ 1. Yes'),
    );
    expect((await home.run(['approve', 'perm'])).code).toBe(0);
    await untilState(home, 'perm', 'idle', 'perm to finish after the approval');
    // Idle after working: at its start, before its prompt is typed, it is idle too.
    await untilSteps(
      'hi to finish its turn',
      () => agentSteps(home, 'hi'),
      (s) => s.some(([st]) => st === 'working') && s.at(-1)?.[0] === 'idle',
    );

    const r = await report();
    const perm = r.agents.find((a) => a.name === 'perm');
    const hi = r.agents.find((a) => a.name === 'hi');
    expect(perm).toMatchObject({ profile: 'claude', workspace: 'default', task: null, removed: false });
    expect(perm?.waits).toBe(1);
    expect(perm?.waitingMs).toBeGreaterThan(0);
    expect(perm?.longestWaitMs).toBe(perm?.waitingMs);
    expect(perm?.workingMs).toBeGreaterThan(0);
    expect(hi).toMatchObject({ waits: 0, waitingMs: 0, longestWaitMs: 0 });
    expect(hi?.workingMs).toBeGreaterThan(0);
    // The report must match the log to the millisecond, its open span counted to the window's end
    // (read from the log as the report was: an agent a late signal moved after it went idle, such
    // as Claude's, has a span the report counted open).
    const until = Date.parse(r.until);
    for (const name of ['perm', 'hi']) {
      const want = await spans(name, until);
      const row = r.agents.find((a) => a.name === name);
      expect([row?.workingMs, row?.waitingMs, row?.idleMs, row?.otherMs], name).toEqual([
        want.workingMs,
        want.waitingMs,
        want.idleMs,
        want.otherMs,
      ]);
    }
  });

  it('keeps a removed agent with its time', async () => {
    await untilEnded(home, 'job');
    const closed = await spans('job');
    expect((await home.run(['rm', 'job'])).code).toBe(0);
    const job = (await report()).agents.find((a) => a.name === 'job');
    expect(job).toMatchObject({ profile: 'cmd', removed: true, workingMs: 0, waits: 0 });
    expect(job?.otherMs).toBe(closed.otherMs);
    expect(job?.otherMs).toBeGreaterThan(0);
  });

  it('sums a dispatched task over its agent and filters by workspace', async () => {
    const added = await home.json<{ task: TaskView }>([
      'task',
      'add',
      'greet',
      '--prompt',
      'say hi from a task',
      '--workspace',
      'shop',
      '--profile',
      'claude',
    ]);
    expect(added.code, added.stderr).toBe(0);
    const id = added.doc.task.id;
    await eventually(
      'the task to reach review',
      async () =>
        (await home.json<{ task: TaskView }>(['task', 'show', id])).doc.task.status === 'review' || undefined,
      90_000,
    );
    const r = await report(['--workspace', 'shop']);
    expect(r.workspace).toBe('shop');
    expect(new Set(r.days.map((d) => d.workspace))).toEqual(new Set(['shop']));
    expect(r.agents.map((a) => a.workspace)).toEqual(r.agents.map(() => 'shop'));
    const task = r.tasks.find((t) => t.id === id);
    expect(task).toMatchObject({ title: 'greet', status: 'review', workspace: 'shop' });
    const agent = r.agents.find((a) => a.id === task?.agents[0]);
    if (!task || !agent) throw new Error(`no report row for task ${id} or its agent`);
    expect(task.agents).toEqual([agent.id]);
    expect(agent.task).toBe(id);
    expect(agent.workingMs).toBeGreaterThan(0);
    expect(durations(task)).toEqual(durations(agent));
  });

  it('adds up: totals = the days = the workspaces = the agents', async () => {
    const r = await report();
    expect(r.days.length).toBeGreaterThan(0);
    expect(sum(r.days)).toEqual(durations(r.totals));
    expect(sum(r.workspaces)).toEqual(durations(r.totals));
    expect(sum(r.agents)).toEqual(durations(r.totals));
    expect(r.totals.waits).toBeGreaterThanOrEqual(1);
    const windowMs = Date.parse(r.until) - Date.parse(r.since);
    for (const a of r.agents) {
      expect(a.workingMs + a.waitingMs + a.idleMs + a.otherMs, a.name).toBeLessThanOrEqual(windowMs);
    }
  });

  it('prints tables for people, with the wait for the user', async () => {
    const out = await home.run(['report', '--since', '24h']);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^time from \d{4}-\d\d-\d\d \d\d:\d\d to /);
    expect(out.stdout).toMatch(
      /^DAY +WORKSPACE +WORKING +WAITING FOR YOU +IDLE +OTHER +WAITS +LONGEST WAIT$/m,
    );
    expect(out.stdout).toMatch(/^total /m);
    expect(out.stdout).toMatch(/^TASK +TITLE +STATUS/m);
    expect(out.stdout).toMatch(/^perm +default +claude +- +\S/m);
    expect(out.stdout).toMatch(/^job \(removed\) +default +cmd/m);
  });

  it('an earlier window is empty; bad windows are INVALID_INPUT (exit 2); an unknown workspace is not found', async () => {
    const empty = await report(['--since', '2w', '--until', '1w']);
    expect(empty.days).toEqual([]);
    expect(empty.agents).toEqual([]);
    expect(durations(empty.totals)).toEqual(sum([]));

    const bad = await home.run(['report', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[INVALID_INPUT]');
    const badJson = await home.json<{ error: { code: string; details: unknown } }>([
      'report',
      '--since',
      '2026-02-30',
    ]);
    expect(badJson.code).toBe(2);
    expect(badJson.doc.error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [{ path: '--since' }] },
    });
    expect((await home.run(['report', '--since', '1d', '--until', '2d'])).code).toBe(2);
    const future = await home.json<{ error: { code: string } }>(['report', '--since', '2999-01-01']);
    expect([future.code, future.doc.error.code]).toEqual([2, 'INVALID_INPUT']);
    const nope = await home.json<{ error: { code: string } }>(['report', '--workspace', 'nope']);
    expect([nope.code, nope.doc.error.code]).toEqual([1, 'WORKSPACE_NOT_FOUND']);
  });
});
