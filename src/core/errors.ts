import type { ErrorBody, ErrorCode, Issue } from '../protocol/errors.js';

/** A failure with a stable code from the catalog (protocol/errors.ts) and typed details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** An INVALID_INPUT error listing every problem. */
export function invalidInput(issues: Issue[], message?: string): AppError {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new AppError('INVALID_INPUT', message ?? `Invalid input: ${summary}`, { issues });
}
