import { fsPreflight } from '../adapters/preflight/fs-preflight.js';
import type { WtpEnv } from '../config/env.js';
import { dashboardWebDir, type WtpPaths } from '../config/paths.js';
import { templateHash } from '../config/template-approvals.js';
import { loadTemplate, parseTemplate } from '../config/templates.js';
import type { Core } from '../core/create-core.js';
import type { Clock, Logger } from '../core/ports/daemon.js';
import type { NotifierStats } from '../core/reports/notifier.js';
import type { ApiContext } from '../interfaces/server/api-context.js';
import { toUseCases } from '../core/use-cases/to-use-cases.js';
import type { Fleet } from '../core/fleet/fleet.js';
import { AppError } from '../core/errors.js';
import { fleetAgentUseCases } from '../core/fleet/fleet-agents.js';
import type { DaemonStatus } from '../protocol/daemon.js';
import type { McpScope } from '../protocol/mcp-scope.js';
import { VERSION } from '../version.js';
import { CliVersions } from '../adapters/profiles/cli-version.js';
import type { ProfileName } from '../protocol/constants.js';
import { PROFILES } from '../vendors/registry.js';
import { cliSupportOf, profileInfos } from './agent-aware.js';
import { screenRecord } from './screen-record.js';
import { agentClis } from './agent-clis.js';
import type { BackendProbe, ChosenBackend } from './backends.js';

/** What `wtp status` and `GET /status` say about the running daemon. */
export function daemonStatus(o: {
  core: Core;
  paths: WtpPaths;
  clock: Clock;
  startedAt: number;
  chosen: ChosenBackend;
  inspection: { kind: 'procfs' | 'portable'; why: string };
  probe: BackendProbe;
  fleet: Fleet | null;
  tcpPort: () => number | null;
}): () => DaemonStatus {
  const { core, paths } = o;
  return () => {
    const port = o.tcpPort();
    return {
      pid: process.pid,
      version: VERSION,
      startedAt: new Date(o.startedAt).toISOString(),
      uptimeMs: Math.max(0, o.clock.now() - o.startedAt),
      backend: o.chosen.backend,
      backendReason: o.chosen.reason,
      processInspector: { kind: o.inspection.kind, reason: o.inspection.why },
      backends: o.probe,
      api: {
        socket: paths.apiSocket,
        tcp: port === null ? null : `http://127.0.0.1:${port}`,
        tokenFile: paths.tokenFile,
      },
      dashboardUrl: port === null ? null : `http://127.0.0.1:${port}/dashboard/`,
      paths: {
        configDir: paths.configDir,
        stateDir: paths.stateDir,
        database: paths.database,
        logFile: paths.logFile,
      },
      agents: core.service.counts(),
      orphans: core.orphans.list().length,
      storage: core.storage.status(),
      fleet: o.fleet?.status() ?? null,
    };
  };
}

/** What the API serves from: the core, templates from files, profiles, status and shutdown. */
export function apiContext(o: {
  core: Core;
  paths: WtpPaths;
  env: WtpEnv;
  /** What agents get of the daemon's environment (agent CLIs' `--version` runs with it). */
  agentEnv: Record<string, string>;
  entry: string;
  clock: Clock;
  log: Logger;
  startedAt: number;
  chosen: ChosenBackend;
  status: () => DaemonStatus;
  fleet: Fleet | null;
  requestShutdown: (stopAgents: boolean) => Promise<number>;
  notifications: () => NotifierStats;
  /** Config `mcp.scope`. */
  mcpScope: McpScope;
  /** Config `mcp.workerProfiles` and `tasks.defaultProfile`: what an agent may start. */
  workerProfiles: readonly string[];
  defaultTaskProfile: string;
}): ApiContext {
  const { paths } = o;
  const local = toUseCases(o.core, {
    clock: o.clock,
    workerProfiles: o.workerProfiles,
    defaultTaskProfile: o.defaultTaskProfile,
    between: () => new Promise((resolve) => setImmediate(resolve)),
  });
  const fleet = o.fleet;
  const useCases = fleet
    ? { ...local, agents: fleetAgentUseCases(local.agents, fleet), tasks: fleet.board }
    : local;
  // `wtp profiles` asks each agent CLI's `--version` once per program file (by modification time).
  const versions = new CliVersions({ env: o.agentEnv });
  return {
    ...useCases,
    fleet: fleet
      ? {
          status: () => fleet.status(),
          subscribe: (listener) => fleet.subscribe(listener),
          forward: (route, input) => fleet.forward(route, input, (ref) => isLocal(local.agents, ref)),
          serve: (api) => fleet.actions.serve(api),
        }
      : null,
    version: VERSION,
    startedAt: o.startedAt,
    status: o.status,
    notifications: o.notifications,
    turnVerdicts: () => o.core.turns.stats(),
    log: o.log,
    loadTemplate(ref, repoPath) {
      if (ref.yaml !== undefined) {
        const { layout, approvals, sandbox } = parseTemplate(ref.yaml, ref.name);
        const use = { name: ref.name, source: 'file', path: null, hash: templateHash(ref.yaml) } as const;
        return { name: ref.name, layout, approvals, sandbox, use: { ...use, approved: null, note: null } };
      }
      const dirs = { configDir: paths.configDir, stateDir: paths.stateDir, repoPath };
      const t = loadTemplate(ref.name, dirs, { requireApproval: true });
      const { name, source, path, hash, approved, note } = t;
      const { layout, approvals, sandbox } = t.template;
      return { name, layout, approvals, sandbox, use: { name, source, path, hash, approved, note } };
    },
    defaultBackend: () => o.chosen.backend,
    clock: o.clock,
    webDir: dashboardWebDir(o.env, o.entry),
    profiles: () =>
      profileInfos({
        preflight: fsPreflight,
        versions,
        agentBinaries: o.env.agentBinaries,
        shell: o.env.shell ?? '/bin/sh',
        pathVar: o.agentEnv.PATH,
        cwd: paths.stateDir,
      }),
    cliSupport: (profile, version) =>
      PROFILES.get(profile as ProfileName).binary === null ? null : cliSupportOf(profile, version),
    screenRecord: (ref) => screenRecord(useCases.agents, ref),
    agentClis: () =>
      agentClis({ agentBinaries: o.env.agentBinaries, pathVar: o.agentEnv.PATH, cwd: paths.stateDir }),
    requestShutdown: o.requestShutdown,
    mcpScope: o.mcpScope,
  };
}

/** Whether `ref` names one of this machine's agents (an ambiguous name does: its error is local). */
function isLocal(agents: { resolve(ref: string): unknown }, ref: string): boolean {
  try {
    agents.resolve(ref);
    return true;
  } catch (err) {
    return !(err instanceof AppError && err.code === 'AGENT_NOT_FOUND');
  }
}
