import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';
import { COPILOT_HOOK_EVENTS } from './setup.js';

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
    const pluginDir = join(w.root, 'agents', 'ag-1', 'copilot-plugin');
    expect(await setup.prepare(agent)).toEqual({
      version: '1.0.102',
      profileArgs: ['--plugin-dir', pluginDir],
    });
    await setup.prepare(agent);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('// User settings belong in settings.json.\n// This file is managed')).toBe(true);
    expect(JSON.parse(text.replace(/^(?:\/\/[^\n]*\n)*/, ''))).toEqual({
      firstLaunchAt: '2026-11-23T16:40:11.293Z',
      trustedFolders: ['/tmp/other', '/work/"quoted"'],
    });
  });

  it('writes a per-agent plugin whose hooks run `wtp hook --agent ID`, each word quoted; removes it', async () => {
    const w = world('echo "GitHub Copilot CLI 1.0.102."');
    const setup = new FsProfileSetup(w.opts({ wtpCommand: ['/usr/bin/node', "/app's dir/wtp.js"] }));
    const dir = join(w.root, 'agents', 'ag-1', 'copilot-plugin');
    // Without an approval rule there is nothing to decide: no permissionRequest hook for Copilot to wait on.
    await setup.prepare({ ...w.agent, profile: 'copilot' as const });
    const bare = JSON.parse(readFileSync(join(dir, 'hooks.json'), 'utf8')) as {
      hooks: Record<string, unknown>;
    };
    expect(Object.keys(bare.hooks)).toEqual([...COPILOT_HOOK_EVENTS]);
    const agent = {
      ...w.agent,
      profile: 'copilot' as const,
      approvals: { allow: ['Bash(npm test*)'], deny: [] },
    };
    await setup.prepare(agent);
    expect(JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8'))).toMatchObject({ hooks: 'hooks.json' });
    const doc = JSON.parse(readFileSync(join(dir, 'hooks.json'), 'utf8')) as {
      version: number;
      hooks: Record<string, { type: string; bash: string }[]>;
    };
    expect(doc.version).toBe(1);
    expect(Object.keys(doc.hooks)).toEqual([...COPILOT_HOOK_EVENTS, 'permissionRequest']);
    const wtp = `'/usr/bin/node' '/app'\\''s dir/wtp.js' 'hook' '--agent' 'ag-1'`;
    for (const [event, entries] of Object.entries(doc.hooks)) {
      // permissionRequest carries an approval rule's decision (`--decide`, its stdout), with longer to answer.
      expect(entries).toEqual([
        event === 'permissionRequest'
          ? { type: 'command', bash: `${wtp} --decide 2>/dev/null || true`, timeoutSec: 30 }
          : { type: 'command', bash: `${wtp} || true`, timeoutSec: 10 },
      ]);
    }
    expect(statSync(join(dir, 'hooks.json')).mode & 0o777).toBe(0o600);
    setup.cleanup('ag-1');
    expect(existsSync(join(dir, 'hooks.json'))).toBe(false);
    expect(existsSync(join(dir, 'plugin.json'))).toBe(false);
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
