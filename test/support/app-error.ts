// What a synchronous call threw, as the AppError the tests expect.
import { AppError } from '../../src/core/errors.js';

/** The AppError `fn` throws; anything else thrown, or nothing, fails the test. */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** The AppError a promise rejects with; anything else, or a fulfilled promise, fails the test. */
export async function rejection(p: Promise<unknown>): Promise<AppError> {
  const outcome = await p.then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (outcome.ok) throw new Error('expected an AppError, but it resolved');
  if (outcome.err instanceof AppError) return outcome.err;
  throw outcome.err;
}
