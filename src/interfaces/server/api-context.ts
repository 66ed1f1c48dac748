import type { Approvals } from '../../protocol/approval-schema.js';
import type { Clock, Logger } from '../../core/ports/daemon.js';
import type { CallResult, FleetCall } from '../../core/ports/fleet.js';
import type { UseCases } from '../../core/use-cases/use-cases.js';
import type { AgentClis } from '../../protocol/doctor.js';
import type { CliSupportInfo, ProfileInfo, ScreenRecord } from '../../protocol/profiles.js';
import type { Backend } from '../../protocol/constants.js';
import type { DaemonStatus } from '../../protocol/daemon.js';
import type { FleetChange, FleetOrigin, FleetStatus } from '../../protocol/fleet.js';
import type { LayoutNode, TemplateUse } from '../../protocol/template.js';
import type { McpScope } from '../../protocol/mcp-scope.js';

/** What the daemon itself answers for (the composition root provides it, not the core). */
export interface DaemonUseCases {
  version: string;
  startedAt: number;
  status(): DaemonStatus;
  /** Stops agents if asked, answers, then stops the daemon right after the reply is sent. */
  requestShutdown(stopAgents: boolean): Promise<number>;
  /**
   * A template by name (built-in, user, or the repository's, which must be approved), or parsed
   * from YAML the CLI read from a file; with where it came from.
   */
  loadTemplate(
    ref: { name: string; yaml?: string },
    repoPath: string,
  ): {
    name: string;
    layout: LayoutNode;
    approvals?: Approvals | undefined;
    sandbox?: true | undefined;
    use: TemplateUse;
  };
  /** The daemon's backend (what `auto` means for new workspaces). */
  defaultBackend(): Backend;
  /** The profiles with the program each would run here and, for agent CLIs, its version. */
  profiles(): Promise<ProfileInfo[]>;
  /** An agent CLI's version against its tested ranges (null for shell and cmd): `wtp new`. */
  cliSupport(profile: string, version: string | null): CliSupportInfo | null;
  /** The agent's screen and its detector's verdict (`wtp record-screen`); reads only. */
  screenRecord(ref: string): Promise<ScreenRecord>;
  /** The agent CLIs as the daemon would run them (`wtp doctor`): found where, tested versions, install. */
  agentClis(): AgentClis;
  /** Notifications sent, failed and dropped (rate limit) per channel, and repeats dropped (/metrics). */
  /** This daemon in a fleet: its status and the other machines' changes; null without one. */
  fleet: {
    status(): FleetStatus;
    subscribe(listener: (c: FleetChange) => void): () => void;
    /** Sends an agent route to the machine that owns the agent; undefined when it is this one's. */
    forward(
      route: string,
      input: { params: Record<string, string>; query: unknown; body: unknown },
    ): Promise<unknown> | undefined;
    /** Carries out the commands other machines send here, through `api` (this daemon's own API). */
    serve(api: (call: FleetCall, origin: FleetOrigin) => Promise<CallResult>): void;
  } | null;
  /** How far agents reach through their MCP tools (config `mcp.scope`; docs/mcp.md). */
  mcpScope: McpScope;
  notifications(): {
    duplicates: number;
    channels: Record<string, { sent: number; failed: number; dropped: number }>;
  };
  /** End-of-turn verdicts and the turn model's calls and tokens, for /metrics. */
  turnVerdicts?(): {
    verdicts: Record<string, number>;
    modelCalls: Record<string, number>;
    modelTokens: { input: number; output: number };
  };
}

/**
 * What the HTTP and WebSocket handlers get: the core's use cases (never `Core` itself), the
 * daemon's own, and what the server needs. Each route file takes the `Pick` of it that it uses.
 */
export interface ApiContext extends UseCases, DaemonUseCases {
  log: Logger;
  clock: Clock;
  /** The built web dashboard served under /dashboard/. */
  webDir: string;
}
