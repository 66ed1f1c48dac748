import type { Server } from 'node:net';
import { killForgeClis } from '../adapters/forge/run-forge-cli.js';
import { killPushes } from '../adapters/git/git-push.js';
import { systemClock } from '../adapters/system/system-clock.js';
import { environmentForChildren, readEnv, type WtpEnv } from '../config/env.js';
import { agentEnvironment } from '../config/agent-environment.js';
import { hostEnvironment, vendorEnv } from './agent-env.js';
import { chooseInspector } from '../config/process-inspector.js';
import { processAdapters } from './process-adapters.js';
import { loadConfig } from '../config/load-config.js';
import { explainPortInUse } from '../config/port-in-use.js';
import { resolvePaths, type WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import { createCore, type Core } from '../core/create-core.js';
import type { StorageHealth } from '../core/model/storage-health.js';
import type { Clock } from '../core/ports/daemon.js';
import { startHostServer } from '../interfaces/host-link/host-server.js';
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
import { RunFiles } from './run-files.js';
import { coreSettings } from './settings.js';
import { openStores, type Stores } from './stores.js';
import { ensureToken } from './token-file.js';
import { usageAdapters } from './usage-wiring.js';
import { remotePorts } from './remote-wiring.js';
import { announcedAbout } from '../protocol/agent-words.js';
import type { AgentNotification, NotificationChannel } from '../core/reports/notifier.js';

export type { DaemonInfo } from './run-files.js';

export interface DaemonOptions {
  /** Path of the bundled entry (dist/wtp.js) that hosts are started with. */
  entry: string;
  nodePath?: string;
  env?: WtpEnv;
  /**
   * The environment handed on (default: the daemon's own, without npm's additions): agents and
   * hosts get only its allowlisted part (src/config/agent-environment.ts); the user's notification
   * command all of it.
   */
  childEnv?: Record<string, string>;
  /** Tests pass a fake clock; everything else uses real time. */
  clock?: Clock;
  /** Log uncaught errors and exit (the CLI's `up`); tests running the daemon in-process leave this off. */
  ownsProcess?: boolean;
  /** `wtp up --backend`: overrides the config and WTP_BACKEND. */
  backend?: string;
  /** `wtp up --max-agents`: overrides the config's `tasks.maxAgentsPerWorkspace`. */
  maxAgents?: number;
  /** `wtp up --fresh`: start on a missing or empty database although agent folders remain. */
  fresh?: boolean;
  /** `wtp up --port`: the API's TCP port, over WTP_API_PORT and the config's `api.port`. */
  port?: number;
}

export interface RunningDaemon {
  paths: WtpPaths;
  config: Readonly<WtpConfig>;
  core: Core;
  api: ApiServer;
  tcpPort: number | null;
  status(): DaemonStatus;
  /** Stops the daemon; agents keep running unless `stopAgents`. */
  stop(opts?: { stopAgents?: boolean }): Promise<void>;
  /** Resolves when the daemon has stopped (by `stop` or an API shutdown). */
  closed: Promise<void>;
}

/**
 * Builds the whole daemon from its adapters and starts serving: config → run files (folders,
 * lock, sockets) → log → stores → core → host socket → API → `daemon.json`. Each step is a module
 * of this folder; what fails half-way is undone.
 */
export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  // Milliseconds since the process started, per phase: logged with "daemon ready".
  const phases: Record<string, number> = { loaded: Math.round(performance.now()) };
  const mark = (name: string): void => {
    phases[name] = Math.round(performance.now());
  };

  // 1. Config, paths and the backend.
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
  mark('config');

  // 2. Run files: one daemon per WTP_HOME.
  const runFiles = RunFiles.claim(paths);
  let daemonLog: DaemonLog | null = null;
  let stores: Stores | null = null;
  let hostServer: Server | null = null;
  let api: ApiServer | null = null;
  const release = (served: boolean): void => {
    hostServer?.close();
    stores?.db.close();
    daemonLog?.log.close();
    runFiles.release({ served });
  };
  try {
    // 3. The log, then the stores.
    daemonLog = new DaemonLog(paths, config);
    const log = daemonLog.log;
    if (o.ownsProcess) daemonLog.guardProcess();
    mark('lock+log');
    stores = openStores(paths, log, o.fresh === true, processes.inspector);
    mark('database');

    // 4. The core.
    const token = ensureToken(paths.tokenFile);
    const clock = o.clock ?? systemClock;
    let tcpPort: number | null = null;
    let storage: StorageHealth | null = null;
    const core = createCore(
      coreAdapters({
        paths,
        config,
        agentEnv,
        hostEnv: hostEnvironment(childEnv, agentEnv),
        probe,
        processes,
        store: stores.store,
        clock,
        log,
        token,
        wtpCommand: [o.nodePath ?? process.execPath, o.entry],
        apiUrl: () => (tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`),
        storage: () => storage,
        usage: usageAdapters({ config, db: stores.db, agentEnv, agentsDir: paths.agentsDir }),
      }),
      coreSettings({
        config,
        env,
        agentEnv,
        pathVar: childEnv.PATH,
        databasePath: paths.database,
        stateDir: paths.stateDir,
        defaultBackend: chosen.backend,
        maxAgents: o.maxAgents,
        machine,
        sandboxDaemon: () => ({ socket: paths.apiSocket, port: tcpPort }),
      }),
    );
    storage = core.storage;
    daemonLog.attach(core.storage);
    await core.start();
    // Web Push is sent by the API's remote listener, made later: the channel reaches it once it is.
    let pushTo: ((n: AgentNotification) => Promise<void>) | null = null;
    const push: NotificationChannel = { name: 'push', send: (n) => pushTo?.(n) ?? Promise.resolve() };
    const notifications = startNotifications({ core, config, env: childEnv, clock, log, extra: [push] });
    const store = stores.store;
    const joined = await startFleet({
      config,
      machine,
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
    const fleet = joined?.fleet ?? null;
    mark('core');

    // 5. The host socket, then the API.
    hostServer = await startHostServer(paths.hostSocket, core.sessions, log);
    const startedAt = clock.now();
    let stopping: Promise<void> | null = null;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => {
      resolveClosed = r;
    });
    /** `agentsStopped`: the agents were stopped already (the API's shutdown does it before it answers). */
    const stop = (opts: { stopAgents?: boolean; agentsStopped?: boolean } = {}): Promise<void> => {
      stopping ??= (async () => {
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
        await api?.close();
        step('api');
        notifications.stop();
        await core.stop();
        step('core');
        killChildProcesses();
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
        joined?.stop();
        await fleet?.stop();
        step('fleet');
        await core.registry.close();
        step('database');
        log.info({ ms: took }, 'daemon stopped');
        release(true);
        resolveClosed();
      })();
      return stopping;
    };
    const status = daemonStatus({
      core,
      paths,
      clock,
      startedAt,
      chosen,
      inspection,
      probe,
      fleet,
      tcpPort: () => tcpPort,
    });
    api = createApiServer(
      apiContext({
        core,
        paths,
        env,
        agentEnv: agentEnv.base,
        entry: o.entry,
        clock,
        log,
        startedAt,
        chosen,
        status,
        fleet,
        notifications: () => notifications.notifier.stats(),
        mcpScope: config.mcp.scope,
        workerProfiles: config.mcp.workerProfiles,
        defaultTaskProfile: config.tasks.defaultProfile,
        async requestShutdown(stopAgents) {
          const n = stopAgents ? await core.stopAllAgents() : 0;
          setTimeout(() => void stop({ stopAgents, agentsStopped: true }), 20);
          return n;
        },
      }),
      token,
      remotePorts({
        stateDir: paths.stateDir,
        record: (events) => core.registry.record(events),
        dialogOf: (id) => {
          const a = core.registry.get(id);
          if (!a) return null;
          const about = announcedAbout(a.stateDetail) ?? null;
          return { state: a.state, since: new Date(a.stateSince).toISOString(), about };
        },
        push: config.notifications.push,
      }),
    );
    mark('api');
    ({ tcpPort } = await api
      .listen(paths.apiSocket, config.api.tcp ? config.api.port : null)
      .catch(async (err: unknown) => {
        const from = o.port === undefined ? undefined : ('--port' as const);
        throw await explainPortInUse(err, { env, configFile: paths.configFile, from });
      }));
    mark('listening');
    // The phone's listener, if it was on: a failure is reported by `wtp remote status`, not fatal.
    await api.remote.resume();
    const remote = api.remote;
    pushTo = (n) => remote.pushes.notify(n);

    // 6. Tell the world: daemon.json and the event.
    runFiles.publish(
      {
        pid: process.pid,
        version: VERSION,
        startedAt: new Date(startedAt).toISOString(),
        socket: paths.apiSocket,
        tcp: tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`,
        tokenFile: paths.tokenFile,
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
    mark('ready');
    log.info(
      { socket: paths.apiSocket, tcpPort, stateDir: paths.stateDir, startupMs: phases },
      'daemon ready',
    );
    return { paths, config, core, api, tcpPort, status, stop, closed };
  } catch (err) {
    await api?.close().catch(() => undefined);
    daemonLog?.log.error({ err }, 'daemon failed to start');
    release(false);
    throw err;
  }
}

/** Pushes and forge CLI calls still running when the daemon stops: their process groups are ended. */
function killChildProcesses(): void {
  killPushes();
  killForgeClis();
}
