import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';
import { DEFAULTS_VAR, QWEN_HOOK_EVENTS } from './setup.js';

const world = profileWorlds();
const VERSION = 'echo "0.24.4"';

type Doc = { hooks: Record<string, { matcher: string; hooks: { type: string; command: string }[] }[]> };

describe('FsProfileSetup (qwen)', () => {
  it('writes a per-agent system-defaults file with `wtp hook` command hooks and names it in the env; removes it', async () => {
    const w = world(VERSION);
    // The user's own settings are never read or written: QWEN_HOME is not in the environment here.
    const defaults = join(w.root, 'none', 'system-defaults.json');
    const setup = new FsProfileSetup(
      w.opts({
        wtpCommand: ['/usr/bin/node', "/app's dir/wtp.js"],
        env: { HOME: w.home, [DEFAULTS_VAR]: defaults },
      }),
    );
    const agent = { ...w.agent, profile: 'qwen' as const };
    const file = join(w.root, 'agents', 'ag-1', 'qwen-system-defaults.json');
    expect(await setup.prepare(agent)).toEqual({
      version: '0.24.4',
      profileArgs: [],
      profileEnv: { [DEFAULTS_VAR]: file },
    });
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    expect(Object.keys(doc.hooks)).toEqual([...QWEN_HOOK_EVENTS]);
    const wtp = `'/usr/bin/node' '/app'\\''s dir/wtp.js' 'hook' '--agent' 'ag-1'`;
    for (const [event, entries] of Object.entries(doc.hooks)) {
      // PermissionRequest and PreToolUse carry an approval rule's decision (`--decide`, its stdout).
      const deciding = event === 'PermissionRequest' || event === 'PreToolUse';
      expect(entries).toEqual([
        {
          matcher: '',
          hooks: [
            {
              type: 'command',
              command: deciding ? `${wtp} --decide 2>/dev/null || true` : `${wtp} || true`,
              name: 'wtp-state',
              timeout: deciding ? 30 : 10,
            },
          ],
        },
      ]);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(join(w.home, '.qwen'))).toBe(false);
    setup.cleanup('ag-1');
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the system defaults the CLI would read otherwise, our hooks after theirs', async () => {
    const w = world(VERSION);
    const system = join(w.root, 'etc', 'settings.json');
    mkdirSync(join(w.root, 'etc'));
    const theirs = { matcher: 'run_shell_command', hooks: [{ type: 'command', command: 'audit' }] };
    writeFileSync(
      join(w.root, 'etc', 'system-defaults.json'),
      JSON.stringify({ ui: { theme: 'x' }, hooks: { PreToolUse: [theirs] } }),
    );
    // Without QWEN_CODE_SYSTEM_DEFAULTS_PATH the defaults sit beside the system settings file.
    const setup = new FsProfileSetup(
      w.opts({ env: { HOME: w.home, QWEN_CODE_SYSTEM_SETTINGS_PATH: system } }),
    );
    const got = await setup.prepare({ ...w.agent, profile: 'qwen' as const });
    const doc = JSON.parse(readFileSync(got.profileEnv?.[DEFAULTS_VAR] ?? '', 'utf8')) as Doc & {
      ui: unknown;
    };
    expect(doc.ui).toEqual({ theme: 'x' });
    expect(doc.hooks.PreToolUse?.map((e) => e.matcher)).toEqual(['run_shell_command', '']);
    expect(doc.hooks.Stop?.length).toBe(1);
  });

  it('sets up no hooks when the system defaults are not a JSON object (they would be lost)', async () => {
    const w = world(VERSION);
    const defaults = join(w.root, 'defaults.json');
    writeFileSync(defaults, '{ // a comment\n}');
    const setup = new FsProfileSetup(w.opts({ env: { HOME: w.home, [DEFAULTS_VAR]: defaults } }));
    expect(await setup.prepare({ ...w.agent, profile: 'qwen' as const })).toEqual({
      version: '0.24.4',
      profileArgs: [],
    });
  });

  it('the hook commands exit 0 even when `wtp hook` exits 2 (Qwen Code reads 2 as "deny the tool")', () => {
    const w = world(VERSION);
    const fails = join(w.root, 'fails');
    // It reads its payload first, as `wtp hook` does (else writing it races the exit: EPIPE under load).
    writeFileSync(fails, '#!/bin/sh\ncat >/dev/null\necho "error: bad input" >&2\nexit 2\n', { mode: 0o755 });
    const setup = new FsProfileSetup(
      w.opts({ wtpCommand: [fails], env: { HOME: w.home, [DEFAULTS_VAR]: join(w.root, 'no.json') } }),
    );
    return setup.prepare({ ...w.agent, profile: 'qwen' as const }).then((got) => {
      const doc = JSON.parse(readFileSync(got.profileEnv?.[DEFAULTS_VAR] ?? '', 'utf8')) as Doc;
      for (const event of ['Stop', 'PreToolUse', 'PermissionRequest']) {
        const command = doc.hooks[event]?.[0]?.hooks[0]?.command ?? '';
        const out = execFileSync('bash', ['-c', command], { input: '{}', stdio: ['pipe', 'pipe', 'ignore'] });
        expect(out.toString()).toBe('');
      }
    });
  });
});
