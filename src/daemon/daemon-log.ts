import { createDaemonLogger, type DaemonLogger } from '../adapters/logging/pino-logger.js';
import type { WriteHealth } from '../adapters/logging/rotating-file.js';
import type { WtpPaths } from '../config/paths.js';
import type { WtpConfig } from '../config/schema.js';
import { isStorageFailure, storageError } from '../core/model/storage-errors.js';
import type { StorageHealth } from '../core/model/storage-health.js';

/** Exit status of a daemon that hit an uncaught exception (EX_SOFTWARE). */
const EXIT_UNCAUGHT = 70;

/**
 * The daemon's log file, whose write failures reach the core's storage health once the core
 * exists (until then the latest failure is kept and reported at `attach`).
 */
export class DaemonLog {
  readonly log: DaemonLogger;
  private storage: StorageHealth | null = null;
  private early: WriteHealth | null = null;

  constructor(
    private readonly paths: WtpPaths,
    config: Readonly<WtpConfig>,
  ) {
    this.log = createDaemonLogger({
      file: paths.logFile,
      level: config.logs.level,
      maxBytes: config.logs.maxBytes,
      files: config.logs.files,
      onHealth: (h) => this.health(h),
    });
  }

  attach(storage: StorageHealth): void {
    this.storage = storage;
    storage.onProbe('daemonLog', () => this.log.probe());
    if (this.early) this.health(this.early);
  }

  /**
   * For the process that is the daemon (`wtp up`): a write that failed for lack of space
   * somewhere unexpected is logged and shown by `wtp status` while the daemon keeps serving; any
   * other uncaught exception is logged and ends the process (agents keep running in their hosts).
   */
  guardProcess(): void {
    const log = this.log;
    process.on('uncaughtException', (err) => {
      if (isStorageFailure(err)) {
        log.error({ err }, 'uncaught storage failure: the daemon keeps running');
        const mapped = storageError(err, { component: 'stateFile' });
        this.storage?.failed({
          component: 'stateFile',
          path: (mapped?.details?.path as string | undefined) ?? this.paths.stateDir,
          code: (mapped?.details?.errorCode as string | undefined) ?? 'EIO',
          message: err.message,
        });
        return;
      }
      log.error(
        { err },
        'uncaught exception: the daemon exits; agents keep running and the next `wtp up` re-attaches them',
      );
      process.exit(EXIT_UNCAUGHT);
    });
    process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
  }

  private health(h: WriteHealth): void {
    if (!this.storage) {
      this.early = h.ok ? null : h;
      return;
    }
    if (h.ok) this.storage.recovered('daemonLog', null, h.droppedBytes);
    else
      this.storage.failed({
        component: 'daemonLog',
        path: this.paths.logFile,
        code: h.code,
        message: h.message,
        droppedBytes: h.droppedBytes,
      });
  }
}
