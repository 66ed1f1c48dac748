import { describe, expect, it } from 'vitest';
import {
  agentOf,
  agentRecord,
  connectHost,
  makeCore,
  reportSpawned,
  type Harness,
} from '../../../test/support/core-fakes.js';
import { flush } from '../../../test/support/fake-clock.js';
import { FakeGitReview, FakeGitWorktrees } from '../../../test/support/fake-git.js';
import { templateSchema } from '../../protocol/template.js';
import type { NewWorkspace } from './workspace-service.js';

const quad = templateSchema.parse({
  layout: {
    split: 'right',
    panes: [
      { split: 'down', panes: [{ agent: { name: 'a1' } }, { agent: { name: 'a3' } }] },
      {
        split: 'down',
        panes: [{ agent: { name: 'a2' } }, { command: { title: 'log', run: ['node', 'log.js'] } }],
      },
    ],
  },
});

const input = (over: Partial<NewWorkspace> = {}): NewWorkspace => ({
  name: 'app',
  repoPath: '/src/app',
  backend: 'tmux',
  template: { name: 'quad', layout: quad.layout },
  profile: 'cmd',
  ...over,
});

/** Template agents default to the `cmd` profile here, which needs argv: give them `node`. */
function withArgs(h: Harness): void {
  h.preflight.commands.set('node', '/usr/bin/node');
}

async function created(h: Harness, over: Partial<NewWorkspace> = {}) {
  withArgs(h);
  const layout = templateSchema.parse({
    layout: JSON.parse(JSON.stringify(quad.layout).replaceAll('"args":[]', '"args":["node"]')) as unknown,
  }).layout;
  const pending = h.core.workspaces.create(input({ template: { name: 'quad', layout }, ...over }), 'cli');
  await flush();
  // Every host connects and spawns, as real panes would.
  for (const a of h.core.registry.all().filter((x) => x.state === 'starting')) {
    await connectHost(h.core, a.id, { hostPid: a.hostPid ?? 0 });
    await reportSpawned(h, a.id, 9000 + (a.hostPid ?? 0));
  }
  return pending;
}

