import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../adapters/profiles/json-file.js';
import { DaemonLock } from '../adapters/sqlite/daemon-lock.js';
import { MAX_SOCKET_PATH_BYTES, type WtpPaths } from '../config/paths.js';
import { isStorageFailure } from '../core/model/storage-errors.js';
import { appError } from '../protocol/error-messages.js';
import type { StorageHealth } from '../core/model/storage-health.js';

/** What `daemon.json` in the run dir says about the running daemon. */
export interface DaemonInfo {
  pid: number;
  version: string;
  startedAt: string;
  socket: string;
  tcp: string | null;
  tokenFile: string;
}

/**
 * The run files of one daemon per WTP_HOME: its folders, the lock (DAEMON_ALREADY_RUNNING when
 * another daemon holds it), the sockets and `daemon.json`.
 */
export class RunFiles {
  private constructor(
    private readonly paths: WtpPaths,
    private readonly lock: DaemonLock,
  ) {}

  /** Checks the socket paths, makes the folders (0700), takes the lock and clears what a dead daemon left. */
  static claim(paths: WtpPaths): RunFiles {
    for (const p of [paths.apiSocket, paths.hostSocket]) {
      if (Buffer.byteLength(p) > MAX_SOCKET_PATH_BYTES) {
        throw appError('SOCKET_PATH_TOO_LONG', { path: p, limit: MAX_SOCKET_PATH_BYTES });
      }
    }
    for (const dir of [paths.stateDir, paths.runDir, paths.logDir, paths.agentsDir]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    chmodSync(paths.runDir, 0o700);
    const lock = DaemonLock.tryAcquire(paths.lockFile);
    if (!lock) {
      const info = readDaemonInfo(paths.daemonFile);
      throw appError('DAEMON_ALREADY_RUNNING', { ...(info ?? {}), stateDir: paths.stateDir });
    }
    // We hold the lock: any socket or pid file left here is from a daemon that died.
    for (const stale of [paths.apiSocket, paths.hostSocket, paths.daemonFile]) rmSync(stale, { force: true });
    return new RunFiles(paths, lock);
  }

  /**
   * Writes `daemon.json` (0600). It only describes the daemon to another `wtp up`, so on a full
   * disk it is reported to storage health and written again by its probe once space returns.
   */
  publish(info: DaemonInfo, storage: StorageHealth): void {
    const write = (): void => {
      try {
        writeFileAtomic(this.paths.daemonFile, JSON.stringify(info, null, 2), 0o600);
        storage.recovered('stateFile');
      } catch (err) {
        if (!isStorageFailure(err)) throw err;
        const code = (err as { code?: unknown }).code;
        storage.failed({
          component: 'stateFile',
          path: this.paths.daemonFile,
          code: typeof code === 'string' ? code : 'EIO',
          message: err instanceof Error ? err.message : String(err),
        });
      }
    };
    storage.onProbe('stateFile', write);
    write();
  }

  /** Removes the sockets (and `daemon.json` once the daemon has served) and releases the lock. */
  release(opts: { served: boolean }): void {
    if (opts.served) rmSync(this.paths.daemonFile, { force: true });
    rmSync(this.paths.apiSocket, { force: true });
    rmSync(this.paths.hostSocket, { force: true });
    this.lock.release();
  }
}

function readDaemonInfo(file: string): DaemonInfo | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DaemonInfo;
  } catch {
    return null;
  }
}
