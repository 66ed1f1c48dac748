import { errorBodySchema, type ErrorCode } from '../protocol/errors.js';

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

  static fromBody(status: number, body: unknown): WtpError {
    const parsed = errorBodySchema.safeParse(body);
    if (parsed.success)
      return new WtpError(parsed.data.code, parsed.data.message, parsed.data.details, status);
    return new WtpError('INTERNAL', `unexpected answer from the daemon (HTTP ${status})`, { body }, status);
  }
}

export function isWtpError(v: unknown): v is WtpError {
  return v instanceof WtpError;
}
