import { z } from 'zod';
import { NAME_PATTERN } from './constants.js';

export { JSON_VERSION } from './constants.js';

export const isoTimeSchema = z.string().describe('ISO-8601 timestamp (UTC)');

export const absolutePathSchema = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/'), { message: 'must be an absolute path' });

/** Agent and workspace names: safe as git branch parts, tmux window names and file names. */
export const nameSchema = z
  .string()
  .regex(
    NAME_PATTERN,
    'must be 1-48 characters: letters, digits, "-" or "_", starting with a letter or digit',
  );

export const envKeySchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a valid environment variable name');

/** A boolean query parameter spelled `true` or `false`. */
export const boolQuery = (byDefault: boolean) =>
  z
    .enum(['true', 'false'])
    .default(byDefault ? 'true' : 'false')
    .transform((v) => v === 'true');
