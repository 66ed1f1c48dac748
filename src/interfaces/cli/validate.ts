import type { z } from 'zod';
import { WtpError } from '../../client/wtp-error.js';
import type { Issue } from '../../protocol/errors.js';

/**
 * Validates parsed CLI options with a zod schema; problems name the flag (`--restart`),
 * as `keys` maps schema keys to how the user wrote them.
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  keys: Record<string, string>,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    return { path: keys[key] ?? key, message: i.message };
  });
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new WtpError('INVALID_INPUT', `Invalid arguments: ${summary}`, { issues });
}
