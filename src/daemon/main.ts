import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { createDaemonLogger, type DaemonLogger } from '../adapters/logging/pino-logger.js';
import { FileOutputLogs } from '../adapters/output-log/file-output-logs.js';
import type { WriteHealth } from '../adapters/logging/rotating-file.js';
import { writeFileAtomic } from '../adapters/profiles/json-file.js';
import { fsPreflight } from '../adapters/preflight/fs-preflight.js';
import { procfsInspector } from '../adapters/procfs/procfs-inspector.js';
import { DaemonLock } from '../adapters/sqlite/daemon-lock.js';
import { openDatabase, type Db } from '../adapters/sqlite/open-database.js';
import { guardDatabase, type StateDirFindings } from '../adapters/sqlite/state-dir-guard.js';
import { SqliteStateStore } from '../adapters/sqlite/sqlite-state-store.js';
import { randomIds } from '../adapters/system/random-ids.js';
import { systemClock } from '../adapters/system/system-clock.js';
import type { AgentRecord } from '../core/model/agent-record.js';
import { createCore, type Core } from '../core/create-core.js';
import { toUseCases } from '../core/use-cases/to-use-cases.js';
import { PaneLauncher } from '../core/lifecycle/pane-launcher.js';
import { AppError } from '../core/errors.js';
import type { Clock } from '../core/ports/daemon.js';
import { isStorageFailure, storageError } from '../core/model/storage-errors.js';
import type { StorageHealth } from '../core/model/storage-health.js';
import { environmentForChildren, ownEnvironment, readEnv, type WtpEnv } from '../config/env.js';
import { loadConfig } from '../config/load-config.js';
import { templateHash } from '../config/template-approvals.js';
import { loadTemplate, parseTemplate } from '../config/templates.js';
import { CliGitReview } from '../adapters/git/git-review.js';
import { CliGitWorktrees } from '../adapters/git/git-worktrees.js';
import { createProfileSetup, profileInfos } from './agent-aware.js';
import { startNotifications } from './notifications.js';
import { dashboardWebDir, MAX_SOCKET_PATH_BYTES, resolvePaths, tmuxSocketName } from '../config/paths.js';
import type { WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import { startHostServer } from '../interfaces/host-link/host-server.js';
import type { ApiContext } from '../interfaces/server/api-context.js';
import { createApiServer, type ApiServer } from '../interfaces/api/api-server.js';
import type { DaemonStatus } from '../protocol/daemon.js';
import { VERSION } from '../version.js';
import { chooseBackend, createMuxRegistry, probeBackends } from './backends.js';
import { ensureToken } from './token-file.js';

export interface DaemonOptions {
  /** Path of the bundled entry (dist/wtp.js) that hosts are started with. */
  entry: string;
  nodePath?: string;
  env?: WtpEnv;
  /** Environment handed to hosts and agents. */
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
}

/** Exit status of a daemon that hit an uncaught exception (EX_SOFTWARE). */
const EXIT_UNCAUGHT = 70;

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

/** What `daemon.json` in the run dir says about the running daemon. */
export interface DaemonInfo {
  pid: number;
  version: string;
  startedAt: string;
  socket: string;
  tcp: string | null;
  tokenFile: string;
}

function checkSocketPaths(paths: WtpPaths): void {
  for (const p of [paths.apiSocket, paths.hostSocket]) {
    if (Buffer.byteLength(p) > MAX_SOCKET_PATH_BYTES) {
      throw new AppError(
        'SOCKET_PATH_TOO_LONG',
        `The socket path ${p} is longer than ${MAX_SOCKET_PATH_BYTES} bytes.`,
        {
          path: p,
        },
      );
    }
  }
}

/** A start on a missing or empty database beside what earlier agents left. */
function freshStart(found: StateDirFindings): boolean {
  return found.database !== 'present' && (found.agentDirs.length > 0 || found.liveHosts.length > 0);
}

function readDaemonInfo(file: string): DaemonInfo | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}

