import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import type { QuotaHoldView } from '../../src/protocol/quota.js';
import type { TaskView } from '../../src/protocol/tasks.js';
import { newAgent, untilState } from '../support/agent-steps.js';
import { claudeBinary, claudeEnv, prepareClaudeHome } from '../support/claude-cli.js';
import { FakeAnthropic, type FakeRequest, type FakeTurn, RATE_LIMITED } from '../support/fake-anthropic.js';
import { statFields } from '../support/adapters/children.js';
import { eventually, TestHome } from '../support/harness.js';
import { gitRepo, taskSteps, upWithWorkspace } from '../support/task-steps.js';

/**
 * The usage-limit governor end to end, with the real Claude Code CLI (pinned, installed by
 * scripts/ensure-cli.mjs) against the scripted Messages API, headless: one claude agent gets an
 * HTTP 429 (needs_input, usage_limit) while another is working. The vendor (anthropic) is held:
 * the working agent is paused (SIGSTOP, config tasks.pauseOnUsageLimit), claude tasks wait while
 * cmd tasks run, the hold survives a daemon restart, and `wtp resume claude` continues the paused
 * agent and dispatches the waiting task.
 */
const API_KEY = 'sk-ant-test-0000000000000000000000000000wtp-e2e-key';

/**
 * Turns by prompt: the busy agent runs a command that never ends (./wait.sh, allowed in its
 * settings), the limited one is refused with HTTP 429, the rest are short.
 */
function script(req: FakeRequest): FakeTurn {
  if (req.hasToolResult) return { text: 'Done.' };
  const said = req.lastUserText;
  if (said.includes('wait for a very long time')) {
    return {
      toolUse: { name: 'Bash', input: { command: './wait.sh', description: 'wait', timeout: 600_000 } },
    };
  }
  if (said.includes('hit the limit')) return RATE_LIMITED;
  return { text: 'Done.' };
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  session: number;
}

/** Every live process, from /proc/<pid>/stat (field 3 the state, 4 the parent, 6 the session). */
function processTable(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const f = statFields(Number(name));
      return f ? [{ pid: Number(name), state: f[0] ?? '?', ppid: Number(f[1]), session: Number(f[3]) }] : [];
    });
}

/** The processes of the terminal session the agent process leads (what the governor pauses). */
const sessionOf = (pid: number): ProcStat[] =>
  processTable().filter((p) => p.session === pid && p.state !== 'Z');

/** The agent process's descendants that run in a session of their own (Claude's tool commands). */
function toolProcesses(pid: number): ProcStat[] {
  const all = processTable().filter((p) => p.state !== 'Z');
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid) && p.session !== pid);
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
};

