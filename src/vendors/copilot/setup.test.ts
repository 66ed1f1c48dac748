import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';

const world = profileWorlds();

/** The managed config.json as Copilot 1.0.102 wrote it after "Yes, and remember this folder". */
const MANAGED = `// User settings belong in settings.json.
// This file is managed automatically.
{
  "firstLaunchAt": "2026-11-23T16:40:11.293Z",
  "trustedFolders": [
    "/tmp/other"
  ]
}
`;

describe('FsProfileSetup (copilot)', () => {
  it('adds the working directory to trustedFolders once, keeping the comment rows and keys', async () => {
    const w = world('echo "GitHub Copilot CLI 1.0.102."');
    const file = join(w.home, '.copilot', 'config.json');
    mkdirSync(join(w.home, '.copilot'), { recursive: true });
    writeFileSync(file, MANAGED);
    const setup = new FsProfileSetup(w.opts());
    const agent = { ...w.agent, profile: 'copilot' as const, cwd: '/work/"quoted"' };
    expect(await setup.prepare(agent)).toEqual({ version: '1.0.102', profileArgs: [] });
    await setup.prepare(agent);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('// User settings belong in settings.json.\n// This file is managed')).toBe(true);
    expect(JSON.parse(text.replace(/^(?:\/\/[^\n]*\n)*/, ''))).toEqual({
      firstLaunchAt: '2026-11-23T16:40:11.293Z',
      trustedFolders: ['/tmp/other', '/work/"quoted"'],
    });
  });

  it('writes a new config.json under COPILOT_HOME, and leaves a file that is not JSON alone', async () => {
    const w = world('echo "GitHub Copilot CLI 1.0.102."');
    const copilotHome = join(w.root, 'ch');
    const setup = new FsProfileSetup(w.opts({ env: { HOME: w.home, COPILOT_HOME: copilotHome } }));
    const agent = { ...w.agent, profile: 'copilot' as const };
    await setup.prepare(agent);
    const file = join(copilotHome, 'config.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ trustedFolders: [agent.cwd] });
    writeFileSync(file, '{ not json');
    await setup.prepare(agent);
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
