import { join } from 'node:path';
import type { AgentEnvironment } from '../config/agent-environment.js';
import type { WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import { gitConfigIncludes } from '../adapters/git/git-exec.js';
import { FsSandboxPlanner } from '../adapters/sandbox/sandbox-planner.js';
import { probeSandbox } from '../adapters/sandbox/sandbox-probe.js';
import { ownEnvironment } from '../config/env.js';
import { worktreeEnv } from '../core/git/agent-worktree.js';
import { PROFILES } from '../vendors/registry.js';
import { worktreesDir } from './settings.js';

/** The files of the fleet's credentials a database URL names (client key and certificates, a password file). */
export function fleetCredentialFiles(url: string | null | undefined): string[] {
  if (!url) return [];
  try {
    const params = new URL(url).searchParams;
    return ['sslkey', 'sslcert', 'sslrootcert', 'passfile']
      .map((k) => params.get(k))
      .filter((v): v is string => v !== null && v.startsWith('/'));
  } catch {
    return [];
  }
}

/** Sandboxes for agents (docs/sandbox.md): the planner of each new agent's policy, over this daemon's folders and config. */
export function sandboxPlanner(
  paths: WtpPaths,
  config: Readonly<WtpConfig>,
  agentEnv: AgentEnvironment,
  hostEnv: Readonly<Record<string, string>>,
): FsSandboxPlanner {
  return new FsSandboxPlanner({
    settings: config.sandbox,
    profiles: PROFILES,
    stateDir: paths.stateDir,
    configDir: paths.configDir,
    worktreesDir: worktreesDir(config, paths.stateDir),
    agentDir: (id) => join(paths.agentsDir, id),
    credentialFiles: fleetCredentialFiles(config.store.fleet),
    agentEnv: (agent) => ({
      ...agentEnv.base,
      ...agentEnv.profiles[agent.profile],
      ...worktreeEnv(agent.worktree),
      ...agent.env,
      ...agent.profileEnv,
    }),
    probe: () => probeSandbox(hostEnv.PATH),
    gitIncludes: (folder) => gitConfigIncludes(folder, ownEnvironment()),
  });
}
