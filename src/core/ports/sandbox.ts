import type { SandboxPolicy } from '../../protocol/sandbox.js';
import type { AgentRecord } from '../model/agent-record.js';

/** Why agents cannot be sandboxed on this machine, and what to install or enable. */
export interface SandboxUnavailable {
  reason: string;
  fix: string;
}

/** Sandboxes for agents (`wtp new --sandbox`, docs/sandbox.md): whether they work here, and each agent's policy. */
export interface SandboxPlanner {
  /** Null when a sandbox can be made on this machine; else why not (checked once, then remembered while it works). */
  unavailable(): SandboxUnavailable | null;
  /**
   * The policy of a new agent, from its worktree, its profile and its folder, the config's
   * additions and the vendor's hosts; throws SANDBOX_POLICY_INVALID when a path it is given is not usable,
   * SANDBOX_GIT_CONFIG_WRITABLE when the repository's git config includes a file the agent could write,
   * SANDBOX_COMMAND_HIDDEN when its program (or that program's interpreter) is not there inside.
   */
  plan(agent: AgentRecord): SandboxPolicy;
}
