import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import { rawHttp, writeFakeWeb } from '../support/dashboard-rig.js';
import { TestHome } from '../support/harness.js';

/** `wtp dashboard` against a real daemon (stand-in dist/web, stand-in `xdg-open` programs on PATH). */
describe('wtp dashboard', () => {
  const homes: TestHome[] = [];
  let home: TestHome;
  let port: number;
  const basePath = process.env.PATH ?? '/usr/bin:/bin';
  /** A folder holding an `xdg-open` that records its arguments and exits with `status`. */
  const opener = (name: string, status: number): string => {
    const dir = home.path(name);
    mkdirSync(dir);
    writeFileSync(
      `${dir}/xdg-open`,
      `#!/bin/sh\nprintf '%s\\n' "$@" > "$WTP_HOME/${name}.args"\nexit ${status}\n`,
    );
    chmodSync(`${dir}/xdg-open`, 0o755);
    return dir;
  };
  const withPath = (dir: string | null): void => {
    home.env.PATH = dir === null ? '/nonexistent' : `${dir}:${basePath}`;
  };
  const started = async (env: Record<string, string>, config?: string): Promise<TestHome> => {
    const h = new TestHome(env);
    homes.push(h);
    if (config !== undefined) h.writeConfig(config);
    const up = await h.run(['up', '--detach']);
    expect(up.code, up.stderr).toBe(0);
    return h;
  };
  const login = (url: string) => rawHttp(port, new URL(url).pathname + new URL(url).search);

  beforeAll(async () => {
    home = new TestHome();
    homes.push(home);
    writeFakeWeb(home.path('web'), home.path('token'));
    home.env.WTP_WEB_DIR = home.path('web');
    await home.up();
    const status = cliOutputSchemas.status.parse((await home.json(['status'])).doc);
    port = Number(new URL(status.daemon?.api.tcp ?? '').port);
  });
  afterAll(async () => {
    await Promise.all(homes.map((h) => h.cleanup()));
  });

  it('prints a one-time URL that signs in once', async () => {
    const r = await home.run(['dashboard', '--print-url']);
    expect(r.code, r.stderr).toBe(0);
    const url = r.stdout.trim();
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/dashboard/login\\?code=[\\w-]{43}$`));
    expect(r.stdout).toBe(`${url}\n`);
    const first = await login(url);
    expect(first.status).toBe(303);
    expect(String(first.headers['set-cookie'])).toMatch(
      new RegExp(`^wtp_session_${port}=${port}\\.\\d+\\.[\\w-]{43}\\.[\\w-]{43}; HttpOnly; SameSite=Strict`),
    );
    expect((await login(url)).status).toBe(401);
    const json = cliOutputSchemas.dashboard.parse((await home.json(['dashboard', '--print-url'])).doc);
    expect(json).toMatchObject({ version: 1, opened: false });
    expect(Date.parse(json.expiresAt) - Date.now()).toBeGreaterThan(50_000);
    expect((await login(json.url)).status).toBe(303);
  });

  it('opens the browser through a private redirect file, so the code never shows in a command line', async () => {
    withPath(opener('ok-bin', 0));
    const doc = cliOutputSchemas.dashboard.parse((await home.json(['dashboard'])).doc);
    expect(doc.opened).toBe(true);
    const file = home.path('run/dashboard-open.html');
    expect(readFileSync(home.path('ok-bin.args'), 'utf8')).toBe(`${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${doc.url}">`);
    expect((await login(doc.url)).status).toBe(303);
    const human = await home.run(['dashboard']);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe('Opened the dashboard in the browser.\n'); // the result: stdout
    expect(human.stderr).toBe('');
  });

  it('prints the URL with a note when no browser can be opened', async () => {
    withPath(opener('fail-bin', 3));
    const failed = await home.run(['dashboard']);
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stderr).toContain('Could not open a browser (xdg-open exited with 3)');
    const url = failed.stdout.trim();
    expect((await login(url)).status).toBe(303);
    withPath(null);
    const none = await home.json(['dashboard']);
    expect(cliOutputSchemas.dashboard.parse(none.doc).opened).toBe(false);
    const human = await home.run(['dashboard']);
    expect(human.stderr).toContain('xdg-open: not found');
    expect(human.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=/);
    withPath(basePath);
  });

  it('says clearly when the daemon is down, has no TCP, or the dashboard was not built', async () => {
    const down = new TestHome();
    homes.push(down);
    const notRunning = await down.json(['dashboard', '--print-url']);
    expect(notRunning.code).toBe(1);
    expect(cliOutputSchemas.error.parse(notRunning.doc).error.code).toBe('DAEMON_NOT_RUNNING');

    const noTcp = await started({}, 'api:\n  tcp: false\n');
    const a = await noTcp.json(['dashboard', '--print-url']);
    expect(a.code).toBe(1);
    expect(a.doc).toMatchObject({ error: { code: 'DASHBOARD_UNAVAILABLE', details: { reason: 'no-tcp' } } });

    const empty = await started({ WTP_WEB_DIR: home.path('empty-web') });
    const b = await empty.run(['dashboard', '--print-url']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/not built.*npm run build.*\[DASHBOARD_UNAVAILABLE\]/);
  });
});
