import type { Server } from 'node:net';
import { killForgeClis } from '../adapters/forge/run-forge-cli.js';
import { killPushes } from '../adapters/git/git-push.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { environmentForChildren, readEnv } from '../config/env.js';
import { agentEnvironment } from '../config/agent-environment.js';
import { hostEnvironment, vendorEnv } from './agent-env.js';
import { chooseInspector } from '../config/process-inspector.js';
import { processAdapters } from './process-adapters.js';
import { loadConfig } from '../config/load-config.js';
import { explainPortInUse } from '../config/port-in-use.js';
import { resolvePaths } from '../config/paths.js';
import { createCore, type Core } from '../core/create-core.js';
import type { Fleet } from '../core/fleet/fleet.js';
import type { StorageHealth } from '../core/model/storage-health.js';
import type { Clock, Logger } from '../core/ports/daemon.js';
import { createApiServer, type ApiServer } from '../interfaces/api/api-server.js';
import type { DaemonStatus } from '../protocol/daemon.js';
import { VERSION } from '../version.js';
import { apiContext, daemonStatus } from './api-wiring.js';
import { chooseBackend, probeBackends } from './backends.js';
import { pathWithTool } from '../config/tool-dirs.js';
import { machineName } from '../config/machine-name.js';
import { startFleet } from './fleet-wiring.js';
import { randomIds } from '../adapters/system/random-ids.js';
import { coreAdapters } from './core-adapters.js';
import { DaemonLog } from './daemon-log.js';
import { startNotifications } from './notifications.js';
import type { RunFiles } from './run-files.js';
import { coreSettings } from './settings.js';
import type { Stores } from './stores.js';
import { ensureToken } from './token-file.js';
import { usageAdapters } from './usage-wiring.js';
import { remotePorts } from './remote-wiring.js';
import { announcedAbout } from '../protocol/agent-words.js';
import type { AgentNotification, NotificationChannel } from '../core/reports/notifier.js';
import type { DaemonOptions } from './main.js';

// The steps of startDaemon (main.ts), in the order it runs them: main.ts reads as their list.

/** Config, paths and the backend: read before anything is opened. */
export async function readSetup(o: DaemonOptions) {
  const env = o.env ?? readEnv();
  const childEnv = { ...(o.childEnv ?? environmentForChildren()) };
  const paths = resolvePaths(env);
  const config = await loadConfig(paths.configFile, {
    ...env,
    ...(o.backend === undefined ? {} : { backend: o.backend }),
    ...(o.port === undefined ? {} : { apiPort: String(o.port) }),
  });
  const probe = await probeBackends(env, childEnv.PATH);
  // A tmux found off PATH (Homebrew under launchd): its folder goes on the PATH of what we start.
  const tmuxPath = pathWithTool(childEnv.PATH, probe.tmux.path);
  if (tmuxPath !== undefined) childEnv.PATH = tmuxPath;
  // What agents and hosts get of it: an allowlist, never the daemon's secrets.
  const agentEnv = agentEnvironment(childEnv, config.agents.env, vendorEnv());
  const inspection = chooseInspector(env.processInspector, config.processInspector);
  const processes = processAdapters(inspection.kind);
  const chosen = chooseBackend(config.backend, probe, env);
  const machine = machineName(config);
  return { env, childEnv, paths, config, probe, agentEnv, inspection, processes, chosen, machine };
}

export type Setup = Awaited<ReturnType<typeof readSetup>>;

/** What has been opened so far: `release` closes it, at the stop or when a later step fails. */
export interface Opened {
  runFiles: RunFiles;
  daemonLog: DaemonLog | null;
  stores: Stores | null;
  hostServer: Server | null;
  api: ApiServer | null;
}

export function release(opened: Opened, served: boolean): void {
  opened.hostServer?.close();
  opened.stores?.db.close();
  opened.daemonLog?.log.close();
  opened.runFiles.release({ served });
}

/** The daemon's log, first of what is opened after the run files. */
export function openLog(o: DaemonOptions, s: Setup, opened: Opened): DaemonLog {
  const daemonLog = new DaemonLog(s.paths, s.config);
  opened.daemonLog = daemonLog;
  if (o.ownsProcess) daemonLog.guardProcess();
  return daemonLog;
}

