import { join } from 'node:path';
import type { WtpEnv } from '../config/env.js';
import type { AgentEnvironment } from '../config/agent-environment.js';
import type { WtpConfig } from '../config/schema.js';
import type { CoreSettings } from '../core/create-core.js';
import type { Backend } from '../protocol/constants.js';
import { VERSION } from '../version.js';
import { usageSettings } from './usage-wiring.js';

/** Where new worktrees go: the config's `git.worktreesDir`, else `<state dir>/worktrees`. */
export function worktreesDir(config: Readonly<WtpConfig>, stateDir: string): string {
  return config.git.worktreesDir ?? join(stateDir, 'worktrees');
}

/** The daemon's settings from its config file, environment and `wtp up` options: the core's knobs. */
export function coreSettings(o: {
  config: Readonly<WtpConfig>;
  env: WtpEnv;
  /** What agents get of the daemon's environment. */
  agentEnv: AgentEnvironment;
  /** Where programs are found (the daemon's PATH). */
  pathVar: string | undefined;
  databasePath: string;
  stateDir: string;
  defaultBackend: Backend;
  /** `wtp up --max-agents`. */
  maxAgents?: number | undefined;
  /** This machine's name in a fleet; null without one. */
  machine: string | null;
  /** The daemon as sandboxed agents reach it (its socket, its TCP port once it listens). */
  sandboxDaemon?: () => { socket: string; port: number | null };
}): CoreSettings {
  const { config, env, agentEnv } = o;
  return {
    defaultBackend: o.defaultBackend,
    lifecycle: {
      stopGraceMs: config.agents.stopGraceMs,
      hostConnectTimeoutMs: config.agents.hostConnectTimeoutMs,
      hostLostCheckMs: 300,
      restart: config.restart,
      daemonVersion: VERSION,
      agentBaseEnv: agentEnv.base,
      agentProfileEnv: agentEnv.profiles,
      statusProtocol: config.states.statusProtocol,
      agentNice: config.agents.nice,
      ...(o.sandboxDaemon ? { sandboxDaemon: o.sandboxDaemon } : {}),
    },
    factory: {
      shell: env.shell ?? '/bin/sh',
      agentBinaries: env.agentBinaries,
      pathVar: o.pathVar,
      cols: config.agents.cols,
      rows: config.agents.rows,
      sandboxProfiles: config.sandbox.profiles,
      mcpProfiles: config.mcp.profiles,
    },
    service: {
      stopGraceMs: config.agents.stopGraceMs,
      hostConnectTimeoutMs: config.agents.hostConnectTimeoutMs,
      submitDelayMs: config.agents.submitDelayMs,
      hostRequestTimeoutMs: 5_000,
      worktreesDir: worktreesDir(config, o.stateDir),
      machine: o.machine,
    },
    outputTailBytes: config.agents.outputTailBytes,
    databasePath: o.databasePath,
    promptQuietMs: 1_500,
    checkpointIntervalMs: 1_000,
    statsIntervalMs: config.stats.intervalMs,
    worktrees: { portBase: config.git.portBase, portsPerAgent: config.git.portsPerAgent },
    dispatch: {
      ...config.tasks,
      maxAgentsPerWorkspace: o.maxAgents ?? config.tasks.maxAgentsPerWorkspace,
    },
    states: {
      screenOverrideMs: config.states.screenOverrideMs,
      stallAfterMs: config.states.stallAfterMs,
      stallCpuPercent: config.states.stallCpuPercent,
      historySize: 20,
    },
    turnJudge: {
      timeoutMs: config.states.turnModel.timeoutMs,
      maxChars: config.states.turnModel.maxChars,
    },
    approvals: config.approvals,
    forge: {
      remote: config.forge.remote,
      cli: config.forge.cli,
      pushTimeoutMs: config.forge.pushTimeoutMs,
      bodyTemplate: config.forge.bodyTemplate,
      pollIntervalMs: config.forge.pollIntervalMs,
      maxPollIntervalMs: Math.max(config.forge.maxPollIntervalMs, config.forge.pollIntervalMs),
      fixChecks: config.forge.fixChecks,
    },
    usage: usageSettings(config),
  };
}
