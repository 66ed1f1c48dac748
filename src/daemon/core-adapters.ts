import { dirname, join } from 'node:path';
import { CliForge } from '../adapters/forge/cli-forge.js';
import { CliGitDelivery } from '../adapters/git/git-delivery.js';
import { CliGitReview } from '../adapters/git/git-review.js';
import { CliGitWorktrees } from '../adapters/git/git-worktrees.js';
import { FileRepoApprovals } from '../adapters/git/repo-approvals.js';
import { FileOutputLogs } from '../adapters/output-log/file-output-logs.js';
import { fsPreflight } from '../adapters/preflight/fs-preflight.js';
import type { ProcessAdapters } from './process-adapters.js';
import type { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import { TreeSitterShell, shellWasmFiles } from '../adapters/shell-syntax/tree-sitter-shell.js';
import { randomIds } from '../adapters/system/random-ids.js';
import { fsRealPaths } from '../adapters/system/real-paths.js';
import { ownEnvironment } from '../config/env.js';
import type { AgentEnvironment } from '../config/agent-environment.js';
import { tmuxSocketName, type WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import type { CoreAdapters } from '../core/create-core.js';
import { PaneLauncher } from '../core/lifecycle/pane-launcher.js';
import type { AgentRecord } from '../core/model/agent-record.js';
import type { StorageHealth } from '../core/model/storage-health.js';
import type { Clock, Logger } from '../core/ports/daemon.js';
import { createProfileSetup } from './agent-aware.js';
import { DETECTORS, PROFILES } from '../vendors/registry.js';
import { createMuxRegistry, type BackendProbe } from './backends.js';
import { worktreesDir } from './settings.js';
import type { UsageAdapters } from '../core/usage/create-usage.js';
import { sandboxPlanner } from './sandbox-wiring.js';
import { turnModelOf } from './turn-model.js';
import { FsTurnTranscripts } from '../adapters/profiles/turn-transcripts.js';

/** Everything the core works through, built from the daemon's paths, config and environment. */
export function coreAdapters(o: {
  paths: WtpPaths;
  config: Readonly<WtpConfig>;
  /** What agents get of the daemon's environment (setup scripts and CLI setups read it too). */
  agentEnv: AgentEnvironment;
  /** The environment of hosts and of the multiplexer's server. */
  hostEnv: Record<string, string>;
  probe: BackendProbe;
  /** Process facts: /proc or `ps` (WTP_PROCESS_INSPECTOR). */
  processes: ProcessAdapters;
  store: SqliteStateStore;
  clock: Clock;
  log: Logger;
  token: string;
  /** The command that runs this program (node and the bundled entry), for hosts and hooks. */
  wtpCommand: [nodePath: string, entry: string];
  /** The API's TCP URL once it listens (hook settings are written later than the core is made). */
  apiUrl: () => string | null;
  /** The core's storage health, once the core exists (output-log reports reach it). */
  storage: () => StorageHealth | null;
  /** Agents' session files and the usage tables; undefined: usage is not read. */
  usage?: UsageAdapters | undefined;
}): CoreAdapters {
  const { paths, config, agentEnv } = o;
  const [nodePath, entry] = o.wtpCommand;
  const hostArgs = (agent: AgentRecord, pane: boolean): string[] => [
    '--agent',
    agent.id,
    // The daemon's choice (the config's included): a host's identity tokens must be the daemon's kind.
    '--process-inspector',
    o.processes.kind,
    '--socket',
    paths.hostSocket,
    '--log-dir',
    join(paths.agentsDir, agent.id),
    '--log-max-bytes',
    String(config.agents.outputLogMaxBytes),
    '--buffer-max-bytes',
    String(config.agents.hostBufferMaxBytes),
    '--cols',
    String(agent.cols),
    '--rows',
    String(agent.rows),
    ...(pane ? ['--pane'] : []),
  ];
  // One store of the user's approvals of repository content: setup scripts, submodules, CLIs' configuration.
  const repoApprovals = new FileRepoApprovals(join(paths.stateDir, 'setup-approvals.json'));
  const muxes = createMuxRegistry({
    probe: o.probe,
    env: o.hostEnv,
    stateDir: paths.stateDir,
    processes: o.processes,
    tmuxSocketName: tmuxSocketName(paths.stateDir),
    hostGroups: config.agents.hostProcess === 'workspace',
    size: { cols: config.agents.cols, rows: config.agents.rows },
  });
  return {
    ...(o.usage ? { usage: o.usage } : {}),
    store: o.store,
    events: o.store,
    launcher: new PaneLauncher({
      muxes,
      hostCommand: [nodePath, entry, 'host'],
      hostArgs,
      hostLogFile: (agent) => join(paths.agentsDir, agent.id, 'host.log'),
    }),
    preflight: fsPreflight,
    inspector: o.processes.inspector,
    logs: new FileOutputLogs(paths.agentsDir, config.agents.outputLogMaxBytes, (id, h) =>
      o.storage()?.outputLog(id, h),
    ),
    clock: o.clock,
    ids: randomIds,
    log: o.log,
    muxes,
    profileCatalog: PROFILES,
    detectors: DETECTORS,
    // The approval rules' parser: its WebAssembly next to the bundle (dist/), loaded on first use.
    shell: new TreeSitterShell(shellWasmFiles([dirname(entry)])),
    realPaths: fsRealPaths,
    ...turnModelOf(config.states.turnModel),
    // A CLI whose hook brings no last message (Copilot): its own session file.
    turnTranscripts: new FsTurnTranscripts({
      catalog: PROFILES,
      env: (agent) => ({ ...agentEnv.base, ...(agentEnv.profiles[agent.profile] ?? {}), ...agent.env }),
    }),
    git: {
      worktrees: new CliGitWorktrees({
        worktreesDir: worktreesDir(config, paths.stateDir),
        approvalsFile: join(paths.stateDir, 'setup-approvals.json'),
        approvals: repoApprovals,
        env: agentEnv.base,
        gitEnv: ownEnvironment(),
      }),
      review: new CliGitReview({ gitEnv: ownEnvironment() }),
      delivery: new CliGitDelivery({ gitEnv: ownEnvironment() }),
    },
    forge: new CliForge({ env: ownEnvironment(), timeoutMs: config.forge.cliTimeoutMs }),
    sandbox: sandboxPlanner(paths, config, agentEnv, o.hostEnv),
    profiles: createProfileSetup({
      agentsDir: paths.agentsDir,
      env: agentEnv.base,
      profileEnv: (profile) => agentEnv.profiles[profile] ?? {},
      config,
      token: o.token,
      apiUrl: o.apiUrl,
      wtpCommand: [nodePath, entry],
      apiSocket: paths.apiSocket,
      repoApprovals,
      log: o.log,
    }),
  };
}