/** Builds the whole daemon from its adapters and starts serving. */
export async function startDaemon(o: DaemonOptions): Promise<RunningDaemon> {
  // Milliseconds since the process started, per phase: logged with "daemon ready".
  const phases: Record<string, number> = { loaded: Math.round(performance.now()) };
  const mark = (name: string): void => {
    phases[name] = Math.round(performance.now());
  };
  const env = o.env ?? readEnv();
  const childEnv = o.childEnv ?? environmentForChildren();
  const paths = resolvePaths(env);
  const config = await loadConfig(
    paths.configFile,
    o.backend === undefined ? env : { ...env, backend: o.backend },
  );
  checkSocketPaths(paths);
  const probe = await probeBackends(env, childEnv.PATH);
  const chosen = chooseBackend(config.backend, probe, env);
  for (const dir of [paths.stateDir, paths.runDir, paths.logDir, paths.agentsDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  chmodSync(paths.runDir, 0o700);

  mark('config');
  const lock = DaemonLock.tryAcquire(paths.lockFile);
  if (!lock) {
    const info = readDaemonInfo(paths.daemonFile);
    throw new AppError(
      'DAEMON_ALREADY_RUNNING',
      `A daemon is already running for ${paths.stateDir}${info ? ` (pid ${info.pid})` : ''}.`,
      { ...(info ?? {}), stateDir: paths.stateDir },
    );
  }
  // We hold the lock: any socket or pid file left here is from a daemon that died.
  for (const stale of [paths.apiSocket, paths.hostSocket, paths.daemonFile]) rmSync(stale, { force: true });

  let log: DaemonLogger | null = null;
  let db: Db | null = null;
  let hostServer: Server | null = null;
  let api: ApiServer | null = null;
  // Write failures are reported to the core's storage health once it exists; until then the
  // daemon log's latest failure is kept.
  let storage: StorageHealth | null = null;
  let earlyLogFailure: WriteHealth | null = null;
  const onLogHealth = (h: WriteHealth): void => {
    if (!storage) {
      earlyLogFailure = h.ok ? null : h;
      return;
    }
    if (h.ok) storage.recovered('daemonLog', null, h.droppedBytes);
    else
      storage.failed({
        component: 'daemonLog',
        path: paths.logFile,
        code: h.code,
        message: h.message,
        droppedBytes: h.droppedBytes,
      });
  };
  const release = (): void => {
    hostServer?.close();
    db?.close();
    log?.close();
    lock.release();
  };
  try {
    log = createDaemonLogger({
      file: paths.logFile,
      level: config.logs.level,
      maxBytes: config.logs.maxBytes,
      files: config.logs.files,
      onHealth: onLogHealth,
    });
    if (o.ownsProcess) {
      const processLog = log;
      process.on('uncaughtException', (err) => {
        // A write that failed for lack of space (or an I/O error) somewhere unexpected: the
        // daemon keeps serving; it is logged, and shown by `wtp status` until a write works again.
        if (isStorageFailure(err)) {
          processLog.error({ err }, 'uncaught storage failure: the daemon keeps running');
          const mapped = storageError(err, { component: 'stateFile' });
          storage?.failed({
            component: 'stateFile',
            path: (mapped?.details?.path as string | undefined) ?? paths.stateDir,
            code: (mapped?.details?.errorCode as string | undefined) ?? 'EIO',
            message: err.message,
          });
          return;
        }
        processLog.error(
          { err },
          'uncaught exception: the daemon exits; agents keep running and the next `wtp up` re-attaches them',
        );
        process.exit(EXIT_UNCAUGHT);
      });
      process.on('unhandledRejection', (err) => processLog.error({ err }, 'unhandled promise rejection'));
    }
    mark('lock+log');
    const found = guardDatabase(
      {
        database: paths.database,
        agentsDir: paths.agentsDir,
        identity: (pid) => procfsInspector.identity(pid),
      },
      o.fresh === true,
    );
    const startedFresh = freshStart(found);
    if (startedFresh) {
      log.warn(
        { ...found, database: paths.database },
        'starting fresh (wtp up --fresh): an empty database beside existing agent folders; running hosts become orphans',
      );
    }
    const daemonLog = log;
    db = openDatabase(paths.database, {
      onModeFixed: (files) => daemonLog.warn({ files }, 'state files were readable by others: set to 0600'),
    });
    mark('database');
    const token = ensureToken(paths.tokenFile);
    const store = new SqliteStateStore(db);
    const clock = o.clock ?? systemClock;
    let tcpPort: number | null = null;
    const nodePath = o.nodePath ?? process.execPath;
    const hostArgv = (agent: AgentRecord, pane: boolean): string[] => [
      nodePath,
      o.entry,
      'host',
      '--agent',
      agent.id,
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
    const muxes = createMuxRegistry({
      probe,
      env: childEnv,
      stateDir: paths.stateDir,
      tmuxSocketName: tmuxSocketName(paths.stateDir),
    });
    const core = createCore(
      {
        store,
        events: store,
        launcher: new PaneLauncher({
          muxes,
          hostArgv,
          hostLogFile: (agent) => join(paths.agentsDir, agent.id, 'host.log'),
        }),
        preflight: fsPreflight,
        inspector: procfsInspector,
        logs: new FileOutputLogs(paths.agentsDir, config.agents.outputLogMaxBytes, (id, h) =>
          storage?.outputLog(id, h),
        ),
        clock,
        ids: randomIds,
        log,
        muxes,
        git: {
          worktrees: new CliGitWorktrees({
            worktreesDir: config.git.worktreesDir ?? join(paths.stateDir, 'worktrees'),
            approvalsFile: join(paths.stateDir, 'setup-approvals.json'),
            env: childEnv,
            gitEnv: ownEnvironment(),
          }),
          review: new CliGitReview({ gitEnv: ownEnvironment() }),
        },
        profiles: createProfileSetup({
          agentsDir: paths.agentsDir,
          env: childEnv,
          config,
          token,
          apiUrl: () => (tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`),
          wtpCommand: [nodePath, o.entry],
          log,
        }),
      },
      {
        defaultBackend: chosen.backend,
        lifecycle: {
          stopGraceMs: config.agents.stopGraceMs,
          hostConnectTimeoutMs: config.agents.hostConnectTimeoutMs,
          hostLostCheckMs: 300,
          restart: config.restart,
          daemonVersion: VERSION,
          agentBaseEnv: childEnv,
          statusProtocol: config.states.statusProtocol,
        },
        factory: {
          shell: env.shell ?? '/bin/sh',
          agentBinaries: env.agentBinaries,
          pathVar: childEnv.PATH,
          cols: config.agents.cols,
          rows: config.agents.rows,
        },
        service: {
          stopGraceMs: config.agents.stopGraceMs,
          hostConnectTimeoutMs: config.agents.hostConnectTimeoutMs,
          submitDelayMs: config.agents.submitDelayMs,
          hostRequestTimeoutMs: 5_000,
        },
        outputTailBytes: config.agents.outputTailBytes,
        databasePath: paths.database,
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
      },
    );
    storage = core.storage;
    const daemonLogger = log;
    storage.onProbe('daemonLog', () => daemonLogger.probe());
    if (earlyLogFailure) onLogHealth(earlyLogFailure);
    await core.start();
    const notifications = startNotifications({ core, config, env: childEnv, clock, log });
    mark('core');
    hostServer = await startHostServer(paths.hostSocket, core.sessions, log);

    const startedAt = clock.now();
    let stopping: Promise<void> | null = null;
    let resolveClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => {
      resolveClosed = r;
    });
    const status = (): DaemonStatus => ({
      pid: process.pid,
      version: VERSION,
      startedAt: new Date(startedAt).toISOString(),
      uptimeMs: Math.max(0, clock.now() - startedAt),
      backend: chosen.backend,
      backendReason: chosen.reason,
      backends: probe,
      api: {
        socket: paths.apiSocket,
        tcp: tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`,
        tokenFile: paths.tokenFile,
      },
      dashboardUrl: tcpPort === null ? null : `http://127.0.0.1:${tcpPort}/dashboard/`,
      paths: {
        configDir: paths.configDir,
        stateDir: paths.stateDir,
        database: paths.database,
        logFile: paths.logFile,
      },
      agents: core.service.counts(),
      orphans: core.orphans.list().length,
      storage: core.storage.status(),
    });
    const stop = (opts: { stopAgents?: boolean } = {}): Promise<void> => {
      stopping ??= (async () => {
        daemonLog.info({ stopAgents: opts.stopAgents ?? false }, 'daemon stopping');
        if (opts.stopAgents) await core.stopAllAgents();
        await api?.close();
        notifications.stop();
        await core.stop();
        await new Promise<void>((resolve) => (hostServer ? hostServer.close(() => resolve()) : resolve()));
        await core.registry.record([
          {
            type: 'daemon.stopped',
            source: 'daemon',
            agentId: null,
            workspaceId: null,
            data: { pid: process.pid, stopAgents: opts.stopAgents ?? false },
          },
        ]);
        await core.registry.close();
        rmSync(paths.daemonFile, { force: true });
        rmSync(paths.apiSocket, { force: true });
        rmSync(paths.hostSocket, { force: true });
        release();
        resolveClosed();
      })();
      return stopping;
    };
    const ctx: ApiContext = {
      ...toUseCases(core, { clock, between: () => new Promise((resolve) => setImmediate(resolve)) }),
      version: VERSION,
      startedAt,
      status,
      log,
      loadTemplate(ref, repoPath) {
        if (ref.yaml !== undefined) {
          const { layout } = parseTemplate(ref.yaml, ref.name);
          const use = { name: ref.name, source: 'file', path: null, hash: templateHash(ref.yaml) } as const;
          return { name: ref.name, layout, use: { ...use, approved: null, note: null } };
        }
        const dirs = { configDir: paths.configDir, stateDir: paths.stateDir, repoPath };
        const t = loadTemplate(ref.name, dirs, { requireApproval: true });
        const { name, source, path, hash, approved, note } = t;
        return { name, layout: t.template.layout, use: { name, source, path, hash, approved, note } };
      },
      defaultBackend: () => chosen.backend,
      clock,
      webDir: dashboardWebDir(env, o.entry),
      profiles: () =>
        profileInfos({
          preflight: fsPreflight,
          agentBinaries: env.agentBinaries,
          shell: env.shell ?? '/bin/sh',
          pathVar: childEnv.PATH,
          cwd: paths.stateDir,
        }),
      async requestShutdown(stopAgents) {
        const n = stopAgents ? await core.stopAllAgents() : 0;
        setTimeout(() => void stop(), 20);
        return n;
      },
    };
    api = createApiServer(ctx, token);
    mark('api');
    ({ tcpPort } = await api.listen(paths.apiSocket, config.api.tcp ? config.api.port : null));
    mark('listening');
    const info: DaemonInfo = {
      pid: process.pid,
      version: VERSION,
      startedAt: new Date(startedAt).toISOString(),
      socket: paths.apiSocket,
      tcp: tcpPort === null ? null : `http://127.0.0.1:${tcpPort}`,
      tokenFile: paths.tokenFile,
    };
    // daemon.json only describes the daemon to `wtp up`'s refusal: on a full disk it is written later.
    const writeInfo = (): void => {
      try {
        writeFileAtomic(paths.daemonFile, JSON.stringify(info, null, 2), 0o600);
        core.storage.recovered('stateFile');
      } catch (err) {
        if (!isStorageFailure(err)) throw err;
        const code = (err as { code?: unknown }).code;
        core.storage.failed({
          component: 'stateFile',
          path: paths.daemonFile,
          code: typeof code === 'string' ? code : 'EIO',
          message: err instanceof Error ? err.message : String(err),
        });
      }
    };
    core.storage.onProbe('stateFile', writeInfo);
    writeInfo();
    await core.registry.record([
      {
        type: 'daemon.started',
        source: 'daemon',
        agentId: null,
        workspaceId: null,
        data: {
          pid: process.pid,
          version: VERSION,
          ...(startedFresh
            ? { fresh: { agentDirs: found.agentDirs.length, liveHosts: found.liveHosts.length } }
            : {}),
        },
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
    log?.error({ err }, 'daemon failed to start');
    release();
    rmSync(paths.apiSocket, { force: true });
    rmSync(paths.hostSocket, { force: true });
    throw err;
  }
}