/** Known only after a later step: read through the closures the core and the API are made with. */
export interface Late {
  tcpPort: number | null;
  storage: StorageHealth | null;
  /** Web Push is sent by the API's remote listener, made later: the channel reaches it once it is. */
  pushTo: ((n: AgentNotification) => Promise<void>) | null;
}

/** The core over the stores, started. */
export async function buildCore(
  o: DaemonOptions,
  s: Setup,
  stores: Stores,
  daemonLog: DaemonLog,
  late: Late,
) {
  const { paths, config, agentEnv, childEnv } = s;
  const log = daemonLog.log;
  const token = ensureToken(paths.tokenFile);
  const clock = o.clock ?? systemClock;
  const core = createCore(
    coreAdapters({
      paths,
      config,
      agentEnv,
      hostEnv: hostEnvironment(childEnv, agentEnv),
      probe: s.probe,
      processes: s.processes,
      store: stores.store,
      clock,
      log,
      token,
      wtpCommand: [o.nodePath ?? process.execPath, o.entry],
      apiUrl: () => (late.tcpPort === null ? null : `http://127.0.0.1:${late.tcpPort}`),
      storage: () => late.storage,
      usage: usageAdapters({ config, db: stores.db, agentEnv, agentsDir: paths.agentsDir }),
    }),
    coreSettings({
      config,
      env: s.env,
      agentEnv,
      pathVar: childEnv.PATH,
      databasePath: paths.database,
      stateDir: paths.stateDir,
      defaultBackend: s.chosen.backend,
      maxAgents: o.maxAgents,
      machine: s.machine,
      sandboxDaemon: () => ({ socket: paths.apiSocket, port: late.tcpPort }),
    }),
  );
  late.storage = core.storage;
  daemonLog.attach(core.storage);
  await core.start();
  return { core, token, clock };
}

/** What the core drives once started: notifications and this machine in the fleet. */
export interface Services {
  notifications: ReturnType<typeof startNotifications>;
  joined: { fleet: Fleet; stop(): void } | null;
  fleet: Fleet | null;
}

/** Once the core runs: notifications, then the fleet. */
export async function startServices(
  s: Setup,
  core: Core,
  store: Stores['store'],
  clock: Clock,
  log: Logger,
  late: Late,
): Promise<Services> {
  const push: NotificationChannel = { name: 'push', send: (n) => late.pushTo?.(n) ?? Promise.resolve() };
  const notifications = startNotifications({
    core,
    config: s.config,
    env: s.childEnv,
    clock,
    log,
    extra: [push],
  });
  const joined = await startFleet({
    config: s.config,
    machine: s.machine,
    core,
    logId: store.logId(),
    identity: {
      remembered: () => store.fleetDatabaseId(),
      remember: (id) => store.rememberFleetDatabaseId(id),
    },
    ids: randomIds,
    clock,
    log,
  });
  return { notifications, joined, fleet: joined?.fleet ?? null };
}

/** `agentsStopped`: the agents were stopped already (the API's shutdown does it before it answers). */
export type Stop = (opts?: { stopAgents?: boolean; agentsStopped?: boolean }) => Promise<void>;

interface Running extends Services {
  core: Core;
  clock: Clock;
  log: Logger;
  opened: Opened;
}

/** The daemon's stop, run once however often it is asked for; `closed` resolves when it is done. */
export function stopper(d: Running): { stop: Stop; closed: Promise<void> } {
  let stopping: Promise<void> | null = null;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  const stop: Stop = (opts = {}) => {
    stopping ??= stopAll(d, opts, resolveClosed);
    return stopping;
  };
  return { stop, closed };
}

async function stopAll(
  d: Running,
  opts: { stopAgents?: boolean; agentsStopped?: boolean },
  stopped: () => void,
): Promise<void> {
  const { core, clock, log, opened, fleet } = d;
  log.info({ stopAgents: opts.stopAgents ?? false }, 'daemon stopping');
  // How long each step took, in the log's last line ("daemon stopped"): what a slow stop waited for.
  const took: Record<string, number> = {};
  let last = clock.now();
  const step = (name: string): void => {
    const now = clock.now();
    took[name] = now - last;
    last = now;
  };
  if (opts.stopAgents && opts.agentsStopped !== true) await core.stopAllAgents();
  step('agents');
  await opened.api?.close();
  step('api');
  d.notifications.stop();
  await core.stop();
  step('core');
  killChildProcesses();
  const hostServer = opened.hostServer;
  await new Promise<void>((resolve) => (hostServer ? hostServer.close(() => resolve()) : resolve()));
  step('hosts');
  await core.registry.record([
    {
      type: 'daemon.stopped',
      source: 'daemon',
      agentId: null,
      workspaceId: null,
      data: { pid: process.pid, stopAgents: opts.stopAgents ?? false },
    },
  ]);
  // What this machine did last (daemon.stopped) goes to the fleet before it leaves.
  await fleet?.outbox.flushed();
  d.joined?.stop();
  await fleet?.stop();
  step('fleet');
  await core.registry.close();
  step('database');
  log.info({ ms: took }, 'daemon stopped');
  release(opened, true);
  stopped();
}

