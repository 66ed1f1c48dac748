import type { DaemonMessage } from '../protocol/host.js';
import type { AgentRecord } from './agent-record.js';
import { profileSpec } from './profiles.js';

/**
 * The `spawn` a host gets for an agent. The whole environment goes along (the daemon's, then the
 * agent's own), so an agent runs the same in any pane; it can find out who it is (and route hooks
 * to us) through the WTP_AGENT_* variables. The profile's own arguments come first (e.g. Claude
 * Code's `--settings` with our hooks), then `--resume <session>` when a session is known (a
 * restart continues the conversation), then the user's arguments.
 */
export function spawnMessage(
  agent: AgentRecord,
  baseEnv: Record<string, string>,
  statusProtocol = true,
): DaemonMessage {
  const spec = profileSpec(agent.profile);
  const status = statusProtocol && spec.signals.includes('status');
  const resume = agent.sessionId !== null && spec.resumeArgs ? spec.resumeArgs(agent.sessionId) : [];
  return {
    type: 'spawn',
    command: agent.command,
    args: [...agent.profileArgs, ...resume, ...agent.args],
    cwd: agent.cwd,
    env: { ...baseEnv, ...agent.env, WTP_AGENT_ID: agent.id, WTP_AGENT_NAME: agent.name },
    cols: agent.cols,
    rows: agent.rows,
    ...(spec.detector === null && !status
      ? {}
      : { watch: { detector: spec.detector, version: agent.version, statusProtocol: status } }),
  };
}
