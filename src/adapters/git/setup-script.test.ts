import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliGitWorktrees } from './git-worktrees.js';
import { YAML_BOMB } from '../../../test/support/yaml-bomb.js';
import { code, n, repo, req, root, useWorktreeRig, write, wts } from '../../../test/support/worktree-rig.js';

useWorktreeRig();

describe('setup script', () => {
  const config = (text: string): void => write(join(repo, '.wezterm-parallel/config.yaml'), text);

  it('is null without a config or without setup, and reports an invalid file', async () => {
    expect(wts.setupScript(repo)).toBeNull();
    config('other: 1\n');
    expect(wts.setupScript(repo)).toBeNull();
    config('setup: "npm ci"\n');
    const bad = await code(() => wts.setupScript(repo));
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.message).toContain('config.yaml');
    expect(bad.details).toMatchObject({ issues: [expect.objectContaining({ path: 'setup' })] });
    config('setup: [\n');
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
    // A cloned repository's alias to nothing, or YAML bomb: refused, not an internal error.
    config('setup: *fz\n');
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
    config(`${YAML_BOMB}\nsetup: [*g]\n`);
    expect((await code(() => wts.setupScript(repo))).code).toBe('CONFIG_INVALID');
  });

  it('approval rules: checked, approved with the file, asked again when changed; old hashes kept', async () => {
    config('setup:\n  - npm ci\n');
    const plain = wts.setupScript(repo);
    expect(plain?.approvals).toBeNull();
    // The hash of a file without rules is what it was before rules existed.
    expect(plain?.hash).toBe(
      createHash('sha256')
        .update(JSON.stringify(['npm ci']))
        .digest('hex'),
    );
    config('approvals:\n  allow: ["Bash(npm test*)"]\n');
    const only = wts.setupScript(repo);
    expect(only).toMatchObject({
      commands: [],
      approvals: { allow: ['Bash(npm test*)'], deny: [] },
      approved: false,
    });
    wts.approveSetup(repo, only?.hash ?? '');
    expect(wts.setupScript(repo)?.approved).toBe(true);
    config('approvals:\n  allow: ["Bash(npm *)"]\n');
    expect(wts.setupScript(repo)?.approved).toBe(false);
    config('approvals:\n  allow: ["Bash(npm test"]\n');
    const bad = await code(() => wts.setupScript(repo));
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.details).toMatchObject({ issues: [expect.objectContaining({ path: 'approvals.allow.0' })] });
  });

  it('runs only once approved, streaming lines with WTP_PORT, and asks again when changed', async () => {
    config(
      'setup:\n  - echo hello\n  - echo "port=$WTP_PORT end=$WTP_PORT_END opt=$FROM_OPTIONS" >&2\n  - pwd > where.txt; printf partial\n',
    );
    const wt = await wts.provision(req({ agentName: 's' }));
    const script = wts.setupScript(repo);
    expect(script).toMatchObject({ approved: false, commands: expect.any(Array) as unknown });
    const refused = await code(wts.runSetup(wt, {}, () => undefined));
    expect(refused.code).toBe('SETUP_NOT_APPROVED');
    expect(refused.details).toMatchObject({ hash: script?.hash, commands: script?.commands });

    wts.approveSetup(repo, script?.hash ?? '');
    expect(wts.setupScript(repo)?.approved).toBe(true);
    const approvals = join(root, `case-${n}`, 'state', 'setup-approvals.json');
    expect(fs.statSync(approvals).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(approvals, 'utf8'))).toEqual({ [repo]: [script?.hash] });

    const lines: string[] = [];
    await wts.runSetup(wt, { WTP_PORT: '4100', WTP_PORT_END: '4109' }, (l) => lines.push(l));
    expect(lines).toEqual([
      '$ echo hello',
      'hello',
      '$ echo "port=$WTP_PORT end=$WTP_PORT_END opt=$FROM_OPTIONS" >&2',
      'port=4100 end=4109 opt=yes',
      '$ pwd > where.txt; printf partial',
      'partial',
    ]);
    expect(fs.readFileSync(join(wt.path, 'where.txt'), 'utf8').trim()).toBe(wt.path);

    config('setup:\n  - echo changed\n');
    const changed = wts.setupScript(repo);
    expect(changed?.approved).toBe(false);
    expect(changed?.hash).not.toBe(script?.hash);
    expect((await code(wts.runSetup(wt, {}, () => undefined))).code).toBe('SETUP_NOT_APPROVED');
  });

  it('stops at the first failing command with its output', async () => {
    config('setup:\n  - echo before\n  - echo oops >&2; exit 3\n  - echo never\n');
    const wt = await wts.provision(req({ agentName: 'fail' }));
    wts.approveSetup(repo, wts.setupScript(repo)?.hash ?? '');
    const lines: string[] = [];
    const failed = await code(wts.runSetup(wt, { WTP_PORT: '1' }, (l) => lines.push(l)));
    expect(failed.code).toBe('SETUP_FAILED');
    expect(failed.details).toMatchObject({ command: 'echo oops >&2; exit 3', exitCode: 3 });
    expect(failed.details?.output).toContain('before');
    expect(failed.details?.output).toContain('oops');
    expect(lines).not.toContain('never');
  });

  it('kills a command that runs past its time limit', async () => {
    config('setup:\n  - echo start; sleep 60; echo finished\n');
    const slow = new CliGitWorktrees({
      worktreesDir: join(root, `case-${n}`, 'state', 'worktrees'),
      approvalsFile: join(root, `case-${n}`, 'state', 'setup-approvals.json'),
      env: { PATH: process.env.PATH },
      gitEnv: process.env,
      setupTimeoutMs: 300,
    });
    const wt = await slow.provision(req({ agentName: 'slow' }));
    slow.approveSetup(repo, slow.setupScript(repo)?.hash ?? '');
    const failed = await code(slow.runSetup(wt, {}, () => undefined));
    expect(failed.code).toBe('SETUP_FAILED');
    expect(failed.details).toMatchObject({ timedOut: true, output: expect.stringMatching(/^start$/m) });
    expect(failed.details?.output).not.toMatch(/^finished$/m);
  });
});