/** Pushes and forge CLI calls still running when the daemon stops: their process groups are ended. */
function killChildProcesses(): void {
  killPushes();
  killForgeClis();
}

/** What `wtp status` says, the port as it is once the API listens. */
export function statusOf(s: Setup, d: Running, startedAt: number, late: Late): () => DaemonStatus {
  return daemonStatus({
    core: d.core,
    paths: s.paths,
    clock: d.clock,
    startedAt,
    chosen: s.chosen,
    inspection: s.inspection,
    probe: s.probe,
    fleet: d.fleet,
    tcpPort: () => late.tcpPort,
  });
}

/** The API server, not listening yet. */
export function createApi(
  o: DaemonOptions,
  s: Setup,
  d: Running & { startedAt: number; status: () => DaemonStatus; token: string; stop: Stop },
): ApiServer {
  const { core, stop } = d;
  return createApiServer(
    apiContext({
      core,
      paths: s.paths,
      env: s.env,
      agentEnv: s.agentEnv.base,
      entry: o.entry,
      clock: d.clock,
      log: d.log,
      startedAt: d.startedAt,
      chosen: s.chosen,
      status: d.status,
      fleet: d.fleet,
      notifications: () => d.notifications.notifier.stats(),
      mcpScope: s.config.mcp.scope,
      workerProfiles: s.config.mcp.workerProfiles,
      defaultTaskProfile: s.config.tasks.defaultProfile,
      async requestShutdown(stopAgents) {
        const n = stopAgents ? await core.stopAllAgents() : 0;
        setTimeout(() => void stop({ stopAgents, agentsStopped: true }), 20);
        return n;
      },
    }),
    d.token,
    remotePorts({
      stateDir: s.paths.stateDir,
      record: (events) => core.registry.record(events),
      dialogOf: (id) => {
        const a = core.registry.get(id);
        if (!a) return null;
        const about = announcedAbout(a.stateDetail) ?? null;
        return { state: a.state, since: new Date(a.stateSince).toISOString(), about };
      },
      push: s.config.notifications.push,
    }),
  );
}

/** The API listens on its socket, and on its TCP port when on; returns the port. */
export async function listen(o: DaemonOptions, s: Setup, api: ApiServer): Promise<number | null> {
  const { tcpPort } = await api
    .listen(s.paths.apiSocket, s.config.api.tcp ? s.config.api.port : null)
    .catch(async (err: unknown) => {
      const from = o.port === undefined ? undefined : ('--port' as const);
      throw await explainPortInUse(err, { env: s.env, configFile: s.paths.configFile, from });
    });
  return tcpPort;
}

/** The phone's listener, if it was on: a failure is reported by `wtp remote status`, not fatal. */
export async function resumeRemote(api: ApiServer, late: Late): Promise<void> {
  await api.remote.resume();
  const remote = api.remote;
  late.pushTo = (n) => remote.pushes.notify(n);
}

/** Tell the world: daemon.json and the event. */
export async function announce(
  s: Setup,
  runFiles: RunFiles,
  core: Core,
  stores: Stores,
  startedAt: number,
  tcpPort: number | null,
): Promise<void> {
  runFiles.publish(
    {
      pid: process.pid,
      version: VERSION,
      startedAt: new Date(startedAt).toISOString(),
      socket: s.paths.apiSocket,
      tcp: tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`,
      tokenFile: s.paths.tokenFile,
    },
    core.storage,
  );
  await core.registry.record([
    {
      type: 'daemon.started',
      source: 'daemon',
      agentId: null,
      workspaceId: null,
      data: { pid: process.pid, version: VERSION, ...(stores.fresh ? { fresh: stores.fresh } : {}) },
    },
  ]);
}
