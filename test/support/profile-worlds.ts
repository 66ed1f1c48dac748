// A stand-in agent CLI and the options of an FsProfileSetup around it, in a temporary folder
// (the tests of src/adapters/profiles/profile-setup.ts and of the vendors' setup.ts).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { ProfileSetupOptions } from '../../src/adapters/profiles/profile-setup.js';
import { PROFILES } from '../../src/vendors/registry.js';
import { VENDOR_SETUPS } from '../../src/vendors/setup-list.js';
import { agentRecord } from './core-fakes.js';
import { MemoryLogger } from './fake-ports.js';

/**
 * Returns `world(script)`: a temporary folder with a stand-in CLI that runs `script`, a HOME, the
 * options of an FsProfileSetup with the real vendor setups, and an agent of the claude profile
 * running that CLI. The folders are removed after each test.
 */
export function profileWorlds() {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return function world(script = 'echo "2.1.330 (Claude Code)"') {
    const root = mkdtempSync(join(tmpdir(), 'wtp-profiles-'));
    dirs.push(root);
    const cli = join(root, 'claude');
    writeFileSync(cli, `#!/bin/sh\n${script}\n`);
    chmodSync(cli, 0o755);
    const home = join(root, 'home');
    const opts = (o: Partial<ProfileSetupOptions> = {}): ProfileSetupOptions => ({
      agentsDir: join(root, 'agents'),
      env: { HOME: home, PATH: '/usr/bin:/bin' },
      apiUrl: () => 'http://127.0.0.1:7537',
      hookToken: (id) => `token-for-${id}`,
      wtpCommand: ['/usr/bin/node', '/app/bin/wtp.js'],
      hookTransport: 'auto',
      preTrust: true,
      profiles: PROFILES,
      setups: VENDOR_SETUPS,
      log: new MemoryLogger(),
      ...o,
    });
    const agent = agentRecord({ id: 'ag-1', profile: 'claude', command: cli, cwd: join(root, 'work tree') });
    return { root, cli, home, opts, agent };
  };
}
