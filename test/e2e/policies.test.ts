import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

/**
 * Approval rules through the real CLI and daemon, with a stand-in `claude` (prints its version,
 * then waits): `wtp new --auto-approve` reaches the agent's own settings file as Claude Code's
 * permissions (with the config's), a rule that allows everything is
 * refused, and `wtp doctor` lists agents that act without asking and wide config rules.
 */
describe('approval rules (wtp new --auto-approve, config approvals, doctor)', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome();
    const claude = home.path('claude');
    writeFileSync(
      claude,
      `#!/bin/sh\nif [ "$1" = --version ]; then echo '2.1.330 (Claude Code)'; exit 0; fi\nexec sleep 600\n`,
    );
    chmodSync(claude, 0o755);
    home.env.WTP_CLAUDE_BIN = claude;
    home.writeConfig('approvals:\n  allow: ["Bash(npm test*)", "Bash(*)"]\n  deny: ["Bash(rm *)"]\n');
    expect((await home.run(['up', '--detach'])).code).toBe(0);
  });
  afterAll(() => home.cleanup());

  const settingsOf = (id: string) =>
    JSON.parse(readFileSync(home.path('agents', id, 'claude-settings.json'), 'utf8')) as {
      permissions?: { allow: string[]; deny: string[] };
    };

  it("puts the agent's rules and the config's into its own Claude settings", async () => {
    const r = await home.json<{ agent: { id: string } }>([
      'new',
      'claude',
      '-n',
      'c1',
      '--auto-approve',
      'Bash(npm run lint:*)',
      '--auto-approve',
      'Write(src/**)',
    ]);
    expect(r.code).toBe(0);
    const id = r.doc.agent.id;
    const file = home.path('agents', id, 'claude-settings.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The config's `Bash(*)` is the user's own choice: given as written (and listed by doctor, below).
    expect(settingsOf(id).permissions).toEqual({
      allow: ['Bash(npm test*)', 'Bash(*)', 'Bash(npm run lint:*)', 'Write(src/**)'],
      deny: ['Bash(rm *)'],
    });
  });

  it('refuses a rule that allows everything, naming the vendor flag, and a rule it cannot read', async () => {
    for (const rule of ['Bash(*)', '*', 'Bash']) {
      const r = await home.json<{ error: { code: string; message: string; details: unknown } }>([
        'new',
        'claude',
        '--auto-approve',
        rule,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.doc.error.code).toBe('INVALID_INPUT');
      expect(r.doc.error.message).toContain('allows everything');
      expect(r.doc.error.message).toContain('--permission-mode bypassPermissions');
    }
    const shell = await home.json<{ error: { code: string; message: string } }>([
      'new',
      'shell',
      '--auto-approve',
      'Bash(npm test*)',
    ]);
    expect(shell.doc.error).toMatchObject({
      code: 'PROFILE_OPTION_UNSUPPORTED',
      message: expect.stringContaining('--auto-approve does not apply to the shell profile'),
    });
    const bad = await home.run(['new', 'claude', '--auto-approve', 'Bash(npm test']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--auto-approve: "Bash(npm test" is not a rule');
    expect((await home.agents()).map((a) => a.name)).toEqual(['c1']);
  });

  it('wtp doctor lists agents that act without asking (by their mode or a broad flag) and config rules that allow everything', async () => {
    expect(
      (await home.run(['new', 'claude', '-n', 'yolo', '--', '--dangerously-skip-permissions'])).code,
    ).toBe(0);
    const r = await home.json(['doctor']);
    const report = cliOutputSchemas.doctor.parse(r.doc);
    expect(report.broadPermissions.agents).toEqual([
      {
        agent: 'yolo',
        id: expect.any(String),
        workspace: 'default',
        profile: 'claude',
        flags: ['--dangerously-skip-permissions'],
      },
    ]);
    expect(report.broadPermissions.rules).toEqual([{ path: 'approvals.allow[1]', rule: 'Bash(*)' }]);
    // c1 was started without --permission-mode: Claude Code's default, auto (issue 29).
    expect(
      report.broadPermissions.modes.map((m) => [m.agent, m.permission.mode, m.permission.origin]),
    ).toEqual([
      ['c1', 'auto', 'vendor_default'],
      ['yolo', 'bypass', 'args'],
    ]);
    const check = report.checks.find((c) => c.id === 'permissions');
    expect(check).toMatchObject({ status: 'warn', path: join(home.dir, 'config.yaml') });
    const human = await home.run(['doctor']);
    expect(human.stdout).toMatch(
      /^warn {2}permissions +agents that act without asking: c1 \(claude auto: runs the commands it judges safe without asking; Claude Code 2\.1\.330's default\); yolo \(claude bypass \(bypassPermissions\): edits files and runs commands without asking; --dangerously-skip-permissions\); approval rules that allow everything: approvals\.allow\[1\] "Bash\(\*\)"$/m,
    );
  });

  it("a repository's rules take effect only once its config is approved", async () => {
    const repo = home.path('shop');
    mkdirSync(join(repo, '.wezterm-parallel'), { recursive: true });
    const g = (args: string[]): string =>
      execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...home.env } }).trim();
    g(['init', '-q', '-b', 'main']);
    g(['config', 'user.name', 'Test']);
    g(['config', 'user.email', 'test@example.com']);
    writeFileSync(
      join(repo, '.wezterm-parallel', 'config.yaml'),
      'approvals:\n  allow: ["Bash(make check*)"]\n',
    );
    g(['add', '-A']);
    g(['commit', '-qm', 'start']);
    const refused = await home.json<{ error: { code: string; message: string } }>([
      'new',
      'claude',
      '--repo',
      repo,
    ]);
    expect(refused.doc.error.code).toBe('SETUP_NOT_APPROVED');
    expect(refused.doc.error.message).toContain('approval rules: allow Bash(make check*)');
    const shown = await home.run(['setup', 'show', '--repo', repo]);
    expect(shown.stdout).toContain('approvals allow: Bash(make check*)\nNOT approved');
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);
    const r = await home.json<{ agent: { id: string } }>(['new', 'claude', '-n', 'shop1', '--repo', repo]);
    expect(r.code).toBe(0);
    expect(settingsOf(r.doc.agent.id).permissions?.allow).toEqual([
      'Bash(npm test*)',
      'Bash(*)',
      'Bash(make check*)',
    ]);
  });
});
