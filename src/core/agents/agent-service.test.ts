import { describe, expect, it } from 'vitest';
import {
  agentOf,
  cmdRequest,
  connectHost,
  exitCode,
  killedBy,
  makeCore,
  reportExit,
  reportSpawned,
  startAgent,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import type { AgentView, CreateAgentRequest } from '../../protocol/agent.js';
import { AppError } from '../errors.js';
import { thrown } from '../../../test/support/app-error.js';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** A create that must fail: returns the error and checks that nothing was created. */
async function refused(h: Harness, req: Partial<CreateAgentRequest>): Promise<AppError> {
  const before = { agents: h.core.registry.all().length, events: h.store.events.length };
  const err = await rejection(h.core.service.create(cmdRequest(req), 'cli'));
  expect(h.core.registry.all()).toHaveLength(before.agents);
  expect(h.store.events).toHaveLength(before.events);
  expect(h.launcher.launched).toEqual([]);
  return err;
}

describe('create: validation', () => {
  it('PROFILE_UNKNOWN lists the known profiles', async () => {
    const h = await makeCore();
    const err = await refused(h, { profile: 'python' });
    expect(err.code).toBe('PROFILE_UNKNOWN');
    expect(err.details).toEqual({
      profile: 'python',
      known: ['shell', 'cmd', 'claude', 'codex', 'gemini', 'qwen', 'opencode', 'copilot', 'aider'],
      suggestion: null,
    });
    const typo = await refused(h, { profile: 'clade' });
    expect(typo.message).toBe(
      'Unknown profile "clade"; the known profiles are shell, cmd, claude, codex, gemini, qwen, opencode, copilot, aider. Did you mean "claude"?',
    );
    expect(typo.details?.suggestion).toBe('claude');
  });

  it('an agent CLI profile runs its program (configurable) with the arguments given', async () => {
    const h = await makeCore();
    h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
    h.preflight.commands.set('codex', '/usr/local/bin/codex');
    const claude = await h.core.service.create(
      cmdRequest({ profile: 'claude', argv: ['--model', 'opus'] }),
      'cli',
    );
    expect(claude).toMatchObject({
      profile: 'claude',
      command: '/opt/claude/bin/claude',
      args: ['--model', 'opus'],
    });
    const codex = await h.core.service.create(cmdRequest({ profile: 'codex', argv: [] }), 'cli');
    // The profile's default arguments come first (codex: the main screen, easier to read).
    expect(codex).toMatchObject({
      name: 'codex-1',
      command: '/usr/local/bin/codex',
      args: ['--no-alt-screen', '--no-daemon'],
    });
    const modelled = await h.core.service.create(
      cmdRequest({ profile: 'claude', argv: ['--verbose'], model: 'opus', permissionMode: 'plan' }),
      'cli',
    );
    expect(modelled.args).toEqual(['--model', 'opus', '--permission-mode', 'plan', '--verbose']);
    await expect(
      h.core.service.create(cmdRequest({ profile: 'claude', argv: [], permissionMode: 'yolo' }), 'cli'),
    ).rejects.toMatchObject({ code: 'PROFILE_OPTION_UNSUPPORTED', details: { value: 'yolo' } });
    await expect(h.core.service.create(cmdRequest({ model: 'opus' }), 'cli')).rejects.toMatchObject({
      code: 'PROFILE_OPTION_UNSUPPORTED',
      details: { option: 'model' },
    });
    const missing = await refused(await makeCore(), { profile: 'gemini', argv: [] });
    expect(missing).toMatchObject({ code: 'COMMAND_NOT_FOUND', details: { command: 'gemini' } });
  });

  it('COMMAND_NOT_FOUND for an agent CLI says the daemon’s PATH and WTP_<NAME>_BIN count, and how to install it', async () => {
    const h = await makeCore();
    const gemini = await refused(h, { profile: 'gemini', argv: [] });
    expect(gemini.message).toBe(
      "Cannot run the gemini CLI \"gemini\": no executable file by that name on the daemon's PATH (the environment it was started with, not this shell's). Install it (npm i -g @google/gemini-cli), or set WTP_GEMINI_BIN=/path/to/gemini in the daemon's environment and restart the daemon (`wtp down`, then `wtp up`).",
    );
    expect(gemini.details).toEqual({
      command: 'gemini',
      searched: ['/usr/bin', '/bin'],
      profile: 'gemini',
      variable: 'WTP_GEMINI_BIN',
      install: 'npm i -g @google/gemini-cli',
      missing:
        "no executable file by that name on the daemon's PATH (the environment it was started with, not this shell's)",
      binary: 'gemini',
    });
    // The test settings name the claude program through WTP_CLAUDE_BIN (not there): that is what to fix.
    const claude = await refused(h, { profile: 'claude', argv: [] });
    expect(claude.message).toBe(
      'Cannot run the claude CLI "/opt/claude/bin/claude" (WTP_CLAUDE_BIN): not an executable file. Point WTP_CLAUDE_BIN at the claude program in the daemon\'s environment and restart the daemon (`wtp down`, then `wtp up`).',
    );
    expect(claude.details).toMatchObject({
      variable: 'WTP_CLAUDE_BIN',
      install: 'npm i -g @anthropic-ai/claude-code',
    });
  });

  it('COMMAND_MISSING when the cmd profile gets no command', async () => {
    const h = await makeCore();
    expect((await refused(h, { argv: [] })).code).toBe('COMMAND_MISSING');
    expect((await refused(h, { argv: [''] })).code).toBe('COMMAND_MISSING');
  });

  it('COMMAND_NOT_FOUND says what was searched, on the request PATH if it sets one', async () => {
    const h = await makeCore();
    const err = await refused(h, { argv: ['nope', '--flag'] });
    expect(err.code).toBe('COMMAND_NOT_FOUND');
    expect(err.details).toEqual({
      command: 'nope',
      searched: ['/usr/bin', '/bin'],
      missing:
        "no executable file by that name on the daemon's PATH (the environment it was started with, not this shell's)",
    });

    const custom = await refused(h, { argv: ['nope'], env: { PATH: '/opt/tools/bin' } });
    expect(custom.details).toEqual({
      command: 'nope',
      searched: ['/opt/tools/bin'],
      missing: 'no executable file by that name on the PATH given with the request',
    });
    expect(h.preflight.resolveCalls.at(-1)).toEqual({
      command: 'nope',
      cwd: '/work',
      pathVar: '/opt/tools/bin',
    });
  });

  it('CWD_INVALID says why the directory cannot be used', async () => {
    const h = await makeCore();
    const cases = [
      ['/gone', 'missing', 'does not exist'],
      ['/etc/passwd', 'not_directory', 'is not a directory'],
      ['/root', 'no_access', 'cannot be read and entered'],
    ] as const;
    for (const [path, reason, words] of cases) {
      h.preflight.directories.set(path, reason);
      const err = await refused(h, { cwd: path });
      expect(err.code).toBe('CWD_INVALID');
      expect(err.details).toEqual({ path, reason, why: expect.stringContaining(words) });
      expect(err.message).toContain(words);
    }
  });

  it('AGENT_NAME_TAKEN inside one workspace; the same name in another workspace is fine', async () => {
    const h = await makeCore();
    await h.core.registry.addWorkspace({
      id: 'ws-2',
      name: 'other',
      repoPath: null,
      backend: 'headless',
      template: null,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await h.core.service.create(cmdRequest({ name: 'api' }), 'cli');
    h.launcher.launched.length = 0;
    const err = await refused(h, { name: 'api' });
    expect(err.code).toBe('AGENT_NAME_TAKEN');
    expect(err.details).toEqual({ name: 'api', workspace: 'default' });
    const other = await h.core.service.create(cmdRequest({ name: 'api', workspace: 'other' }), 'cli');
    expect(other).toMatchObject({ name: 'api', workspace: 'other' });
  });

  it('WORKSPACE_NOT_FOUND for an unknown workspace', async () => {
    const h = await makeCore();
    expect((await refused(h, { workspace: 'nowhere' })).code).toBe('WORKSPACE_NOT_FOUND');
  });
});

describe('create: the new agent', () => {
  it('names agents <profile>-<n>, reusing the smallest free number', async () => {
    const h = await makeCore();
    const a = await h.core.service.create(cmdRequest(), 'cli');
    const b = await h.core.service.create(cmdRequest(), 'cli');
    expect([a.name, b.name]).toEqual(['cmd-1', 'cmd-2']);
    await h.core.service.stop(a.id, { wait: false }, 'cli');
    await h.core.service.remove(a.id, false, 'cli');
    expect((await h.core.service.create(cmdRequest(), 'cli')).name).toBe('cmd-1');
    expect((await h.core.service.create(cmdRequest(), 'cli')).name).toBe('cmd-3');
  });

  it('runs the login shell for the shell profile, with argv as its arguments', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest({ profile: 'shell', argv: ['-l'] }), 'cli');
    expect(view).toMatchObject({ name: 'shell-1', profile: 'shell', command: '/bin/sh', args: ['-l'] });
  });

  it('records agent.created and the first stateChanged with the caller as source', async () => {
    const h = await makeCore();
    const view = await h.core.service.create(cmdRequest({ name: 'api', argv: ['node', 'a.js'] }), 'api');
    expect(view).toMatchObject({
      state: 'starting',
      command: '/usr/bin/node',
      args: ['a.js'],
      restart: 'never',
    });
    expect(agentOf(h, view.id)).toMatchObject({ cols: 80, rows: 24, cwd: '/work', outputSeq: 0 });
    const [created] = h.store.ofType('agent.created', view.id);
    expect(created).toMatchObject({
      source: 'api',
      workspaceId: view.workspaceId,
      data: { agent: { name: 'api' } },
    });
    expect(h.store.ofType('agent.stateChanged', view.id).map((e) => [e.source, e.data])).toEqual([
      [
        'api',
        { from: null, to: 'starting', detail: { reason: 'created' }, pid: null, since: view.stateSince },
      ],
    ]);
  });

  it('with wait, answers once the process runs', async () => {
    const h = await makeCore();
    let view: AgentView | undefined;
    void h.core.service.create(cmdRequest({ wait: true, name: 'w' }), 'cli').then((v) => (view = v));
    await flush();
    const id = h.core.registry.resolve('w').id;
    await connectHost(h.core, id, { hostPid: 5001 });
    expect(view).toBeUndefined();
    await reportSpawned(h, id, 9001);
    expect(view).toMatchObject({ state: 'running', pid: 9001 });
  });

  it('with wait, answers with the failure when the host never connects', async () => {
    const h = await makeCore();
    let view: AgentView | undefined;
    void h.core.service.create(cmdRequest({ wait: true }), 'cli').then((v) => (view = v));
    await h.clock.advanceAsync(4_999);
    expect(view).toBeUndefined();
    await h.clock.advanceAsync(1);
    expect(view).toMatchObject({ state: 'crashed', stateDetail: { reason: 'host_timeout' } });
  });
});

describe('finding agents', () => {
  it('AGENT_NOT_FOUND and AGENT_AMBIGUOUS, and workspace/name to disambiguate', async () => {
    const h = await makeCore();
    await h.core.registry.addWorkspace({
      id: 'ws-2',
      name: 'other',
      repoPath: null,
      backend: 'headless',
      template: null,
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await h.core.service.create(cmdRequest({ name: 'web' }), 'cli');
    const other = await h.core.service.create(cmdRequest({ name: 'web', workspace: 'other' }), 'cli');
    expect(thrown(() => h.core.service.get('nope')).code).toBe('AGENT_NOT_FOUND');
    const ambiguous = thrown(() => h.core.service.get('web'));
    expect(ambiguous.code).toBe('AGENT_AMBIGUOUS');
    expect(ambiguous.details?.candidates).toEqual(['default/web', 'other/web']);
    expect(h.core.service.get('other/web').id).toBe(other.id);
    expect(h.core.service.get(other.id).workspace).toBe('other');
    expect((await rejection(h.core.service.stop('nope', { wait: false }, 'cli'))).code).toBe(
      'AGENT_NOT_FOUND',
    );
  });

  it('lists agents oldest first, filtered by state or workspace, and counts them', async () => {
    const h = await makeCore();
    const a = await startAgent(h, { name: 'a' }, 'cli', 9001);
    h.clock.advance(10);
    const b = await startAgent(h, { name: 'b' }, 'cli', 9002);
    await reportExit(h, b.id, 9002, exitCode(0));
    expect(h.core.service.list().map((v) => v.name)).toEqual(['a', 'b']);
    expect(h.core.service.list({ state: 'exited' }).map((v) => v.name)).toEqual(['b']);
    expect(h.core.service.list({ workspace: 'default', state: 'running' }).map((v) => v.id)).toEqual([a.id]);
    expect(h.core.service.counts()).toEqual({
      total: 2,
      byState: {
        starting: 0,
        running: 1,
        working: 0,
        needs_permission: 0,
        needs_input: 0,
        idle: 0,
        exited: 1,
        crashed: 0,
      },
      hostsConnected: 2,
    });
  });
});

describe('remove', () => {
  it('refuses a live agent without force (AGENT_RUNNING) and keeps it', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h);
    const err = await rejection(h.core.service.remove(id, false, 'cli'));
    expect(err.code).toBe('AGENT_RUNNING');
    expect(err.details).toEqual({ agent: 'cmd-1', state: 'running' });
    expect(agentOf(h, id).state).toBe('running');
    expect(link.ofType('signal')).toEqual([]);
  });

  it('with force, stops the agent, waits for the exit, then forgets it everywhere', async () => {
    const h = await makeCore();
    const { id, link } = await startAgent(h, { restart: 'always' });
    let removedId: string | undefined;
    const removing = h.core.service.remove(id, true, 'cli').then((r) => (removedId = r));
    await flush();
    expect(link.sent.at(-1)).toEqual({ type: 'signal', signal: 'SIGTERM', graceMs: 2_000 });
    expect(removedId).toBeUndefined();
    expect(h.core.registry.get(id)).toBeDefined();

    await reportExit(h, id, 9001, killedBy('SIGTERM'));
    await removing;
    expect(removedId).toBe(id);
    expect(h.core.registry.get(id)).toBeUndefined();
    expect(h.store.agents.has(id)).toBe(false);
    expect(h.logs.removed).toEqual([id]);
    expect(h.store.ofType('agent.removed', id).map((e) => [e.source, e.data])).toEqual([
      ['cli', { name: 'cmd-1' }],
    ]);
    expect(link.sent.at(-1)).toEqual({ type: 'shutdown' });
    await h.clock.advanceAsync(60_000);
    expect(link.ofType('spawn')).toHaveLength(1);
    expect(h.launcher.launched).toHaveLength(1);
  });

  it('removes an exited agent straight away', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    await reportExit(h, id, 9001, exitCode(0));
    expect(await h.core.service.remove('cmd-1', false, 'api')).toBe(id);
    expect(h.core.service.list()).toEqual([]);
  });
});

describe('waitFor', () => {
  it('resolves when the predicate holds, at the timeout otherwise, and never rejects', async () => {
    const h = await makeCore();
    const { id } = await startAgent(h);
    let done = false;
    void h.core.service.waitFor(id, (a) => a.state === 'exited', 1_000).then(() => (done = true));
    await flush();
    expect(done).toBe(false);
    await reportExit(h, id, 9001, exitCode(0));
    expect(done).toBe(true);

    let timedOut = false;
    void h.core.service.waitFor(id, (a) => a.state === 'running', 1_000).then(() => (timedOut = true));
    await h.clock.advanceAsync(999);
    expect(timedOut).toBe(false);
    await h.clock.advanceAsync(1);
    expect(timedOut).toBe(true);
  });

  it('resolves at once for a true predicate or an agent that is gone', async () => {
    const h = await makeCore();
    await expect(h.core.service.waitFor('ag-ghost', () => false, 1_000)).resolves.toBeUndefined();
    expect(h.clock.pending).toBe(3); // only the checkpoint, stats and stall-check timers: no wait timer left
  });
});
