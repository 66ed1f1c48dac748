import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env.js';
import {
  dashboardWebDir,
  MAX_SOCKET_PATH_BYTES,
  resolvePaths,
  tmuxSocketName,
  type WtpPaths,
} from './paths.js';

const under = (paths: WtpPaths, dir: string): string[] =>
  Object.entries(paths)
    .filter(([, p]) => !(p === dir || p.startsWith(`${dir}/`)))
    .map(([k]) => k);

describe('resolvePaths', () => {
  it('puts every path under WTP_HOME when it is set, whatever XDG says', () => {
    const env = readEnv({
      WTP_HOME: '/srv/wtp-home',
      HOME: '/home/u',
      XDG_CONFIG_HOME: '/xdg/config',
      XDG_STATE_HOME: '/xdg/state',
    });
    const p = resolvePaths(env);
    expect(under(p, '/srv/wtp-home')).toEqual([]);
    expect(p).toEqual({
      configDir: '/srv/wtp-home',
      stateDir: '/srv/wtp-home',
      configFile: '/srv/wtp-home/config.yaml',
      runDir: '/srv/wtp-home/run',
      apiSocket: '/srv/wtp-home/run/api.sock',
      hostSocket: '/srv/wtp-home/run/host.sock',
      lockFile: '/srv/wtp-home/run/daemon.lock',
      daemonFile: '/srv/wtp-home/run/daemon.json',
      tokenFile: '/srv/wtp-home/token',
      database: '/srv/wtp-home/wtp.db',
      logDir: '/srv/wtp-home/logs',
      logFile: '/srv/wtp-home/logs/daemon.log',
      agentsDir: '/srv/wtp-home/agents',
    });
  });

  it('makes a relative WTP_HOME absolute', () => {
    const p = resolvePaths(readEnv({ WTP_HOME: 'rel/home', HOME: '/home/u' }));
    expect(p.stateDir).toBe(resolve('rel/home'));
    expect(Object.values(p).every((v) => isAbsolute(v))).toBe(true);
  });

  it('uses XDG_CONFIG_HOME and XDG_STATE_HOME without WTP_HOME', () => {
    const p = resolvePaths(
      readEnv({ HOME: '/home/u', XDG_CONFIG_HOME: '/xdg/config', XDG_STATE_HOME: '/xdg/state' }),
    );
    expect(p.configDir).toBe('/xdg/config/wezterm-parallel');
    expect(p.configFile).toBe('/xdg/config/wezterm-parallel/config.yaml');
    expect(p.stateDir).toBe('/xdg/state/wezterm-parallel');
    const { configDir: _c, configFile: _f, ...state } = p;
    expect(under(state as WtpPaths, '/xdg/state/wezterm-parallel')).toEqual([]);
  });

  it('falls back to ~/.config and ~/.local/state', () => {
    const p = resolvePaths(readEnv({ HOME: '/home/u' }));
    expect(p.configFile).toBe('/home/u/.config/wezterm-parallel/config.yaml');
    expect(p.stateDir).toBe('/home/u/.local/state/wezterm-parallel');
    expect(p.database).toBe('/home/u/.local/state/wezterm-parallel/wtp.db');
    expect(p.apiSocket).toBe('/home/u/.local/state/wezterm-parallel/run/api.sock');
  });

  it('ignores empty variables, and uses the home folder when HOME is unset', () => {
    const p = resolvePaths(readEnv({ WTP_HOME: '', XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' }));
    expect(p.configDir).toBe(join(homedir(), '.config', 'wezterm-parallel'));
    expect(p.stateDir).toBe(join(homedir(), '.local', 'state', 'wezterm-parallel'));
  });

  it('takes the config file from WTP_CONFIG, made absolute, leaving the rest alone', () => {
    const p = resolvePaths(readEnv({ WTP_HOME: '/h', WTP_CONFIG: 'conf/other.yaml' }));
    expect(p.configFile).toBe(resolve('conf/other.yaml'));
    expect(p.configDir).toBe('/h');
    expect(p.database).toBe('/h/wtp.db');
  });

  it('knows the limit of a unix socket path', () => {
    expect(MAX_SOCKET_PATH_BYTES).toBe(107);
  });
});

describe('dashboardWebDir', () => {
  it('is web/ beside the bundled entry, unless WTP_WEB_DIR (made absolute) says otherwise', () => {
    expect(dashboardWebDir(readEnv({}), '/opt/wtp/dist/wtp.js')).toBe('/opt/wtp/dist/web');
    expect(dashboardWebDir(readEnv({ WTP_WEB_DIR: 'site' }), '/opt/wtp/dist/wtp.js')).toBe(resolve('site'));
  });
});

describe('tmuxSocketName', () => {
  it('is a short name derived from the state dir: one tmux server per WTP_HOME', () => {
    expect(tmuxSocketName('/srv/a')).toMatch(/^wtp-[0-9a-f]{8}$/);
    expect(tmuxSocketName('/srv/a')).toBe(tmuxSocketName('/srv/a'));
    expect(tmuxSocketName('/srv/a')).not.toBe(tmuxSocketName('/srv/b'));
  });
});
