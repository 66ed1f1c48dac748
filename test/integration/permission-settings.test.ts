import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup, type ProfileSetupOptions } from '../../src/adapters/profiles/profile-setup.js';
import type { ProfileName } from '../../src/protocol/agent.js';
import { profileWorlds } from '../support/profile-worlds.js';

/**
 * The mode each agent CLI starts in as its setup reads it (issue 29): the agent's arguments, then
 * its settings files and environment, most binding first, through the real vendor setups on a
 * temporary HOME and working folder. Nothing read: no `startMode` (the profile's default applies).
 */
const world = profileWorlds();

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function startMode(
  profile: ProfileName,
  o: { args?: string[]; env?: Record<string, string>; files?: (home: string, cwd: string) => void } = {},
) {
  const w = world();
  mkdirSync(w.agent.cwd, { recursive: true });
  o.files?.(w.home, w.agent.cwd);
  const opts: Partial<ProfileSetupOptions> = { env: { HOME: w.home, PATH: '/usr/bin:/bin', ...o.env } };
  const got = await new FsProfileSetup(w.opts(opts)).prepare({ ...w.agent, profile, args: o.args ?? [] });
  return got.startMode ?? null;
}

describe('the permission mode an agent CLI starts in, from its settings', () => {
  it('Claude Code: the project’s local settings, then its shared ones, then the user’s; the arguments first', async () => {
    expect(await startMode('claude')).toBeNull();
    const files = (home: string, cwd: string) => {
      write(join(home, '.claude', 'settings.json'), '{"permissions":{"defaultMode":"acceptEdits"}}');
      write(join(cwd, '.claude', 'settings.json'), '{"permissions":{"defaultMode":"plan"}}');
    };
    expect(await startMode('claude', { files })).toEqual({
      native: 'plan',
      evidence: expect.stringMatching(
        /^permissions\.defaultMode "plan" in \/.+\/work tree\/\.claude\/settings\.json$/,
      ),
      origin: 'settings',
    });
    expect(
      await startMode('claude', {
        files: (home) =>
          write(join(home, '.claude', 'settings.json'), '{"permissions":{"defaultMode":"acceptEdits"}}'),
      }),
    ).toEqual({
      native: 'acceptEdits',
      evidence: 'permissions.defaultMode "acceptEdits" in ~/.claude/settings.json',
      origin: 'settings',
    });
    expect(await startMode('claude', { files, args: ['--permission-mode', 'default'] })).toEqual({
      native: 'default',
      evidence: '--permission-mode default',
      origin: 'args',
    });
    // CLAUDE_CONFIG_DIR moves the user's settings; a file that does not parse counts as absent.
    expect(
      await startMode('claude', {
        env: { CLAUDE_CONFIG_DIR: '/nonexistent-claude-dir' },
        files: (home, cwd) => {
          write(join(home, '.claude', 'settings.json'), '{"permissions":{"defaultMode":"acceptEdits"}}');
          write(join(cwd, '.claude', 'settings.local.json'), '{ not json');
        },
      }),
    ).toBeNull();
  });

  it('Codex CLI: approval_policy and sandbox_mode of config.toml', async () => {
    expect(await startMode('codex', { env: { CODEX_HOME: '/nonexistent-codex' } })).toBeNull();
    const got = await startMode('codex', {
      files: (home) => write(join(home, '.codex', 'config.toml'), 'sandbox_mode = "read-only"\n'),
    });
    expect(got).toEqual({
      native: 'on-request/read-only',
      evidence: 'sandbox_mode = "read-only" in ~/.codex/config.toml',
      origin: 'settings',
    });
  });

  it('Gemini CLI and Qwen Code: their settings’ default approval mode', async () => {
    expect(
      await startMode('gemini', {
        files: (home) =>
          write(
            join(home, '.gemini', 'settings.json'),
            '{ // mine\n "general": {"defaultApprovalMode": "auto_edit"} }',
          ),
      }),
    ).toMatchObject({ native: 'auto_edit', origin: 'settings' });
    expect(
      await startMode('qwen', {
        files: (home, cwd) => {
          write(join(home, '.qwen', 'settings.json'), '{"tools":{"approvalMode":"yolo"}}');
          write(join(cwd, '.qwen', 'settings.json'), '{"tools":{"approvalMode":"default"}}');
        },
      }),
    ).toMatchObject({ native: 'default', origin: 'settings' });
  });

  it('Copilot CLI: its flags, COPILOT_ALLOW_ALL, then config.json', async () => {
    expect(
      await startMode('copilot', {
        files: (home) =>
          write(join(home, '.copilot', 'config.json'), '// managed\n{"defaultPermissionMode": "assisted"}'),
      }),
    ).toMatchObject({ native: 'assisted', origin: 'settings' });
    expect(await startMode('copilot', { env: { COPILOT_ALLOW_ALL: 'true' } })).toMatchObject({
      native: 'allow-all-tools',
      origin: 'env',
    });
  });

  it('OpenCode: permission of its config layers, OPENCODE_PERMISSION last; the project’s only once approved', async () => {
    const w = world();
    mkdirSync(w.agent.cwd, { recursive: true });
    write(join(w.home, '.config', 'opencode', 'opencode.json'), '{"permission":{"bash":"ask","edit":"ask"}}');
    write(join(w.agent.cwd, 'opencode.jsonc'), '{ /* project */ "permission": {"edit": "allow"} }');
    const setup = new FsProfileSetup(w.opts({ env: { HOME: w.home, PATH: '/usr/bin:/bin' } }));
    const mode = async (o: { args?: string[]; env?: Record<string, string> } = {}) => {
      const s = o.env
        ? new FsProfileSetup(w.opts({ env: { HOME: w.home, PATH: '/usr/bin:/bin', ...o.env } }))
        : setup;
      return (await s.prepare({ ...w.agent, profile: 'opencode', args: o.args ?? [] })).startMode ?? null;
    };
    // The repository's opencode.jsonc is kept out of OpenCode until approved (issue 30): it does
    // not count for the mode either.
    expect(await mode()).toEqual({
      native: 'ask',
      evidence:
        'permission bash "ask" in ~/.config/opencode/opencode.json, edit "ask" in ~/.config/opencode/opencode.json',
      origin: 'settings',
    });
    const [config] = setup.repoConfigs(realpathSync(w.agent.cwd));
    setup.approveRepoConfig(realpathSync(w.agent.cwd), config?.hash ?? '');
    expect(await mode()).toEqual({
      native: 'edits',
      evidence: expect.stringMatching(
        /^permission bash "ask" in ~\/\.config\/opencode\/opencode\.json, edit "allow" in \//,
      ),
      origin: 'settings',
    });
    expect(await mode({ env: { OPENCODE_PERMISSION: '{"bash":"allow"}' } })).toMatchObject({
      native: 'allow',
      origin: 'env',
    });
    expect(await mode({ args: ['--auto'] })).toMatchObject({ native: 'auto-approve' });
  });
});
