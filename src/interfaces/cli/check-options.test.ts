import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../protocol/app-error.js';
import { checkOptions } from './check-options.js';

const parsed = (...argv: string[]) =>
  new Command()
    .exitOverride()
    .option('--limit <n>', 'n', '1000')
    .option('--reason <word>', 'w')
    .option('--out <file>', 'f')
    .option('--force', 'f')
    .parse(argv, { from: 'user' });

const fields = {
  limit: { type: 'integer', min: 1, max: 10_000 },
  reason: { type: 'string', pattern: '^[a-z]+$', patternMessage: 'must be a word' },
  out: { type: 'string', minLength: 1 },
} as const;

describe('checkOptions', () => {
  it('makes typed and default values what their fields say, and leaves other options alone', () => {
    expect(checkOptions(parsed('--reason', 'question', '--force'), fields)).toEqual({
      limit: 1000,
      reason: 'question',
      force: true,
    });
  });

  it('names every bad value by its flag, the long one whole', () => {
    let err: unknown;
    try {
      checkOptions(parsed('--limit', '1e9', '--reason', `ok\n${'x'.repeat(5000)}`, '--out', ''), fields);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).details?.issues).toEqual([
      { path: '--limit', message: 'must be a whole number from 1 to 10000' },
      { path: '--reason', message: 'must be a word' },
      { path: '--out', message: 'must not be empty' },
    ]);
  });
});
