import { AppError } from '../protocol/app-error.js';
import type { Issue } from '../protocol/errors.js';

export { AppError, isAppError } from '../protocol/app-error.js';

/** An INVALID_INPUT error listing every problem. */
export function invalidInput(issues: Issue[], message?: string): AppError {
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new AppError('INVALID_INPUT', message ?? `Invalid input: ${summary}`, { issues });
}
