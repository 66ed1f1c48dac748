import type { AgentEnv } from '../../protocol/agent-env.js';
import type { DaemonMessage } from '../../protocol/host.js';
import type { AgentRecord } from '../model/agent-record.js';
import { worktreeEnv } from '../git/agent-worktree.js';
import type { ProfileCatalog } from '../agents/profiles.js';

/** Where a sandbox's daemon filter leads when the daemon gave no socket: nowhere. */
const NO_DAEMON = '/nonexistent/wtp-daemon.sock';

/**
 * The `spawn` a host gets for an agent. The whole environment goes along (the daemon's, the agent's,
 * its profile's), so an agent runs the same in any pane, and WTP_AGENT_* tells it who it is (and where
 * hooks go). Arguments: the profile's (e.g. Claude Code's `--settings` with our hooks), then
 * `--resume <session>` so a restart continues the conversation (a fork with no session yet forks its
 * source's), then the user's. A run asking for the profile's structured stream is read from it. A
 * sandboxed spawn carries its policy and the daemon's endpoints (only its hook route is let through).
 */
export function spawnMessage(
  profiles: ProfileCatalog,
  agent: AgentRecord,
  baseEnv: Record<string, string>,
  statusProtocol = true,
  workspaceName?: string,
  nice = 0,
  sandboxDaemon?: () => { socket: string; port: number | null },
): DaemonMessage {
  const spec = profiles.get(agent.profile);
  const streamed = spec.stream?.applies(agent.args) ? spec.stream : null;
  const stream = streamed?.name ?? null;
  // A headless run draws no TUI: no screen to read, no status query to answer.
  const status = stream === null && statusProtocol && spec.signals.includes('status');
  const detector = stream === null ? spec.detector : null;
  // Its stream tells all our hooks would (they would only repeat it, and being more trusted
  // they would decide): a headless run goes without the hooks' arguments.
  const profileArgs = streamed === null ? agent.profileArgs : streamed.profileArgs(agent.profileArgs);
  const resume =
    agent.sessionId !== null && spec.resumeArgs
      ? spec.resumeArgs(agent.sessionId)
      : agent.forkSession !== null && spec.forkArgs
        ? spec.forkArgs(agent.forkSession)
        : [];
  const own: AgentEnv = { WTP_AGENT_ID: agent.id, WTP_AGENT_NAME: agent.name };
  return {
    type: 'spawn',
    command: agent.command,
    args: [...profileArgs, ...resume, ...agent.args],
    cwd: agent.cwd,
    env: {
      ...baseEnv,
      ...worktreeEnv(agent.worktree),
      ...agent.env,
      ...agent.profileEnv,
      ...own,
    },
    cols: agent.cols,
    rows: agent.rows,
    ...(nice > 0 ? { nice } : {}),
    // Never without its sandbox: a daemon that cannot say where it is gives the agent no daemon at all.
    ...(agent.sandbox
      ? {
          sandbox: {
            ...agent.sandbox,
            daemon: {
              ...(sandboxDaemon?.() ?? { socket: NO_DAEMON, port: null }),
              hookPath: `/api/v1/hooks/${encodeURIComponent(agent.id)}`,
            },
          },
        }
      : {}),
    ...(workspaceName === undefined
      ? {}
      : { origin: { name: agent.name, workspace: workspaceName, profile: agent.profile } }),
    ...(detector === null && !status && stream === null
      ? {}
      : {
          watch: {
            detector,
            version: agent.version,
            statusProtocol: status,
            ...(stream === null ? {} : { stream }),
          },
        }),
  };
}
