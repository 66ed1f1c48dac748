import type { DaemonMessage } from '../protocol/host.js';
import type { AgentRecord } from './agent-record.js';

/**
 * The `spawn` a host gets for an agent. The whole environment goes along (the daemon's, then the
 * agent's own), so an agent runs the same in any pane; it can find out who it is (and route hooks
 * to us) through the WTP_AGENT_* variables.
 */
export function spawnMessage(agent: AgentRecord, baseEnv: Record<string, string>): DaemonMessage {
  return {
    type: 'spawn',
    command: agent.command,
    args: agent.args,
    cwd: agent.cwd,
    env: { ...baseEnv, ...agent.env, WTP_AGENT_ID: agent.id, WTP_AGENT_NAME: agent.name },
    cols: agent.cols,
    rows: agent.rows,
  };
}