describe('WorkspaceService.create', () => {
  it('creates the layout in plan order: agents through the launcher, commands through the mux', async () => {
    const h = await makeCore();
    const { workspace, agents } = await created(h);
    expect(workspace).toMatchObject({ name: 'app', backend: 'tmux', template: 'quad', repoPath: '/src/app' });
    expect(agents.map((a) => [a.name, a.state, a.workspace, a.cwd])).toEqual([
      ['a1', 'running', 'app', '/src/app'],
      ['a2', 'running', 'app', '/src/app'],
      ['a3', 'running', 'app', '/src/app'],
    ]);
    expect(h.launcher.placements).toEqual([
      { kind: 'new-workspace' },
      { kind: 'split', target: 'p-5001', direction: 'right', size: { percent: 50 } },
      { kind: 'split', target: 'p-5001', direction: 'bottom', size: { percent: 50 } },
    ]);
    const mux = h.muxes.get('tmux');
    expect(mux.calls).toEqual([
      {
        op: 'splitPane',
        args: [
          'p-5002',
          { argv: ['/usr/bin/node', 'log.js'], cwd: '/src/app', env: {}, title: 'log' },
          'bottom',
          { percent: 50 },
        ],
      },
    ]);
    expect(h.store.ofType('workspace.created').map((e) => e.data)).toEqual([{ workspace }]);
  });

  it('gives each agent a worktree of its own only when asked (--repo); otherwise they work in the folder', async () => {
    const git = { worktrees: new FakeGitWorktrees(), review: new FakeGitReview() };
    const inPlace = await created(await makeCore({ git }));
    expect(inPlace.agents.map((a) => [a.cwd, a.worktree])).toEqual([
      ['/src/app', null],
      ['/src/app', null],
      ['/src/app', null],
    ]);
    const own = await created(await makeCore({ git }), { worktrees: true });
    expect(own.agents.map((a) => [a.cwd, a.worktree?.branch])).toEqual([
      ['/wt/a1', 'wtp/a1'],
      ['/wt/a2', 'wtp/a2'],
      ['/wt/a3', 'wtp/a3'],
    ]);
  });

  it("gives the template's approval rules to its agent CLIs (not to cmd panes); refuses one that allows everything", async () => {
    const h = await makeCore();
    withArgs(h);
    h.preflight.commands.set('gemini', '/usr/bin/gemini');
    const t = templateSchema.parse({
      approvals: { allow: ['Bash(npm test*)'], deny: ['Bash(rm *)'] },
      layout: {
        split: 'right',
        panes: [
          { agent: { name: 'g', profile: 'gemini', mcp: true } },
          { agent: { name: 'c', args: ['node'] } },
        ],
      },
    });
    const pending = h.core.workspaces.create(
      input({ template: { name: 't', layout: t.layout, approvals: t.approvals } }),
      'cli',
    );
    await flush();
    for (const a of h.core.registry.all().filter((x) => x.state === 'starting')) {
      await connectHost(h.core, a.id, { hostPid: a.hostPid ?? 0 });
      await reportSpawned(h, a.id, 9000 + (a.hostPid ?? 0));
    }
    await pending;
    const byName = (n: string) => h.core.registry.all().find((a) => a.name === n);
    expect(byName('g')?.approvals).toEqual({ allow: ['Bash(npm test*)'], deny: ['Bash(rm *)'] });
    expect(byName('c')?.approvals).toBeUndefined();
    // A pane's `mcp: true` gives that agent the MCP server (issue 34); the others none.
    expect(byName('g')?.mcp).toBe(true);
    expect(byName('c')?.mcp).toBeUndefined();
    const wide = { allow: ['Bash(*)'], deny: [] };
    await expect(
      h.core.workspaces.create(
        input({ name: 'w2', template: { name: 't', layout: t.layout, approvals: wide } }),
        'cli',
      ),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'approvals.allow[0]' }] } });
    expect(h.core.registry.findWorkspace('w2')).toBeUndefined();
  });

  it('checks every pane before creating any: a bad one leaves nothing behind', async () => {
    const h = await makeCore();
    // A template names only known profiles (its schema); the workspace's default profile may not be one.
    const bad = templateSchema.parse({
      layout: {
        split: 'right',
        panes: [{ agent: { name: 'ok', profile: 'cmd', args: ['node'] } }, { agent: { name: 'bad' } }],
      },
    });
    await expect(
      h.core.workspaces.create(
        input({ template: { name: 'x', layout: bad.layout }, profile: 'robot' }),
        'cli',
      ),
    ).rejects.toMatchObject({
      code: 'PROFILE_UNKNOWN',
    });
    expect(h.launcher.launched).toEqual([]);
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();
    const missingCmd = templateSchema.parse({ layout: { command: { run: ['no-such-tool'] } } });
    await expect(
      h.core.workspaces.create(input({ template: { name: 'x', layout: missingCmd.layout } }), 'cli'),
    ).rejects.toMatchObject({ code: 'COMMAND_NOT_FOUND' });
    expect(h.muxes.get('tmux').calls).toEqual([]);
    // A refused create leaves no trace in the event log either.
    expect(h.store.ofType('workspace.created')).toEqual([]);
    expect(h.store.ofType('workspace.removed')).toEqual([]);
  });

  it('rolls back the panes and agents already created when a pane fails half-way', async () => {
    const h = await makeCore();
    withArgs(h);
    h.muxes.get('tmux').failAt = 1; // the command pane (after three agents) fails
    const layout = templateSchema.parse({
      layout: JSON.parse(JSON.stringify(quad.layout).replaceAll('"args":[]', '"args":["node"]')) as unknown,
    }).layout;
    const err = await h.core.workspaces
      .create(input({ template: { name: 'quad', layout } }), 'cli')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'MUX_COMMAND_FAILED',
      details: { rolledBack: { agents: 3, panes: 3 } },
    });
    expect(h.core.registry.all()).toEqual([]);
    expect(h.launcher.closed.sort()).toEqual(['p-5001', 'p-5002', 'p-5003']);
    expect(h.muxes.get('tmux').calls.at(-1)).toEqual({ op: 'closeWorkspace', args: ['app'] });
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();
    expect(h.store.ofType('workspace.removed').map((e) => e.data)).toEqual([{ name: 'app' }]);
  });

  it('never adds to or closes a backend workspace of the same name that is not its own', async () => {
    const h = await makeCore();
    withArgs(h);
    const tmux = h.muxes.get('tmux');
    tmux.panes.set('%7', { workspace: 'app', title: "the user's own session" });
    await expect(h.core.workspaces.create(input(), 'cli')).rejects.toMatchObject({
      code: 'WORKSPACE_EXISTS',
      details: { name: 'app', backend: 'tmux', foreign: true },
    });
    expect(tmux.calls).toEqual([]);
    expect(tmux.panes.has('%7')).toBe(true);
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();

    // Created by someone else between the check and the first pane: the rollback leaves it alone.
    tmux.panes.clear();
    tmux.failAt = 1;
    const cmdFirst = templateSchema.parse({
      layout: {
        split: 'right',
        panes: [{ command: { run: ['node'] } }, { agent: { name: 'x', args: ['node'] } }],
      },
    });
    await expect(
      h.core.workspaces.create(input({ template: { name: 'c', layout: cmdFirst.layout } }), 'cli'),
    ).rejects.toMatchObject({ code: 'MUX_COMMAND_FAILED' });
    expect(tmux.calls.map((c) => c.op)).toEqual(['openWorkspace']);
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();
  });

  it('refuses a taken name, a missing folder and an unavailable backend', async () => {
    const h = await makeCore();
    await expect(
      h.core.workspaces.create(input({ name: 'default', template: null }), 'cli'),
    ).rejects.toMatchObject({ code: 'WORKSPACE_EXISTS' });
    h.preflight.directories.set('/nope', 'missing');
    await expect(
      h.core.workspaces.create(input({ repoPath: '/nope', template: null }), 'cli'),
    ).rejects.toMatchObject({ code: 'CWD_INVALID' });
    h.muxes.unavailable.add('wezterm');
    await expect(
      h.core.workspaces.create(input({ backend: 'wezterm', template: null }), 'cli'),
    ).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
  });

  it('types an initial prompt once the agent output has been quiet', async () => {
    const h = await makeCore();
    withArgs(h);
    const t = templateSchema.parse({
      layout: { agent: { name: 'p', args: ['node'], prompt: 'do the thing' } },
    });
    const pending = h.core.workspaces.create(input({ template: { name: 'p', layout: t.layout } }), 'cli');
    await flush();
    const a = h.core.registry.all()[0];
    if (!a) throw new Error('no agent');
    const { link } = await connectHost(h.core, a.id, { hostPid: a.hostPid ?? 0 });
    await reportSpawned(h, a.id, 9001);
    await pending;
    h.core.sessions.output(a.id, 0, new TextEncoder().encode('booting…'));
    await h.clock.advanceAsync(1_000);
    h.core.sessions.output(a.id, 8, new TextEncoder().encode('ready>'));
    await h.clock.advanceAsync(1_499);
    expect(link.ofType('paste')).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(link.ofType('paste')).toEqual([{ type: 'paste', text: 'do the thing' }]);
  });
});

