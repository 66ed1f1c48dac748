import type { Command } from 'commander';
import type { z } from 'zod';
import { AppError } from '../../protocol/app-error.js';
import type { Issue } from '../../protocol/error-catalog.js';
import type { OptionSchemas } from './option-schemas.js';

/**
 * Validates a command's options with its zod schema and returns them typed. Problems name
 * the flag (`--restart`). zod is loaded only when the user typed an option: defaults
 * alone are valid by construction (option-schemas.test.ts), and whatever goes to the
 * daemon is validated there again.
 */
export async function validateOptions<K extends keyof OptionSchemas>(
  cmd: Command,
  name: K,
): Promise<z.output<OptionSchemas[K]>> {
  const raw = cmd.opts();
  const flags = new Map(cmd.options.map((o) => [o.attributeName(), o.long ?? o.attributeName()]));
  const typed = [...flags.keys()].some((k) => k !== 'json' && cmd.getOptionValueSource(k) === 'cli');
  if (!typed) return raw as z.output<OptionSchemas[K]>;
  const { optionSchemas } = await import('./option-schemas.js');
  const r = optionSchemas[name].safeParse(raw);
  if (r.success) return r.data as z.output<OptionSchemas[K]>;
  const issues: Issue[] = r.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    return { path: flags.get(key) ?? key, message: i.message };
  });
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new AppError('INVALID_INPUT', `Invalid arguments: ${summary}`, { issues });
}
