import { describe, expect, it } from 'vitest';
import { agentEnvironment, passesSecret, pickEnv } from './agent-environment.js';
import { configSchema } from './schema.js';

/** A daemon's environment as a user's shell leaves it: secrets beside what a terminal needs. */
const DAEMON = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/me',
  USER: 'me',
  LANG: 'C.UTF-8',
  LC_ALL: 'C',
  TERM: 'xterm-256color',
  XDG_RUNTIME_DIR: '/run/user/1000',
  SSH_AUTH_SOCK: '/tmp/ssh.sock',
  https_proxy: 'http://proxy:3128',
  WTP_HOME: '/home/me/wtp',
  WTP_FLEET_URL: 'postgres://m1:secret@db/fleet',
  WTP_API_PORT: '7537',
  WTP_CONFIG: '/home/me/wtp.yaml',
  GH_TOKEN: 'ghp_x',
  AWS_SECRET_ACCESS_KEY: 'aws',
  DATABASE_URL: 'postgres://app:pw@db/app',
  ANTHROPIC_API_KEY: 'sk-ant',
  OPENAI_API_KEY: 'sk-oai',
  GOPATH: '/home/me/go',
};

const NONE = { pass: [], set: {}, profiles: {} };

describe('what agents get of the daemon’s environment', () => {
  it('every agent: what a terminal program needs, and never a secret of the daemon', () => {
    const { base } = agentEnvironment(DAEMON, NONE, {});
    expect(base).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/me',
      USER: 'me',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TERM: 'xterm-256color',
      XDG_RUNTIME_DIR: '/run/user/1000',
      SSH_AUTH_SOCK: '/tmp/ssh.sock',
      https_proxy: 'http://proxy:3128',
      WTP_HOME: '/home/me/wtp',
    });
  });

  it('agents of a profile: its vendor’s variables on top, not another vendor’s', () => {
    const env = agentEnvironment(DAEMON, NONE, { claude: ['ANTHROPIC_*', 'CLAUDE_*'], codex: ['OPENAI_*'] });
    expect(env.profiles.claude).toEqual({ ANTHROPIC_API_KEY: 'sk-ant' });
    expect(env.profiles.codex).toEqual({ OPENAI_API_KEY: 'sk-oai' });
  });

  it('the config passes more by name or prefix, sets values, per profile too', () => {
    const env = agentEnvironment(
      DAEMON,
      {
        pass: ['GOPATH', 'AWS_*'],
        set: { TEAM: 'x' },
        profiles: { cmd: { pass: ['GH_TOKEN'], set: { ONLY_CMD: '1' } } },
      },
      {},
    );
    expect(env.base).toMatchObject({ GOPATH: '/home/me/go', AWS_SECRET_ACCESS_KEY: 'aws', TEAM: 'x' });
    expect(env.base.GH_TOKEN).toBeUndefined();
    expect(env.profiles.cmd).toEqual({ GH_TOKEN: 'ghp_x', TEAM: 'x', ONLY_CMD: '1' });
    // A value the config sets wins over the vendor's variable of the daemon's environment.
    const set = agentEnvironment(
      DAEMON,
      { ...NONE, set: { ANTHROPIC_API_KEY: 'cfg' } },
      { claude: ['ANTHROPIC_*'] },
    );
    expect({ ...set.base, ...set.profiles.claude }.ANTHROPIC_API_KEY).toBe('cfg');
  });

  it('the fleet URL is never passed, whatever the pattern', () => {
    expect(pickEnv(DAEMON, ['WTP_*', '*', 'WTP_FLEET_URL']).WTP_FLEET_URL).toBeUndefined();
    expect(passesSecret('WTP_*')).toBe('WTP_FLEET_URL');
    expect(passesSecret('*')).toBe('WTP_FLEET_URL');
    expect(passesSecret('WTP_HOME')).toBeNull();
  });

  it('a config that would pass it, or set it, is refused when read', () => {
    for (const env of [
      { pass: ['WTP_*'] },
      { pass: ['*'] },
      { set: { WTP_FLEET_URL: 'x' } },
      { profiles: { cmd: { pass: ['WTP_FLEET_*'] } } },
    ]) {
      const r = configSchema.safeParse({ agents: { env } });
      expect(r.success, JSON.stringify(env)).toBe(false);
      expect(JSON.stringify(r.error?.issues)).toContain('WTP_FLEET_URL');
    }
    expect(configSchema.safeParse({ agents: { env: { pass: ['bad name'] } } }).success).toBe(false);
    expect(configSchema.parse({}).agents.env).toEqual({ pass: [], set: {}, profiles: {} });
  });
});
