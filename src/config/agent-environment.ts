/**
 * What agents (and their hosts) get of the daemon's environment: an allowlist, so the daemon's own
 * secrets (`WTP_FLEET_URL` with the fleet's password, its tokens, its config's) never reach an agent
 * or any script it runs. An agent gets the variables below (what a program in a terminal needs),
 * those its profile's CLI reads (the vendor's `env`: API keys, base URLs, settings folders), the
 * config's `agents.env` (per profile under `agents.env.profiles`), its worktree's and its own `--env`,
 * and wtp's own (`WTP_AGENT_ID` …, src/protocol/agent-env.ts).
 */

/** One allowlist entry: an exact name or a `PREFIX_*` pattern, and why an agent needs it. */
export interface PassedVar {
  name: string;
  why: string;
}

/** What every agent and host gets from the daemon's environment, when the daemon has it. */
export const AGENT_ENV_ALLOWLIST: readonly PassedVar[] = [
  { name: 'PATH', why: 'where programs are found' },
  { name: 'HOME', why: 'the user home: dotfiles, and where agent CLIs keep their settings' },
  { name: 'USER', why: 'who the user is' },
  { name: 'LOGNAME', why: 'who the user is' },
  { name: 'SHELL', why: 'the user’s shell' },
  { name: 'LANG', why: 'language and character set' },
  { name: 'LANGUAGE', why: 'language and character set' },
  { name: 'LC_*', why: 'language and character set' },
  { name: 'TERM', why: 'the terminal type (the host sets the pane’s)' },
  { name: 'COLORTERM', why: 'the terminal’s colours' },
  { name: 'TERM_PROGRAM', why: 'the terminal program' },
  { name: 'TERM_PROGRAM_VERSION', why: 'the terminal program' },
  { name: 'NO_COLOR', why: 'the user’s wish for no colours' },
  { name: 'TZ', why: 'the time zone' },
  { name: 'TMPDIR', why: 'where temporary files go' },
  { name: 'XDG_*', why: 'the user’s folders (config, state, cache, runtime)' },
  { name: 'SSH_AUTH_SOCK', why: 'the SSH agent (git over SSH)' },
  { name: 'DISPLAY', why: 'a browser for a CLI’s sign-in, the clipboard' },
  { name: 'WAYLAND_DISPLAY', why: 'a browser for a CLI’s sign-in, the clipboard' },
  { name: 'DBUS_SESSION_BUS_ADDRESS', why: 'the desktop keyring where CLIs keep their sign-in' },
  { name: 'EDITOR', why: 'the user’s editor' },
  { name: 'VISUAL', why: 'the user’s editor' },
  { name: 'PAGER', why: 'the user’s pager' },
  { name: 'http_proxy', why: 'the network’s proxy' },
  { name: 'https_proxy', why: 'the network’s proxy' },
  { name: 'no_proxy', why: 'the network’s proxy' },
  { name: 'all_proxy', why: 'the network’s proxy' },
  { name: 'HTTP_PROXY', why: 'the network’s proxy' },
  { name: 'HTTPS_PROXY', why: 'the network’s proxy' },
  { name: 'NO_PROXY', why: 'the network’s proxy' },
  { name: 'ALL_PROXY', why: 'the network’s proxy' },
  { name: 'SSL_CERT_FILE', why: 'the certificates the network needs (behind a proxy)' },
  { name: 'SSL_CERT_DIR', why: 'the certificates the network needs (behind a proxy)' },
  { name: 'NODE_EXTRA_CA_CERTS', why: 'the certificates the network needs (Node.js CLIs)' },
  { name: 'WTP_HOME', why: 'so that `wtp` run by the agent (and its hook commands) reaches this daemon' },
];

/** The daemon's variables that never reach an agent, whatever the config passes. */
export const NEVER_PASSED: readonly string[] = ['WTP_FLEET_URL'];

/** `NAME`, or `PREFIX*` for every name that starts with PREFIX. */
export const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

export function matchesEnvPattern(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Whether a config pattern would pass one of the daemon's secrets (refused when the config is read). */
export function passesSecret(pattern: string): string | null {
  return NEVER_PASSED.find((name) => matchesEnvPattern(pattern, name)) ?? null;
}

/** The variables of `source` that match one of `patterns` (never one of NEVER_PASSED). */
export function pickEnv(
  source: Readonly<Record<string, string | undefined>>,
  patterns: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || NEVER_PASSED.includes(name)) continue;
    if (patterns.some((p) => matchesEnvPattern(p, name))) out[name] = value;
  }
  return out;
}

/** The config's `agents.env` (src/config/schema.ts). */
export interface AgentEnvConfig {
  pass: readonly string[];
  set: Readonly<Record<string, string>>;
  profiles: Readonly<
    Partial<Record<string, { pass: readonly string[]; set: Readonly<Record<string, string>> }>>
  >;
}

/** What agents of each profile get from the daemon's environment and config (the composition root builds it once). */
export interface AgentEnvironment {
  /** Every agent, and every host: the allowlist and the config's `agents.env`. */
  base: Record<string, string>;
  /** Over `base`, for agents of each profile: what its CLI reads, and the config's `agents.env.profiles.<name>`. */
  profiles: Record<string, Record<string, string>>;
}

/**
 * The agents' environments from the daemon's (`source`), its config and what each profile's CLI
 * reads (`vendorEnv`: profile name → names or `PREFIX*` patterns).
 */
export function agentEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  config: AgentEnvConfig,
  vendorEnv: Readonly<Record<string, readonly string[]>>,
): AgentEnvironment {
  const base = {
    ...pickEnv(source, [...AGENT_ENV_ALLOWLIST.map((v) => v.name), ...config.pass]),
    ...config.set,
  };
  const profiles: Record<string, Record<string, string>> = {};
  for (const name of new Set([...Object.keys(vendorEnv), ...Object.keys(config.profiles)])) {
    const own = config.profiles[name];
    // The config's values win over what the vendor's CLI reads from the daemon's environment.
    profiles[name] = {
      ...pickEnv(source, [...(vendorEnv[name] ?? []), ...(own?.pass ?? [])]),
      ...config.set,
      ...own?.set,
    };
  }
  return { base, profiles };
}
