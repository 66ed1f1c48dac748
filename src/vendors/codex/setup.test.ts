import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsProfileSetup } from '../../adapters/profiles/profile-setup.js';
import { profileWorlds } from '../../../test/support/profile-worlds.js';

const world = profileWorlds();

/** `-c notify=[…]`: codex runs `wtp hook --agent ag-1 <json>` after every completed turn. */
const NOTIFY = ['-c', 'notify=["/usr/bin/node", "/app/bin/wtp.js", "hook", "--agent", "ag-1"]'];

describe('FsProfileSetup (codex)', () => {
  it('marks the working directory trusted once, keeping the config', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(w.opts());
    const agent = { ...w.agent, profile: 'codex' as const, cwd: '/work/"quoted"' };
    const got = await setup.prepare(agent);
    expect(got).toEqual({ version: '0.169.0', profileArgs: NOTIFY });
    await setup.prepare(agent);
    const toml = readFileSync(join(w.home, '.codex', 'config.toml'), 'utf8');
    expect(toml).toBe('[projects."/work/\\"quoted\\""]\ntrust_level = "trusted"\n');
  });

  it("passes its notify program on the command line (the user's config is not touched)", async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const setup = new FsProfileSetup(
      w.opts({ wtpCommand: ['/usr/bin/node', '/app/"x"/wtp.js'], preTrust: false }),
    );
    const agent = { ...w.agent, profile: 'codex' as const };
    expect((await setup.prepare(agent)).profileArgs).toEqual([
      '-c',
      'notify=["/usr/bin/node", "/app/\\"x\\"/wtp.js", "hook", "--agent", "ag-1"]',
    ]);
  });

  it("keeps the user's own notify (config.toml's top level): no override, a warning", async () => {
    const w = world('echo "codex-cli 0.169.0"');
    mkdirSync(join(w.home, '.codex'), { recursive: true });
    const file = join(w.home, '.codex', 'config.toml');
    const opts = w.opts({ preTrust: false });
    // A notify inside a table is not the top-level one.
    writeFileSync(file, '[tui]\nnotify = true\n');
    expect(
      (await new FsProfileSetup(opts).prepare({ ...w.agent, profile: 'codex' as const })).profileArgs,
    ).toEqual(NOTIFY);
    writeFileSync(file, 'model = "o3"\nnotify = ["notify-send", "codex"]\n[tui]\n');
    expect(
      (await new FsProfileSetup(opts).prepare({ ...w.agent, profile: 'codex' as const })).profileArgs,
    ).toEqual([]);
    expect(JSON.stringify(opts.log)).toContain('codex config.toml sets notify');
  });

  it('sandboxed: its own CODEX_HOME, the login linked, a trusted copy of config.toml; the user’s untouched', async () => {
    const w = world('echo "codex-cli 0.169.0"');
    const user = join(w.home, '.codex');
    mkdirSync(user, { recursive: true });
    const config = 'model = "o3"\n';
    writeFileSync(join(user, 'config.toml'), config);
    writeFileSync(join(user, 'auth.json'), '{"OPENAI_API_KEY":"k"}');
    const agent = { ...w.agent, profile: 'codex' as const };
    const got = await new FsProfileSetup(w.opts()).prepare(agent, { sandboxed: true });
    const dir = join(w.root, 'agents', 'ag-1', 'codex-home');
    expect(got).toMatchObject({ profileArgs: NOTIFY, profileEnv: { CODEX_HOME: dir } });
    expect(lstatSync(join(dir, 'auth.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'auth.json'))).toBe(join(user, 'auth.json'));
    const own = join(dir, 'config.toml');
    expect(statSync(own).mode & 0o777).toBe(0o600);
    expect(readFileSync(own, 'utf8')).toBe(
      `${config}\n[projects.${JSON.stringify(agent.cwd)}]\ntrust_level = "trusted"\n`,
    );
    expect(readFileSync(join(user, 'config.toml'), 'utf8')).toBe(config);
  });
});
