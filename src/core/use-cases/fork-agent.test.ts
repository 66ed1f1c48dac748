import { describe, expect, it } from 'vitest';
import { agentOf, agentRecord, makeCore, type Harness } from '../../../test/support/core-fakes.js';
import { FakeGitReview, FakeGitWorktrees } from '../../../test/support/fake-git.js';
import { PROFILES } from '../../vendors/registry.js';
import { AppError } from '../errors.js';
import { spawnMessage } from '../lifecycle/spawn-message.js';
import { forkAgent, forkName } from './fork-agent.js';

const SESSION = '5d769b8d-89c3-481a-b65c-ec8ae75937a4';

async function rig() {
  const git = new FakeGitWorktrees();
  const policy = { write: [], read: [], readOnly: [], hide: [], hosts: [], forwards: [] };
  const h = await makeCore({
    git: { worktrees: git, review: new FakeGitReview() },
    sandbox: { unavailable: () => null, plan: () => policy },
  });
  h.preflight.commands.set('/usr/bin/node', '/usr/bin/node');
  h.preflight.commands.set('/opt/claude/bin/claude', '/opt/claude/bin/claude');
  h.preflight.commands.set('codex', '/opt/bin/codex');
  const deps = {
    registry: h.core.registry,
    service: h.core.service,
    profileCatalog: h.core.profileCatalog,
    worktrees: h.core.worktrees,
  };
  const fork = (ref: string, over: { name?: string; withUncommitted?: boolean } = {}) =>
    forkAgent(deps, ref, { withUncommitted: false, wait: false, ...over }, 'cli');
  return { h, git, fork };
}

const create = (h: Harness, over: Record<string, unknown>) =>
  h.core.service.create(
    { profile: 'cmd', cwd: '/work', restart: 'never', argv: ['node'], env: {}, wait: false, ...over },
    'cli',
  );

/** The arguments its host would start it with. */
const spawnArgs = (h: Harness, id: string): string[] => {
  const m = spawnMessage(PROFILES, agentOf(h, id), {});
  return m.type === 'spawn' ? m.args : [];
};