describe('WorkspaceService.remove and focus', () => {
  it('refuses live agents without force, removes everything with force', async () => {
    const h = await makeCore();
    await created(h);
    await expect(h.core.workspaces.remove('app', false, 'cli')).rejects.toMatchObject({
      code: 'WORKSPACE_NOT_EMPTY',
      details: { agents: ['a1', 'a2', 'a3'] },
    });
    const removing = h.core.workspaces.remove('app', true, 'cli');
    await flush();
    for (const a of h.core.registry.all()) {
      h.core.sessions.message(a.id, {
        type: 'exited',
        report: { pid: a.pid ?? 0, exit: { exitCode: null, signal: 'SIGTERM' }, at: h.clock.now() },
      });
    }
    await removing;
    expect(h.core.registry.all()).toEqual([]);
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();
    expect(h.muxes.get('tmux').calls.at(-1)).toEqual({ op: 'closeWorkspace', args: ['app'] });
    await expect(h.core.workspaces.remove('default', true, 'cli')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('removes an agent that starts in the workspace while it is being removed: none is left pointing at it', async () => {
    const h = await makeCore();
    await created(h);
    const ws = h.core.registry.resolveWorkspace('app');
    const removing = h.core.workspaces.remove('app', true, 'cli');
    await flush();
    // The dispatcher starts a task's agent there meanwhile (the store's foreign key refused the removal: a 500).
    await h.core.registry.add(
      agentRecord({
        id: 'ag-late',
        name: 'late',
        workspaceId: ws.id,
        state: 'exited',
        pid: null,
        hostPid: null,
      }),
      [],
    );
    for (const a of h.core.registry.all().filter((x) => x.state === 'running')) {
      h.core.sessions.message(a.id, {
        type: 'exited',
        report: { pid: a.pid ?? 0, exit: { exitCode: null, signal: 'SIGTERM' }, at: h.clock.now() },
      });
    }
    await removing;
    expect(h.core.registry.findWorkspace('app')).toBeUndefined();
    expect(h.core.registry.all().filter((a) => a.workspaceId === ws.id)).toEqual([]);
  });

  it('focuses the first live agent pane of the workspace', async () => {
    const h = await makeCore();
    await created(h);
    const r = await h.core.workspaces.focus('app');
    expect(r.paneId).toBe(agentOf(h, h.core.registry.all()[0]?.id ?? '').paneId);
    expect(h.muxes.get('tmux').calls.at(-1)).toEqual({ op: 'focus', args: [r.paneId] });
  });
});

describe('WorkspaceService.closePanes (down --stop-agents)', () => {
  it("closes our panes in our workspaces, never another workspace's or one of an agent it does not know", async () => {
    const h = await makeCore();
    const { agents } = await created(h);
    const mux = h.muxes.get('tmux');
    const spec = { argv: ['sleep', '1000'], cwd: '/src/app', env: {} };
    const command = await mux.spawnPane('app', spec);
    const agentPane = await mux.spawnPane('app', { ...spec, agentId: agents[0]?.id ?? '' });
    const orphan = await mux.spawnPane('app', { ...spec, agentId: 'ag-not-known-here' });
    const elsewhere = await mux.spawnPane('not-a-workspace', spec);
    await h.core.workspaces.closePanes();
    const killed = mux.calls.filter((c) => c.op === 'kill').map((c) => c.args[0]);
    expect(killed).toEqual(expect.arrayContaining([command.id, agentPane.id]));
    expect(killed).not.toContain(orphan.id);
    expect(killed).not.toContain(elsewhere.id);
  });
});

describe('WorkspaceService.create: sandboxed templates', () => {
  const fenced = (sandbox: 'template' | 'pane') =>
    templateSchema.parse({
      ...(sandbox === 'template' ? { sandbox: true } : {}),
      layout: {
        split: 'right',
        panes: [
          { agent: { name: 's1', args: ['node'], ...(sandbox === 'pane' ? { sandbox: true } : {}) } },
          { agent: { name: 's2', args: ['node'] } },
        ],
      },
    });

  it('a template (or one pane) asking for a sandbox where none can be made is refused before anything is made', async () => {
    const h = await makeCore();
    withArgs(h);
    const t = fenced('pane');
    await expect(
      h.core.workspaces.create(input({ template: { name: 'f', layout: t.layout } }), 'cli'),
    ).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
    expect(h.core.registry.all()).toHaveLength(0);
  });

  it('sandboxes every agent of a sandboxed template, and only the pane that asks otherwise', async () => {
    const policy = { write: ['/src/app'], hide: [], read: [], readOnly: [], hosts: [], forwards: [] };
    for (const [which, expected] of [
      ['template', ['s1', 's2']],
      ['pane', ['s1']],
    ] as const) {
      const h = await makeCore({ sandbox: { unavailable: () => null, plan: () => policy } });
      withArgs(h);
      const t = fenced(which);
      const pending = h.core.workspaces.create(
        input({ template: { name: 'f', layout: t.layout, ...(t.sandbox ? { sandbox: t.sandbox } : {}) } }),
        'cli',
      );
      await flush();
      for (const a of h.core.registry.all().filter((x) => x.state === 'starting')) {
        await connectHost(h.core, a.id, { hostPid: a.hostPid ?? 0 });
        await reportSpawned(h, a.id, 9000 + (a.hostPid ?? 0));
      }
      await pending;
      const sandboxed = h.core.registry
        .all()
        .filter((a) => a.sandbox !== undefined)
        .map((a) => a.name)
        .sort();
      expect(sandboxed, which).toEqual(expected);
    }
  });

  it('takes only `true`: a template cannot turn a sandbox off', () => {
    expect(templateSchema.safeParse({ sandbox: false, layout: { agent: { name: 'a' } } }).success).toBe(
      false,
    );
    expect(templateSchema.safeParse({ layout: { agent: { name: 'a', sandbox: false } } }).success).toBe(
      false,
    );
  });
});
