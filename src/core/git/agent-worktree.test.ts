import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore } from '../../../test/support/core-fakes.js';
import { allocatePorts, provisionWorktree, worktreeEnv } from './agent-worktree.js';
import { AppError } from '../errors.js';
import type { AgentWorktree, GitWorktrees, ProvisionRequest, SetupScript, Submodules } from '../ports/git.js';

class FakeGit implements GitWorktrees {
  readonly removed: AgentWorktree[] = [];
  readonly requests: ProvisionRequest[] = [];
  script: SetupScript | null = null;
  modules: Submodules | null = null;
  /** Worktrees whose submodules were fetched. */
  readonly fetched: string[] = [];
  provision(req: ProvisionRequest): Promise<AgentWorktree> {
    this.requests.push(req);
    return Promise.resolve({
      repo: '/src/shop',
      path: `/wt/${req.agentName}`,
      branch: req.noWorktree ? null : `wtp/${req.agentName}`,
      base: req.base ?? 'main',
      baseCommit: 'c0ffee',
      portStart: req.portStart,
      portCount: req.portCount,
      owned: req.noWorktree !== true,
    });
  }
  setupScript(): SetupScript | null {
    return this.script;
  }
  approveSetup(): void {}
  submodules(): Promise<Submodules | null> {
    return Promise.resolve(this.modules);
  }
  initSubmodules(wt: AgentWorktree): Promise<void> {
    this.fetched.push(wt.path);
    return Promise.resolve();
  }
  runSetup(): Promise<void> {
    return Promise.resolve();
  }
  wouldLose() {
    return Promise.resolve({ uncommitted: [], unmergedCommits: [] });
  }
  remove(wt: AgentWorktree): Promise<void> {
    this.removed.push(wt);
    return Promise.resolve();
  }
  diskUsage(): Promise<number> {
    return Promise.resolve(0);
  }
  uncommitted(): Promise<string[]> {
    return Promise.resolve([]);
  }
  carryUncommitted(): Promise<string[]> {
    return Promise.resolve([]);
  }
}

const settings = { portBase: 20_000, portsPerAgent: 10 };
const req = { profile: 'cmd', cwd: '/here', restart: 'never' as const, argv: ['x'], env: {}, wait: false };

