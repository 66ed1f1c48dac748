import { startHostServer } from '../interfaces/host-link/host-server.js';
import type { ApiServer } from '../interfaces/api/api-server.js';
import type { WtpEnv } from '../config/env.js';
import type { WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import type { Core } from '../core/create-core.js';
import type { Clock } from '../core/ports/daemon.js';
import type { DaemonStatus } from '../protocol/daemon.js';
import { RunFiles } from './run-files.js';
import { openStores } from './stores.js';
import {
  announce,
  buildCore,
  createApi,
  listen,
  openLog,
  readSetup,
  release,
  resumeRemote,
  startServices,
  statusOf,
  stopper,
  type Late,
  type Opened,
} from './start-steps.js';

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
 * lock, sockets) → log → stores → core → host socket → API → `daemon.json`. Each step is a function
 * of start-steps.ts over a module of this folder; what fails half-way is undone.
 */
export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  // Milliseconds since the process started, per phase: logged with "daemon ready".
  const phases: Record<string, number> = { loaded: Math.round(performance.now()) };
  const mark = (name: string): void => {
    phases[name] = Math.round(performance.now());
  };
  const s = await readSetup(o);
  const { paths, config } = s;
  mark('config');
  // Run files: one daemon per WTP_HOME. What is opened after them is released if a step fails.
  const runFiles = RunFiles.claim(paths);
  const opened: Opened = { runFiles, daemonLog: null, stores: null, hostServer: null, api: null };
  try {
    const daemonLog = openLog(o, s, opened);
    const log = daemonLog.log;
    mark('lock+log');
    const stores = openStores(paths, log, o.fresh === true, s.processes.inspector);
    opened.stores = stores;
    mark('database');
    const late: Late = { tcpPort: null, storage: null, pushTo: null };
    const { core, token, clock } = await buildCore(o, s, stores, daemonLog, late);
    const services = await startServices(s, core, stores.store, clock, log, late);
    mark('core');
    // The host socket, then the API.
    opened.hostServer = await startHostServer(paths.hostSocket, core.sessions, log);
    const startedAt = clock.now();
    const running = { core, clock, log, opened, ...services };
    const { stop, closed } = stopper(running);
    const status = statusOf(s, running, startedAt, late);
    const api = createApi(o, s, { ...running, startedAt, status, token, stop });
    opened.api = api;
    mark('api');
    late.tcpPort = await listen(o, s, api);
    mark('listening');
    await resumeRemote(api, late);
    await announce(s, runFiles, core, stores, startedAt, late.tcpPort);
    mark('ready');
    const tcpPort = late.tcpPort;
    log.info(
      { socket: paths.apiSocket, tcpPort, stateDir: paths.stateDir, startupMs: phases },
      'daemon ready',
    );
    return { paths, config, core, api, tcpPort, status, stop, closed };
  } catch (err) {
    await opened.api?.close().catch(() => undefined);
    opened.daemonLog?.log.error({ err }, 'daemon failed to start');
    release(opened, false);
    throw err;
  }
}
