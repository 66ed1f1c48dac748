import { isErrorCode, type ErrorCode } from '../protocol/error-catalog.js';

/** An error answered by the daemon (or a failure to reach it), with its stable code. */
export class WtpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'WtpError';
  }

  /** Reads an error body (`{code, message, details?}`); anything else becomes INTERNAL. */
  static fromBody(status: number | undefined, body: unknown): WtpError {
    const b = body as { code?: unknown; message?: unknown; details?: unknown } | null;
    if (b && isErrorCode(b.code) && typeof b.message === 'string') {
      const details =
        typeof b.details === 'object' && b.details !== null
          ? (b.details as Record<string, unknown>)
          : undefined;
      return new WtpError(b.code, b.message, details, status);
    }
    return new WtpError(
      'INTERNAL',
      `unexpected answer from the daemon (HTTP ${status ?? '?'})`,
      { body },
      status,
    );
  }
}

export function isWtpError(v: unknown): v is WtpError {
  return v instanceof WtpError;
}