describe('agent worktrees (core)', () => {
  it('hands out the lowest free port range', async () => {
    const wt = (portStart: number): AgentWorktree => ({
      repo: '/r',
      path: '/p',
      branch: 'b',
      base: 'main',
      baseCommit: 'c',
      portStart,
      portCount: 10,
      owned: true,
    });
    const h = await makeCore({
      agents: [
        agentRecord({ id: 'a1', worktree: wt(20_000) }),
        agentRecord({ id: 'a2', worktree: wt(20_020) }),
      ],
    });
    expect(allocatePorts(h.core.registry, settings)).toBe(20_010);
  });

  it('puts the agent in its worktree; without a repository nothing happens, but --base needs one', async () => {
    const h = await makeCore();
    const git = new FakeGit();
    const d = { git, registry: h.core.registry, clock: h.clock, settings };
    const workspaceId = h.core.registry.resolveWorkspace('default').id;
    const agent = agentRecord({ id: 'ag-1', name: 'api', cwd: '/here', workspaceId });
    await provisionWorktree(agent, { ...req }, d);
    expect(agent.worktree).toBeNull();
    await expect(provisionWorktree(agent, { ...req, base: 'dev' }, d)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await provisionWorktree(agent, { ...req, repo: '/src/shop', base: 'dev' }, d);
    expect(agent).toMatchObject({
      cwd: '/wt/api',
      worktree: { branch: 'wtp/api', base: 'dev', portStart: 20_000 },
    });
    expect(worktreeEnv(agent.worktree)).toEqual({
      WTP_PORT: '20000',
      WTP_PORT_END: '20009',
      WTP_WORKTREE: '/wt/api',
      WTP_BRANCH: 'wtp/api',
    });
  });

  it('only an explicit repository gives a worktree; the dispatcher’s optional one may be no repository', async () => {
    const h = await makeCore();
    const git = new FakeGit();
    const ws = await h.core.workspaces.create(
      { name: 'shop', repoPath: '/src/shop', backend: 'headless', template: null, profile: 'cmd' },
      'cli',
    );
    const d = { git, registry: h.core.registry, clock: h.clock, settings };
    const agent = agentRecord({ id: 'ag-3', name: 'x', workspaceId: ws.workspace.id, cwd: '/src/shop' });
    await provisionWorktree(agent, { ...req, cwd: '/src/shop' }, d); // the workspace's folder is no --repo
    expect(agent).toMatchObject({ worktree: null, cwd: '/src/shop' });
    expect(git.requests).toEqual([]);
    git.provision = () => Promise.reject(new AppError('NOT_A_REPOSITORY', 'no repo', { path: '/ws' }));
    await provisionWorktree(agent, { ...req, repo: '/ws', repoOptional: true }, d);
    expect(agent).toMatchObject({ worktree: null, cwd: '/src/shop' });
    await expect(provisionWorktree(agent, { ...req, repo: '/ws' }, d)).rejects.toMatchObject({
      code: 'NOT_A_REPOSITORY',
    });
  });

  it('an unapproved setup script is refused and the worktree just made is removed again', async () => {
    const h = await makeCore();
    const git = new FakeGit();
    git.script = { commands: ['npm ci'], test: null, approvals: null, hash: 'h'.repeat(64), approved: false };
    const agent = agentRecord({ id: 'ag-2', name: 'web' });
    await expect(
      provisionWorktree(
        agent,
        { ...req, repo: '/src/shop' },
        { git, registry: h.core.registry, clock: h.clock, settings },
      ),
    ).rejects.toMatchObject({ code: 'SETUP_NOT_APPROVED', details: { commands: ['npm ci'] } });
    expect(git.removed.map((w) => w.path)).toEqual(['/wt/web']);
    expect(agent.worktree).toBeNull();
  });

  it("a repository's approval rules are refused until approved, then join the agent's own", async () => {
    const h = await makeCore();
    const git = new FakeGit();
    const rules = { allow: ['Bash(npm test*)'], deny: ['Bash(rm *)'] };
    git.script = { commands: [], test: null, approvals: rules, hash: 'h'.repeat(64), approved: false };
    const d = { git, registry: h.core.registry, clock: h.clock, settings };
    const refused = agentRecord({ id: 'ag-4', name: 'r1' });
    await expect(provisionWorktree(refused, { ...req, repo: '/src/shop' }, d)).rejects.toMatchObject({
      code: 'SETUP_NOT_APPROVED',
      message: expect.stringContaining('approval rules: allow Bash(npm test*), deny Bash(rm *)'),
    });
    expect(refused.approvals).toBeUndefined();
    git.script = { ...git.script, approved: true };
    const agent = agentRecord({ id: 'ag-5', name: 'r2' });
    agent.approvals = { allow: ['Write(src/**)'], deny: [] };
    await provisionWorktree(agent, { ...req, repo: '/src/shop' }, d);
    expect(agent.approvals).toEqual({ allow: ['Write(src/**)', 'Bash(npm test*)'], deny: ['Bash(rm *)'] });
  });

  it('submodules wait for approval: nothing is fetched and the worktree goes; approved, they are fetched', async () => {
    const h = await makeCore();
    const git = new FakeGit();
    const entries = [{ name: 'lib', path: 'vendor/lib', url: 'https://attacker.example/lib.git' }];
    git.modules = { repo: '/src/shop', entries, hash: 's'.repeat(64), approved: false };
    const d = { git, registry: h.core.registry, clock: h.clock, settings };
    const refused = agentRecord({ id: 'ag-6', name: 'm1' });
    await expect(provisionWorktree(refused, { ...req, repo: '/src/shop' }, d)).rejects.toMatchObject({
      code: 'SETUP_NOT_APPROVED',
      message: expect.stringContaining('submodules: vendor/lib (https://attacker.example/lib.git)'),
      details: { submodules: entries, hashes: ['s'.repeat(64)] },
    });
    expect(git.fetched).toEqual([]);
    expect(git.removed.map((w) => w.path)).toEqual(['/wt/m1']);
    git.modules = { ...git.modules, approved: true };
    const agent = agentRecord({ id: 'ag-7', name: 'm2' });
    await provisionWorktree(agent, { ...req, repo: '/src/shop' }, d);
    expect(git.fetched).toEqual(['/wt/m2']);
  });
});
