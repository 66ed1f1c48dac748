import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, REPO, TestHome } from '../support/harness.js';

/**
 * An upgrade with agents running: a daemon of an older install (its own copy of the build, another
 * version) is stopped with `wtp down`, the old install's files are removed as `npm i -g` replaces a
 * package, and the new version's daemon starts on the same state dir. The agent's host — still the
 * old version's code, in memory — reconnects: the agent keeps running, with its output and input.
 */
const OLD = '0.0.9-old';

describe('upgrade with live agents', () => {
  const install = mkdtempSync(join(tmpdir(), 'wtp-old-install-'));
  let home: TestHome;

  beforeAll(() => {
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(REPO, part), join(install, part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(install, 'node_modules'));
    // The old build says it is another version (the bundle carries package.json's version).
    let patched = 0;
    for (const name of readdirSync(join(install, 'dist', 'chunks')).filter((n) => n.endsWith('.js'))) {
      const file = join(install, 'dist', 'chunks', name);
      const text = readFileSync(file, 'utf8');
      if (!text.includes('name:"wezterm-parallel",version:"')) continue;
      writeFileSync(
        file,
        text.replace(/name:"wezterm-parallel",version:"[^"]+"/, `name:"wezterm-parallel",version:"${OLD}"`),
      );
      patched++;
    }
    expect(patched).toBeGreaterThan(0);
    home = new TestHome({ WTP_BACKEND: 'headless' });
  });
  afterAll(async () => {
    await home.run(['down', '--stop-agents']);
    await home.cleanup();
    rmSync(install, { recursive: true, force: true });
  });

  const old = (args: string[]) => home.run(args, { bin: join(install, 'bin', 'wtp.js') });

  it('keeps the agent, its output and its input across the new daemon', async () => {
    expect((await old(['up', '--detach'])).code).toBe(0);
    expect(JSON.parse((await old(['status', '--json'])).stdout).daemon.version).toBe(OLD);
    const made = await old([
      'new',
      'cmd',
      '--name',
      'echoer',
      '--',
      'sh',
      '-c',
      'echo ready; while read l; do echo "got-$l"; done',
    ]);
    expect(made.code, made.stderr).toBe(0);
    await eventually(
      'the agent ready',
      async () => (await old(['logs', 'echoer'])).stdout.includes('ready') || undefined,
    );
    const before = await home.agent('echoer');

    expect((await old(['down'])).code).toBe(0);
    rmSync(join(install, 'dist'), { recursive: true }); // npm replaced the package: the old files are gone

    await home.up();
    const status = JSON.parse((await home.run(['status', '--json'])).stdout) as {
      daemon: { version: string };
    };
    expect(status.daemon.version).not.toBe(OLD);
    const after = await eventually('the old host back with the new daemon', async () => {
      const a = await home.agent('echoer');
      return a.state !== 'exited' && a.state !== 'crashed' && a.pid === before.pid ? a : undefined;
    });
    expect(after.id).toBe(before.id);
    expect((await home.run(['send', 'echoer', 'after-upgrade', '--enter'])).code).toBe(0);
    await eventually(
      'input and output through the old host',
      async () => (await home.run(['logs', 'echoer'])).stdout.includes('got-after-upgrade') || undefined,
    );
    expect((await home.run(['logs', 'echoer'])).stdout).toContain('ready');
  });
});
