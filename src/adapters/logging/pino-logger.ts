import { pino } from 'pino';
import type { Logger } from '../../core/ports/daemon.js';
import { describeStorageCode } from '../../core/model/storage-errors.js';
import { maskUrlCredentials } from '../../protocol/url-credentials.js';
import { RotatingFile, type LogFs, type WriteHealth } from './rotating-file.js';

export interface DaemonLogger extends Logger {
  /** While writes fail: tries again (writing the line about what was dropped). */
  probe(): void;
  close(): void;
}

/**
 * Structured JSON logs (pino) into a capped, rotated file. Logging never throws: a line that
 * cannot be written (disk full) is dropped and reported to `onHealth`; when writing works again
 * a warning line says how many bytes and lines were dropped and why.
 */
export function createDaemonLogger(opts: {
  file: string;
  level: string;
  maxBytes: number;
  files: number;
  onHealth?: (h: WriteHealth) => void;
  fs?: LogFs;
}): DaemonLogger {
  const dest = new RotatingFile(opts.file, opts.maxBytes, opts.files, {
    ...(opts.fs ? { fs: opts.fs } : {}),
    onHealth: (h) => opts.onHealth?.(h),
    gapLine: ({ bytes, writes, code }) =>
      `${JSON.stringify({
        level: 40,
        time: new Date().toISOString(),
        pid: process.pid,
        droppedBytes: bytes,
        droppedLines: writes,
        code,
        msg: `${bytes} byte(s) of log (${writes} line(s)) were not written: ${describeStorageCode(code)}`,
      })}\n`,
  });
  const p = pino(
    { level: opts.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    // No credentials in a log line: a URL's token or password is shown as ***.
    { write: (s: string) => dest.write(maskUrlCredentials(s)) },
  );
  return {
    debug: (o, m) => p.debug(o, m),
    info: (o, m) => p.info(o, m),
    warn: (o, m) => p.warn(o, m),
    error: (o, m) => p.error(o, m),
    probe: () => dest.probe(),
    close: () => dest.close(),
  };
}
