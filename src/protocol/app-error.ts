import { isErrorCode, type ErrorBody, type ErrorCode } from './error-catalog.js';

/**
 * The one error of wezterm-parallel: a stable code from the catalog, a message and typed details.
 * The daemon throws it and answers it as a body; a client reads that body back into it, with the
 * HTTP status it came with.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; status?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = options?.status;
  }

  /** The HTTP status of the answer it was read from (clients only). */
  readonly status: number | undefined;

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  /** Reads an error body (`{code, message, details?}`); anything else becomes INTERNAL. */
  static fromBody(status: number | undefined, body: unknown): AppError {
    const b = body as { code?: unknown; message?: unknown; details?: unknown } | null;
    if (b && isErrorCode(b.code) && typeof b.message === 'string') {
      const details =
        typeof b.details === 'object' && b.details !== null
          ? (b.details as Record<string, unknown>)
          : undefined;
      return new AppError(b.code, b.message, details, { status });
    }
    return new AppError(
      'INTERNAL',
      `unexpected answer from the daemon (HTTP ${status ?? '?'})`,
      { body },
      { status },
    );
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
