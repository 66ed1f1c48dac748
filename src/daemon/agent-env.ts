import { pickEnv, type AgentEnvironment } from '../config/agent-environment.js';
import { PROFILES } from '../vendors/registry.js';

/** What each profile's CLI reads of the daemon's environment (its vendor's `env`): profile → names. */
export function vendorEnv(): Record<string, readonly string[]> {
  return Object.fromEntries(PROFILES.all().map((p) => [p.name, p.env ?? []]));
}

/**
 * The environment of the pane programs: the hosts, and the tmux server that runs them. The
 * agents' allowlist, and what `tmux` and `wezterm cli` need to find their server.
 */
const MUX_VARS = ['TMUX_TMPDIR', 'WEZTERM_UNIX_SOCKET', 'WEZTERM_CONFIG_FILE'];

export function hostEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  agents: AgentEnvironment,
): Record<string, string> {
  return { ...agents.base, ...pickEnv(source, MUX_VARS) };
}
