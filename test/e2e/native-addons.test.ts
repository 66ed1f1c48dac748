import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, TestHome } from '../support/harness.js';

/**
 * A native addon that does not load — here node-pty with a broken binary, as after a Node.js
 * upgrade or a failed compile — stops the daemon before it starts, saying which addon and what to run.
 */
describe('native addons that do not load', () => {
  const install = mkdtempSync(join(tmpdir(), 'wtp-addon-'));
  let home: TestHome;

  beforeAll(() => {
    // An installed copy of wezterm-parallel whose node-pty binary is not a shared object.
    for (const part of ['bin', 'dist', 'package.json'])
      cpSync(join(REPO, part), join(install, part), { recursive: true });
    mkdirSync(join(install, 'node_modules'));
    for (const entry of readdirSync(join(REPO, 'node_modules'))) {
      if (entry === 'node-pty') continue;
      symlinkSync(join(REPO, 'node_modules', entry), join(install, 'node_modules', entry));
    }
    const pty = join(install, 'node_modules', 'node-pty');
    for (const part of ['package.json', 'lib'])
      cpSync(join(REPO, 'node_modules', 'node-pty', part), join(pty, part), { recursive: true });
    mkdirSync(join(pty, 'build', 'Release'), { recursive: true });
    writeFileSync(join(pty, 'build', 'Release', 'pty.node'), 'not a shared object\n');
    home = new TestHome();
  });
  afterAll(async () => {
    await home.cleanup();
    rmSync(install, { recursive: true, force: true });
  });

  const wtp = (args: string[]) => home.run(args, { bin: join(install, 'bin', 'wtp.js') });

  it('refuses to start the daemon, in the foreground and detached, naming the addon and the rebuild', async () => {
    const fg = await wtp(['up']);
    expect(fg.code).toBe(1);
    expect(fg.stderr).toContain(`does not load on Node ${process.version}: node-pty (`);
    expect(fg.stderr).toContain(`npm rebuild node-pty\` in ${install}`);
    expect(fg.stderr).toContain('[NATIVE_ADDON_UNAVAILABLE]');
    const bg = await wtp(['up', '--detach', '--json']);
    expect(bg.code).toBe(1);
    const doc = JSON.parse(bg.stdout.trim().split('\n').at(-1) ?? '{}') as {
      error: { code: string; details: { addons: { name: string; ok: boolean }[] } };
    };
    expect(doc.error.code).toBe('NATIVE_ADDON_UNAVAILABLE');
    expect(doc.error.details.addons.map((a) => a.name)).toEqual(['node-pty']);
    expect((await wtp(['status'])).stdout).toContain('not running');
  });

  it('wtp doctor fails the addon check with the fix; the other addon is fine', async () => {
    const r = await wtp(['doctor', '--json']);
    expect(r.code).toBe(1);
    const checks = (JSON.parse(r.stdout) as { checks: { id: string; status: string; fix: string | null }[] })
      .checks;
    expect(checks.find((c) => c.id === 'addon:sqlite')?.status).toBe('ok');
    const pty = checks.find((c) => c.id === 'addon:pty');
    expect(pty?.status).toBe('fail');
    expect(pty?.fix).toContain('npm rebuild node-pty');
  });
});
