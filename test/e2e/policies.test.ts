import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

/**
 * Approval rules through the real CLI and daemon, with a stand-in `claude` (prints its version,
 * then waits): `wtp new --auto-approve` rules (with the config's) decide the agent's PermissionRequest
 * hook — only deny rules reach Claude Code's own settings, whose matcher reads a command's head
 * (issue 29) —, a rule that allows everything is
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
    await home.up();
  });
  afterAll(() => home.cleanup());

  const settingsOf = (id: string) =>
    JSON.parse(readFileSync(home.path('agents', id, 'claude-settings.json'), 'utf8')) as {
      permissions?: { allow: string[]; deny: string[] };
    };

  /** Claude Code's PermissionRequest hook for a Bash command, through `wtp hook --decide`. */
  const decide = async (
    id: string,
    command: string,
    tool: { tool_name: string; tool_input: Record<string, string> } = {
      tool_name: 'Bash',
      tool_input: { command },
    },
  ): Promise<string> => {
    const body = { hook_event_name: 'PermissionRequest', session_id: 'policies-test', ...tool };
    const r = await home.run(['hook', '--agent', id, '--decide'], { input: JSON.stringify(body) });
    expect(r.code).toBe(0);
    if (r.stdout.trim() === '') return 'undecided';
    const doc = JSON.parse(r.stdout) as { hookSpecificOutput: { decision: { behavior: string } } };
    return doc.hookSpecificOutput.decision.behavior;
  };

  it("decides by the agent's rules and the config's; only deny rules reach its own Claude settings", async () => {
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
    // Claude Code's matcher approves a compound command by its head: it gets no allow rule.
    expect(settingsOf(id).permissions).toEqual({ deny: ['Bash(rm *)'] });
    // The config's `Bash(*)` is the user's own choice: it holds as written (and doctor lists it, below),
    // but a deny rule still wins over it on any simple command of the request.
    expect(await decide(id, 'npm run lint:fix')).toBe('allow');
    expect(await decide(id, 'ls')).toBe('allow');
    expect(await decide(id, 'npm test; rm -rf x')).toBe('deny');
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
      message: expect.stringContaining('`--auto-approve` does not apply to the shell profile'),
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
      'approvals:\n  allow: ["Write(docs/**)"]\n',
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
    expect(refused.doc.error.message).toContain('approval rules: allow Write(docs/**)');
    const shown = await home.run(['setup', 'show', '--repo', repo]);
    expect(shown.stdout).toContain('approvals allow: Write(docs/**)\nNOT approved');
    expect((await home.run(['setup', 'approve', '--repo', repo])).code).toBe(0);
    const r = await home.json<{ agent: { id: string; worktree: { path: string } } }>([
      'new',
      'claude',
      '-n',
      'shop1',
      '--repo',
      repo,
    ]);
    expect(r.code).toBe(0);
    expect(settingsOf(r.doc.agent.id).permissions).toEqual({ deny: ['Bash(rm *)'] });
    const write = (file: string) => ({
      tool_name: 'Write',
      tool_input: { file_path: join(r.doc.agent.worktree.path, file), content: 'x' },
    });
    // The repository's rule decides a write under docs/; no rule speaks for one elsewhere.
    expect(await decide(r.doc.agent.id, '', write('docs/guide.md'))).toBe('allow');
    expect(await decide(r.doc.agent.id, '', write('src/main.ts'))).toBe('undecided');
  });
});
