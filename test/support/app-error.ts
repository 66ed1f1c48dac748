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
