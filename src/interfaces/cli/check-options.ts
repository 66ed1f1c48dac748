import type { Command } from 'commander';
import type { Issue } from '../../protocol/error-catalog.js';
import type { RouteField } from './route-field.js';
import { invalidArguments, requestValue } from './route-flags.js';

/**
 * A hand-written command's options, checked as a request's fields are (route-field.ts): a flag
 * that fills a route's field takes that field's rules (`ROUTE_FIELDS.listEvents.query`), a flag
 * of the command line alone a field of its own. Returns the options with their values made
 * (numbers for numbers); every problem is named by its flag.
 */
export function checkOptions(
  cmd: Command,
  fields: Record<string, RouteField | undefined> = {},
): Record<string, unknown> {
  const opts = cmd.opts<Record<string, unknown>>();
  const issues: Issue[] = [];
  for (const o of cmd.options) {
    const key = o.attributeName();
    const f = fields[key];
    if (f !== undefined && opts[key] !== undefined)
      opts[key] = requestValue(f, opts[key], o.long ?? key, undefined, issues);
  }
  if (issues.length > 0) throw invalidArguments(issues);
  return opts;
}