describe('the usage-limit governor with real Claude Code (headless)', () => {
  let home: TestHome;
  let api: FakeAnthropic;
  let proj: string;
  let repo: string;
  /** B: working on a turn that never ends when A hits the limit. */
  let busy: AgentView;
  /** A: the agent refused with HTTP 429. */
  let limited: AgentView;

  const quota = async (): Promise<QuotaHoldView[]> => {
    const r = await home.json(['quota']);
    expect(r.code, r.stderr).toBe(0);
    return cliOutputSchemas.quota.parse(r.doc).holds;
  };
  const task = (title: string): Promise<TaskView> => taskSteps(home).task(title);
  const untilTask = (title: string, what: string, done: (t: TaskView) => boolean): Promise<TaskView> =>
    taskSteps(home).untilTask(title, what, done);
  const addTask = async (title: string, args: string[]): Promise<void> => {
    const r = await home.json(['task', 'add', title, '-w', 'shop', ...args]);
    expect(r.code, r.stderr).toBe(0);
  };
  const quotaEvents = async (): Promise<WtpEvent[]> => {
    const out = (
      await home.run(['events', '--type', 'quota.exhausted,quota.resumed', '--json'])
    ).stdout.trim();
    return out === '' ? [] : out.split('\n').map((l) => cliOutputSchemas.event.parse(JSON.parse(l)).event);
  };
  /** The states (field 3 of /proc/<pid>/stat) of the processes of the agent's session, by pid. */
  const statesOf = (pid: number | null): Record<number, string> => {
    expect(pid).not.toBeNull();
    return Object.fromEntries(sessionOf(pid ?? 0).map((p) => [p.pid, p.state]));
  };
  const allStopped = (pid: number | null): Record<number, string> | undefined => {
    const s = statesOf(pid);
    return Object.keys(s).length > 0 && Object.values(s).every((x) => x === 'T') ? s : undefined;
  };
  const noneStopped = (pid: number | null): Record<number, string> | undefined => {
    const s = statesOf(pid);
    return Object.keys(s).length > 0 && Object.values(s).every((x) => x !== 'T') ? s : undefined;
  };

  beforeAll(async () => {
    api = await FakeAnthropic.start(script);
    home = new TestHome({ WTP_CLAUDE_BIN: claudeBinary() });
    proj = home.path('proj');
    mkdirSync(proj);
    writeFileSync(join(proj, 'wait.sh'), '#!/bin/sh\nwhile :; do sleep 1; done\n', { mode: 0o755 });
    ({ repo } = gitRepo(home, 'shop'));
    // Onboarding done, the key approved and proj trusted; task worktrees are trusted by the daemon.
    prepareClaudeHome(home.path('home'), { cwd: proj, apiKey: API_KEY });
    // The busy agent's endless command needs no approval.
    mkdirSync(home.path('home', '.claude'), { recursive: true });
    writeFileSync(
      home.path('home', '.claude', 'settings.json'),
      JSON.stringify({ permissions: { allow: ['Bash(./wait.sh)'] } }),
    );
    Object.assign(home.env, claudeEnv({ home: home.path('home'), baseUrl: api.url, apiKey: API_KEY }));
    home.writeConfig(
      [
        'tasks:',
        '  defaultProfile: claude',
        '  maxAgentsPerWorkspace: 5',
        '  pauseOnUsageLimit: true',
        '  retries: 0',
        'notifications:',
        '  enabled: false',
        '',
      ].join('\n'),
    );
    await upWithWorkspace(home, 'shop', repo);
  }, 120_000);

  afterAll(async () => {
    // A paused agent only dies of SIGKILL: continue whatever is still stopped before stopping it all.
    for (const pid of home?.processes() ?? []) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // gone already
      }
    }
    await home?.cleanup();
    await api?.close();
  });

  it('with nothing held: `wtp quota` says so and `wtp resume` has nothing to do (exit 0)', async () => {
    expect(await quota()).toEqual([]);
    const text = await home.run(['quota']);
    expect([text.code, text.stdout]).toEqual([0, 'no usage-limit holds: tasks dispatch to every vendor\n']);
    const all = await home.run(['resume']);
    expect([all.code, all.stdout]).toEqual([0, 'nothing was held\n']);
    const one = await home.run(['resume', 'claude']);
    expect([one.code, one.stdout]).toEqual([0, 'claude was not held\n']);
    const json = await home.json(['resume']);
    expect(json.code).toBe(0);
    expect(cliOutputSchemas.resume.parse(json.doc).resumed).toEqual([]);
  });

  it('a 429 holds anthropic and pauses the other working claude agent (not the limited one)', async () => {
    await newAgent(home, 'claude', 'busy', proj, ['--prompt', 'wait for a very long time']);
    busy = await untilState(home, 'busy', 'working', 'busy to work on its endless turn');
    await eventually('busy to run ./wait.sh', () =>
      toolProcesses(busy.pid ?? 0).some((p) => cmdline(p.pid).includes('wait.sh')),
    );
    expect(noneStopped(busy.pid)).toBeDefined();

    await newAgent(home, 'claude', 'limited', proj, ['--prompt', 'hit the limit']);
    limited = await untilState(home, 'limited', 'needs_input', 'the 429 to stop limited');
    expect(limited.stateDetail).toMatchObject({ reason: 'usage_limit' });

    const [hold, ...more] = await eventually('the hold', async () => {
      const h = await quota();
      return h.length > 0 ? h : undefined;
    });
    expect(more).toEqual([]);
    expect(hold).toMatchObject({
      vendor: 'anthropic',
      agentId: limited.id,
      agent: 'limited',
      // "Please try again later": no reset time to read, so only `wtp resume` lifts it.
      resetsAt: null,
      resumeAt: null,
      paused: [busy.id],
    });

    // Every process of busy's session is stopped; limited runs on (it waits for the user).
    const stopped = await eventually('busy to be stopped', () => allStopped(busy.pid));
    expect(Object.keys(stopped)).toContain(String(busy.pid));
    expect(noneStopped(limited.pid)).toBeDefined();
    expect((await home.agent('busy')).state).toBe('working');

    const events = await quotaEvents();
    expect(events.map((e) => [e.type, e.agentId, e.source])).toEqual([
      ['quota.exhausted', limited.id, 'policy'],
    ]);
    expect(events[0]?.data).toEqual({
      vendor: 'anthropic',
      resetsAt: null,
      resumeAt: null,
      paused: [busy.id],
    });

    const text = await home.run(['quota']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['VENDOR', 'SINCE', 'BY', 'RESETS', 'RESUMES', 'PAUSED']);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^anthropic\s+\S+\s+limited\s+unknown\s+on `wtp resume`\s+1$/);
  }, 120_000);

  /**
   * Claude Code runs its Bash tool commands in a session of their own (setsid): the pause reaches
   * them as descendants of the agent (procfsSessionKiller), not only the agent's session.
   */
  it("pauses the paused agent's tool commands too (./wait.sh in its own session)", () => {
    const tools = toolProcesses(busy.pid ?? 0).map((p) => [cmdline(p.pid), p.state] as const);
    expect(tools.map(([cmd]) => cmd).join('\n')).toContain('wait.sh');
    expect(tools).toEqual(tools.map(([cmd]) => [cmd, 'T']));
  });

  it('claude tasks wait while cmd tasks run', async () => {
    await addTask('t1', ['--prompt', 'summarise the readme']);
    await addTask('c1', ['--profile', 'cmd', '--prompt', 'true']);
    // c1 was dispatched after t1 was added, so the dispatcher saw t1 and left it waiting.
    const c1 = await untilTask('c1', 'to be in review', (t) => t.status === 'review');
    expect(c1.runs.map((r) => [r.profile, r.status])).toEqual([['cmd', 'review']]);
    const t1 = await task('t1');
    expect([t1.status, t1.runs, t1.agents]).toEqual(['ready', [], []]);
    expect(api.mainRequests.some((r) => JSON.stringify(r.body).includes('summarise the readme'))).toBe(false);
  }, 120_000);

  it('the hold survives a daemon restart (agents keep running, busy stays stopped)', async () => {
    const held = async (): Promise<QuotaHoldView[]> => quota();
    const before = await held();
    const down = await home.run(['down']);
    expect(down.code, down.stderr).toBe(0);
    const up = await home.run(['up', '--detach']);
    expect(up.code, up.stderr).toBe(0);
    expect(await held()).toEqual(before);
    expect((await home.agent('busy')).pid).toBe(busy.pid);
    expect(allStopped(busy.pid)).toBeDefined();

    // A cmd task added now runs (so the new daemon's dispatcher has ticked); t1 still waits.
    await addTask('c2', ['--profile', 'cmd', '--prompt', 'true']);
    await untilTask('c2', 'to be in review', (t) => t.status === 'review');
    const t1 = await task('t1');
    expect([t1.status, t1.runs]).toEqual(['ready', []]);
    expect(await held()).toEqual(before);
  }, 120_000);

  it('`wtp resume claude` continues busy and dispatches the waiting claude task', async () => {
    const r = await home.json(['resume', 'claude']);
    expect(r.code, r.stderr).toBe(0);
    const resumed = cliOutputSchemas.resume.parse(r.doc).resumed;
    expect(resumed.map((h) => [h.vendor, h.agentId, h.paused])).toEqual([
      ['anthropic', limited.id, [busy.id]],
    ]);
    expect(await quota()).toEqual([]);

    await eventually('busy to run again', () => noneStopped(busy.pid));
    const events = await quotaEvents();
    expect(events.map((e) => [e.type, e.source])).toEqual([
      ['quota.exhausted', 'policy'],
      ['quota.resumed', 'user'],
    ]);
    expect(events[1]?.data).toEqual({ vendor: 'anthropic', by: 'user', resumed: [busy.id] });

    const started = await untilTask('t1', 'to get a run', (t) => t.runs.length > 0);
    expect(started.runs.map((r) => [r.attempt, r.profile])).toEqual([[1, 'claude']]);
    const done = await untilTask('t1', 'to be in review', (t) => t.status === 'review');
    expect(done.runs.map((r) => [r.status, r.reason])).toEqual([['review', 'agent finished its turn']]);
    expect(api.mainRequests.some((q) => JSON.stringify(q.body).includes('summarise the readme'))).toBe(true);

    // The continued agent is alive and answers: Esc ends its endless turn.
    expect((await home.agent('busy')).state).toBe('working');
    expect((await home.run(['send', 'busy', '--key', 'esc', '--force'])).code).toBe(0);
    await untilState(home, 'busy', 'idle', 'busy to be back at its prompt');

    const text = await home.run(['quota']);
    expect([text.code, text.stdout]).toEqual([0, 'no usage-limit holds: tasks dispatch to every vendor\n']);
    const again = await home.run(['resume']);
    expect([again.code, again.stdout]).toEqual([0, 'nothing was held\n']);
  }, 180_000);

  it('stops everything', async () => {
    const down = await home.run(['down', '--stop-agents']);
    expect(down.code, down.stderr).toBe(0);
    await eventually('every process of the home to end', () => home.processes().length === 0, 30_000);
  }, 60_000);
});
