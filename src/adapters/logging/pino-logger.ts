import { pino } from 'pino';
import type { Logger } from '../../core/ports.js';
import { RotatingFile } from './rotating-file.js';

export interface DaemonLogger extends Logger {
  close(): void;
}

/** Structured JSON logs (pino) into a capped, rotated file. */
export function createDaemonLogger(opts: {
  file: string;
  level: string;
  maxBytes: number;
  files: number;
}): DaemonLogger {
  const dest = new RotatingFile(opts.file, opts.maxBytes, opts.files);
  const p = pino(
    { level: opts.level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (s: string) => dest.write(s) },
  );
  return {
    debug: (o, m) => p.debug(o, m),
    info: (o, m) => p.info(o, m),
    warn: (o, m) => p.warn(o, m),
    error: (o, m) => p.error(o, m),
    close: () => dest.close(),
  };
}