describe('forkAgent', () => {
  it('makes an agent of the same command, environment and policy on a new branch from the source branch', async () => {
    const { h, git, fork } = await rig();
    const src = await create(h, {
      name: 'api',
      repo: '/src/shop',
      argv: ['node', 'server.js', '--port', '0'],
      env: { MODE: 'dev' },
      restart: 'on-failure',
    });
    const r = await fork('api');
    expect(git.provisions.at(-1)).toMatchObject({
      repo: '/src/shop',
      agentName: 'api-fork',
      base: 'wtp/api',
    });
    expect(r.agent).toMatchObject({
      name: 'api-fork',
      profile: 'cmd',
      command: '/usr/bin/node',
      args: ['server.js', '--port', '0'],
      env: { MODE: 'dev' },
      restart: 'on-failure',
      workspace: 'default',
      worktree: { branch: 'wtp/api-fork', base: 'wtp/api' },
    });
    expect(r.source).toEqual({ id: src.id, name: 'api', branch: 'wtp/api' });
    expect(r.conversation).toEqual({
      forked: false,
      session: null,
      note: 'starts a fresh conversation: cmd agents have no conversation to carry',
    });
    expect(r.uncommitted).toEqual({ files: [], carried: false });
    expect((await fork('api')).agent.name).toBe('api-fork-2');
    expect((await fork('api', { name: 'other' })).agent.name).toBe('other');
  });

  it('forks a Claude Code conversation: --resume <source> --fork-session until the fork has a session of its own', async () => {
    const { h, fork } = await rig();
    const src = await create(h, {
      profile: 'claude',
      name: 'cc',
      repo: '/src/shop',
      argv: ['--model', 'opus'],
    });
    await h.core.service.noteSession(agentOf(h, src.id), SESSION);
    const r = await fork('cc');
    expect(r.conversation).toMatchObject({ forked: true, session: SESSION });
    expect(r.conversation.note).toBe(
      `continues a copy of cc's conversation (session ${SESSION}); cc's own goes on unchanged`,
    );
    expect(spawnArgs(h, r.agent.id)).toEqual(['--resume', SESSION, '--fork-session', '--model', 'opus']);
    expect(spawnArgs(h, src.id)).toEqual(['--resume', SESSION, '--model', 'opus']); // the source resumes its own
    // Once the fork reports its own session (SessionStart), a restart resumes that one.
    await h.core.service.noteSession(agentOf(h, r.agent.id), 'own-session');
    expect(spawnArgs(h, r.agent.id)).toEqual(['--resume', 'own-session', '--model', 'opus']);
  });

  it('starts fresh, saying why, for a Claude Code agent without a session and for a CLI that cannot fork', async () => {
    const { h, fork } = await rig();
    await create(h, { profile: 'claude', name: 'new', repo: '/src/shop', argv: [] });
    const fresh = await fork('new');
    expect(fresh.conversation.note).toBe('starts a fresh conversation: new has no recorded session yet');
    expect(spawnArgs(h, fresh.agent.id)).toEqual([]);
    await create(h, { profile: 'codex', name: 'cx', repo: '/src/shop', argv: [] });
    const cx = await fork('cx');
    expect(cx.conversation.note).toBe('starts a fresh conversation: codex cannot fork a conversation');
    // The profile's own defaults are not given twice.
    expect(cx.agent.args).toEqual(PROFILES.get('codex').defaultArgs);
    // Sandboxed, its session is in its private CLI state, which the fork's CLI does not read.
    const boxed = await create(h, {
      profile: 'claude',
      name: 'boxed',
      repo: '/src/shop',
      argv: [],
      sandbox: true,
    });
    await h.core.service.noteSession(agentOf(h, boxed.id), SESSION);
    const b = await fork('boxed');
    expect(b.conversation).toMatchObject({ forked: false, session: null });
    expect(b.conversation.note).toBe(
      'starts a fresh conversation: boxed is sandboxed, and its sessions are in its own CLI state folder',
    );
    expect(spawnArgs(h, b.agent.id)).toEqual([]);
  });

  it('lists uncommitted work left behind, and carries it with withUncommitted', async () => {
    const { h, git, fork } = await rig();
    const src = await create(h, { name: 'api', repo: '/src/shop' });
    const path = src.worktree?.path ?? '';
    git.pending.set(path, ['app.ts', 'notes.md']);
    const left = await fork('api');
    expect(left.uncommitted).toEqual({ files: ['app.ts', 'notes.md'], carried: false });
    expect(git.carries).toEqual([]);
    const carried = await fork('api', { withUncommitted: true });
    expect(carried.uncommitted).toEqual({ files: ['app.ts', 'notes.md'], carried: true });
    expect(git.carries).toEqual([{ from: path, to: carried.agent.worktree?.path }]);
  });

  it('refuses an agent outside git, and one whose branch is gone, creating nothing', async () => {
    const { h, git, fork } = await rig();
    await create(h, { name: 'plain' });
    const outside = await fork('plain').catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(AppError);
    expect(outside).toMatchObject({ code: 'AGENT_HAS_NO_WORKTREE', details: { agent: 'plain' } });
    expect((outside as Error).message).toContain('--repo <dir>');

    await create(h, { name: 'merged', repo: '/src/shop' });
    git.missingRefs.add('wtp/merged');
    const gone = await fork('merged').catch((e: unknown) => e);
    expect(gone).toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      details: { ref: 'wtp/merged', agent: 'merged' },
    });
    expect((gone as Error).message).toBe(
      'The branch wtp/merged of agent "merged" no longer exists in /src/shop, perhaps merged and removed, so there is nothing to fork from. Start a new agent with `wtp new` instead.',
    );
    expect(h.core.registry.all().map((a) => a.name)).toEqual(['plain', 'merged']);
  });

  it('names a fork of a long name within 48 characters', async () => {
    const { h } = await rig();
    const long = agentRecord({ id: 'ag-x', name: 'a'.repeat(48) });
    expect(forkName(h.core.registry, long)).toBe(`${'a'.repeat(43)}-fork`);
  });
});
