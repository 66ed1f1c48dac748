import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { environmentForChildren, readEnv } from './env.js';

describe('readEnv', () => {
  it('reads the documented variables', () => {
    expect(
      readEnv({
        WTP_HOME: '/h',
        XDG_CONFIG_HOME: '/c',
        XDG_STATE_HOME: '/s',
        HOME: '/home/u',
        SHELL: '/bin/zsh',
        PATH: '/bin',
        WTP_API_PORT: '0',
        WTP_LOG_LEVEL: 'debug',
        WTP_CONFIG: '/cfg.yaml',
        NO_COLOR: '1',
        WTP_BACKEND: 'tmux',
        TERM: 'xterm-256color',
        TMUX: '/tmp/tmux-0/default,1,0',
        TMUX_PANE: '%4',
        WEZTERM_PANE: '3',
        WEZTERM_UNIX_SOCKET: '/run/user/1000/wezterm/gui-sock-1',
        WEZTERM_CONFIG_FILE: '/c/w.lua',
        WTP_CLAUDE_BIN: '/opt/claude',
        WTP_AIDER_BIN: '',
        WTP_WEB_DIR: '/web',
      }),
    ).toEqual({
      home: '/h',
      xdgConfigHome: '/c',
      xdgStateHome: '/s',
      userHome: '/home/u',
      shell: '/bin/zsh',
      path: '/bin',
      apiPort: '0',
      logLevel: 'debug',
      configFile: '/cfg.yaml',
      noColor: true,
      backend: 'tmux',
      term: 'xterm-256color',
      tmux: '/tmp/tmux-0/default,1,0',
      tmuxPane: '%4',
      weztermPane: '3',
      weztermSocket: '/run/user/1000/wezterm/gui-sock-1',
      weztermConfigFile: '/c/w.lua',
      agentBinaries: { claude: '/opt/claude' }, // an empty WTP_AIDER_BIN counts as unset
      webDir: '/web',
    });
  });

  it('treats empty variables as unset', () => {
    expect(
      readEnv({
        WTP_HOME: '',
        HOME: '',
        SHELL: '',
        PATH: '',
        WTP_API_PORT: '',
        WTP_LOG_LEVEL: '',
        NO_COLOR: '',
      }),
    ).toEqual({
      home: undefined,
      xdgConfigHome: undefined,
      xdgStateHome: undefined,
      userHome: homedir(),
      shell: undefined,
      path: undefined,
      apiPort: undefined,
      logLevel: undefined,
      configFile: undefined,
      noColor: false,
      backend: undefined,
      term: undefined,
      tmux: undefined,
      tmuxPane: undefined,
      weztermPane: undefined,
      weztermSocket: undefined,
      weztermConfigFile: undefined,
      agentBinaries: {},
      webDir: undefined,
    });
  });
});

describe('environmentForChildren', () => {
  const PATH = [
    '/work/app/node_modules/.bin',
    '/work/node_modules/.bin',
    '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
    '/home/u/bin',
    '/usr/bin',
    '/bin',
  ].join(':');

  it('passes everything through when not started by npm', () => {
    const source = { PATH, npm_config_cache: '/c', npm_package_name: 'x', HOME: '/home/u', EMPTY: '' };
    expect(environmentForChildren(source)).toEqual(source);
  });

  it('strips npm_* variables and npm PATH entries when started by an npm script', () => {
    const out = environmentForChildren({
      PATH,
      HOME: '/home/u',
      npm_lifecycle_event: 'start',
      npm_config_cache: '/c',
      npm_package_name: 'wezterm-parallel',
      NPM_TOKEN_LIKE: 'kept (only lower-case npm_ is npm)',
      MY_npm_VAR: 'kept',
    });
    expect(out).toEqual({
      PATH: '/home/u/bin:/usr/bin:/bin',
      HOME: '/home/u',
      NPM_TOKEN_LIKE: 'kept (only lower-case npm_ is npm)',
      MY_npm_VAR: 'kept',
    });
  });

  it('keeps PATH entries that only look similar', () => {
    const out = environmentForChildren({
      npm_lifecycle_event: 'test',
      PATH: '/opt/node_modules/.bin/tools:/opt/node_modules:/usr/bin',
    });
    expect(out.PATH).toBe('/opt/node_modules/.bin/tools:/opt/node_modules:/usr/bin');
  });

  it('copies the source without changing it, and skips undefined values', () => {
    const source: NodeJS.ProcessEnv = { A: '1', B: undefined, npm_lifecycle_event: 'start', PATH };
    const out = environmentForChildren(source);
    expect(out).toEqual({ A: '1', PATH: '/home/u/bin:/usr/bin:/bin' });
    expect(source.PATH).toBe(PATH);
    expect(source.npm_lifecycle_event).toBe('start');
  });
});
