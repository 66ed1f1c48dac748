import { mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../test/support/profile-worlds.js';

const world = profileWorlds();

/** A sandboxed agent's CLI state is a folder of its own; the user's files are linked (read-only inside) or copied, never written. */
describe('private CLI state of sandboxed agents (Qwen Code, OpenCode, Copilot CLI)', () => {
  it('Qwen Code: its own QWEN_HOME, the login linked, settings copied (0600)', async () => {
    const w = world('echo 0.24.4');
    const user = join(w.home, '.qwen');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, 'settings.json'), '{"model":{"name":"m"}}');
    writeFileSync(join(user, 'oauth_creds.json'), '{}');
    const got = await new FsProfileSetup(w.opts()).prepare(
      { ...w.agent, profile: 'qwen' },
      { sandboxed: true },
    );
    const dir = join(w.root, 'agents', 'ag-1', 'qwen-home');
    expect(got.profileEnv).toMatchObject({ QWEN_HOME: dir });
    expect(readlinkSync(join(dir, 'oauth_creds.json'))).toBe(join(user, 'oauth_creds.json'));
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe('{"model":{"name":"m"}}');
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('OpenCode: its own XDG data, state and cache, the login linked; its config folder stays the user’s', async () => {
    const w = world('echo 1.18.33');
    const data = join(w.home, '.local', 'share', 'opencode');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'auth.json'), '{}');
    const got = await new FsProfileSetup(w.opts()).prepare(
      { ...w.agent, profile: 'opencode' },
      { sandboxed: true },
    );
    const root = join(w.root, 'agents', 'ag-1', 'opencode-xdg');
    expect(got.profileEnv).toMatchObject({
      XDG_DATA_HOME: join(root, 'data'),
      XDG_STATE_HOME: join(root, 'state'),
      XDG_CACHE_HOME: join(root, 'cache'),
    });
    expect(got.profileEnv).not.toHaveProperty('XDG_CONFIG_HOME');
    expect(readlinkSync(join(root, 'data', 'opencode', 'auth.json'))).toBe(join(data, 'auth.json'));
  });

  it('Copilot CLI: its own COPILOT_HOME, config.json a trusted copy; the user’s untouched', async () => {
    const w = world('echo 1.0.102');
    const user = join(w.home, '.copilot');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(user, 'config.json'), '{"firstLaunchAt":"x"}');
    writeFileSync(join(user, 'settings.json'), '{}');
    const got = await new FsProfileSetup(w.opts()).prepare(
      { ...w.agent, profile: 'copilot' },
      { sandboxed: true },
    );
    const dir = join(w.root, 'agents', 'ag-1', 'copilot-home');
    expect(got.profileEnv).toEqual({ COPILOT_HOME: dir });
    expect(readlinkSync(join(dir, 'settings.json'))).toBe(join(user, 'settings.json'));
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      firstLaunchAt: 'x',
      trustedFolders: [w.agent.cwd],
    });
    expect(readFileSync(join(user, 'config.json'), 'utf8')).toBe('{"firstLaunchAt":"x"}');
  });
});
