import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';

const world = profileWorlds();

describe('FsProfileSetup (codex)', () => {
  it('marks the working directory trusted once, keeping the config', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const agent = { ...w.agent, profile: 'codex' as const, cwd: '/work/"quoted"' };
    const got = await setup.prepare(agent);
    expect(got).toEqual({ version: '0.169.0', profileArgs: [] });
    await setup.prepare(agent);
    const toml = readFileSync(join(w.home, '.codex', 'config.toml'), 'utf8');
    expect(toml).toBe('\n[projects."/work/\\"quoted\\""]\ntrust_level = "trusted"\n');
  });
});
