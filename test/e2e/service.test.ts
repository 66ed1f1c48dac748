import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { TestHome } from '../support/harness.js';

/**
 * `wtp service` on Linux. There is no systemd user session here (no user manager runs in this
 * container), so `systemctl` is a stand-in on PATH that keeps what `systemctl --user` keeps — the
 * enabled and active state of the unit — answers `is-enabled`/`is-active` as systemctl(1) documents
 * (the word on stdout, exit 0 only for enabled/active), and records every call. The unit itself is
 * checked by `systemd-analyze verify` in src/interfaces/cli/service/service-files.test.ts.
 */
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$*" >> "$WTP_TEST_STATE/calls"
[ "$1" = --user ] || { echo "only --user here" >&2; exit 1; }
shift
case "$1" in
  daemon-reload) exit 0 ;;
  enable) [ -f "$XDG_CONFIG_HOME/systemd/user/$3" ] || { echo "Failed to enable unit: Unit file $3 does not exist." >&2; exit 1; }
          touch "$WTP_TEST_STATE/enabled" "$WTP_TEST_STATE/active" ;;
  disable) rm -f "$WTP_TEST_STATE/enabled" "$WTP_TEST_STATE/active" ;;
  is-enabled) if [ -f "$WTP_TEST_STATE/enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
  is-active) if [ -f "$WTP_TEST_STATE/active" ]; then echo active; else echo inactive; exit 3; fi ;;
  *) echo "Unknown command verb $1." >&2; exit 1 ;;
esac
`;

describe('wtp service (Linux: a systemd user unit)', () => {
  let home: TestHome;
  let unit: string;
  const calls = () => readFileSync(home.path('state', 'calls'), 'utf8').trim().split('\n');

  beforeAll(() => {
    home = new TestHome();
    mkdirSync(home.path('bin'));
    mkdirSync(home.path('state'));
    writeFileSync(home.path('bin', 'systemctl'), STAND_IN);
    chmodSync(home.path('bin', 'systemctl'), 0o755);
    Object.assign(home.env, {
      PATH: `${home.path('bin')}:${home.env.PATH ?? ''}`,
      XDG_CONFIG_HOME: home.path('config'),
      WTP_TEST_STATE: home.path('state'),
    });
    unit = home.path('config', 'systemd', 'user', 'wtp.service');
  });
  afterAll(() => home.cleanup());

  it('installs: writes the unit (0644), reloads systemd and enables it with --now', async () => {
    expect((await home.run(['service', 'status'])).stdout).toContain('not installed (systemd');
    const r = await home.json(['service', 'install']);
    expect(r.code, r.stderr).toBe(0);
    const doc = cliOutputSchemas.service.parse(r.doc);
    expect(doc).toMatchObject({
      action: 'install',
      manager: 'systemd',
      file: unit,
      installed: true,
      upToDate: true,
      enabled: true,
      active: true,
    });
    expect(doc.ran).toEqual([
      ['systemctl', '--user', 'daemon-reload'],
      ['systemctl', '--user', 'enable', '--now', 'wtp.service'],
    ]);
    expect(statSync(unit).mode & 0o777).toBe(0o644);
    const text = readFileSync(unit, 'utf8');
    expect(text).toMatch(/^ExecStart="[^"]+node[^"]*" "[^"]+\/dist\/wtp\.js" "up"$/m);
    expect(text).toContain(`Environment="WTP_HOME=${home.dir}"`);
    // Again: the same file, nothing refused.
    expect((await home.run(['service', 'install'])).code).toBe(0);
  });

  it('status says installed, enabled and running', async () => {
    const r = await home.run(['service', 'status']);
    expect(r.stdout).toContain(`systemd  ${unit}`);
    expect(r.stdout).toContain('enabled  yes: starts at login');
    expect(r.stdout).toContain('active   yes');
  });

  it('refuses to overwrite a unit that says something else, unless --force', async () => {
    writeFileSync(unit, '[Service]\nExecStart=/usr/bin/other\n');
    const r = await home.json(['service', 'install']);
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ error: { code: 'SERVICE_FILE_EXISTS', details: { file: unit } } });
    expect(readFileSync(unit, 'utf8')).toContain('/usr/bin/other');
    expect((await home.run(['service', 'status'])).stdout).toContain('differs from what install writes now');
    expect((await home.run(['service', 'install', '--force'])).code).toBe(0);
    expect(readFileSync(unit, 'utf8')).toContain('"up"');
  });

  it('says what failed when systemctl refuses, and keeps the unit', async () => {
    const before = calls().length;
    const r = await home.json(['service', 'install'], {});
    expect(r.code).toBe(0);
    writeFileSync(
      home.path('bin', 'systemctl'),
      '#!/bin/sh\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n',
    );
    try {
      const bad = await home.run(['service', 'install']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(
        '`systemctl --user daemon-reload` failed: Failed to connect to bus: No medium found',
      );
      expect(bad.stderr).toContain('loginctl enable-linger');
      expect(bad.stderr).toContain('[SERVICE_MANAGER_FAILED]');
      expect(existsSync(unit)).toBe(true);
    } finally {
      writeFileSync(home.path('bin', 'systemctl'), STAND_IN);
    }
    expect(calls().length).toBeGreaterThan(before);
  });

  it('uninstalls: disables with --now, removes the unit, reloads', async () => {
    const r = await home.json(['service', 'uninstall']);
    expect(r.code, r.stderr).toBe(0);
    const doc = cliOutputSchemas.service.parse(r.doc);
    expect(doc).toMatchObject({ installed: false, enabled: false, active: false });
    expect(doc.ran).toEqual([
      ['systemctl', '--user', 'disable', '--now', 'wtp.service'],
      ['systemctl', '--user', 'daemon-reload'],
    ]);
    expect(existsSync(unit)).toBe(false);
    expect((await home.run(['service', 'uninstall'])).stdout).toContain('no service was installed');
  });

  it("carries the daemon's settings; the fleet URL only in a 0600 environment file, taken away with the unit", async () => {
    const url = "postgres://wtp_m1:s3cret$HOME'%@db.example/fleet";
    const config = home.path('my config $HOME.yaml');
    const settings = { WTP_API_PORT: '7599', WTP_CONFIG: config, WTP_FLEET_URL: url };
    Object.assign(home.env, settings);
    try {
      const r = await home.run(['service', 'install']);
      expect(r.code, r.stderr).toBe(0);
    } finally {
      for (const k of Object.keys(settings)) delete home.env[k];
    }
    const text = readFileSync(unit, 'utf8');
    expect(text).toContain('Environment="WTP_API_PORT=7599"');
    // `$` kept as it is in Environment= (systemd gives it no meaning there).
    expect(text).toContain(`Environment="WTP_CONFIG=${config}"`);
    expect(text).not.toContain('s3cret');
    const envFile = (/^EnvironmentFile=(.*)$/m.exec(text)?.[1] ?? '').replace(/%%/g, '%');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain(
      `WTP_FLEET_URL="postgres://wtp_m1:s3cret\\$HOME'%@db.example/fleet"`,
    );
    expect((await home.run(['service', 'uninstall'])).code).toBe(0);
    expect(existsSync(envFile)).toBe(false);
  });
});
