import type { z } from 'zod';
import type { Issue } from './errors.js';

/**
 * Flattens zod issues to `{path, message, code}` with dotted paths (prefix e.g. "body"), and the
 * bound of a `too_small` or `too_big`.
 */
export function zodIssues(error: z.ZodError, prefix?: string): Issue[] {
  return error.issues.map((i) => {
    const parts = [...(prefix ? [prefix] : []), ...i.path.map(String)];
    const issue: Issue = { path: parts.join('.'), message: i.message, code: i.code };
    if (i.code === 'too_small') issue.minimum = Number(i.minimum);
    if (i.code === 'too_big') issue.maximum = Number(i.maximum);
    return issue;
  });
}

type RawIssue = z.core.$ZodIssue;

/** `layout.panes[1].agent.restart` from ['layout', 'panes', 1, 'agent', 'restart']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`),
    '',
  );
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** How strongly a union branch's errors say "this is the wrong kind of thing altogether". */
function mismatch(issues: readonly RawIssue[]): number {
  return issues.filter(
    (i) =>
      (i.code === 'unrecognized_keys' && i.path.length === 0) ||
      (i.code === 'invalid_type' && i.path.length <= 1 && i.message.includes('received undefined')) ||
      (i.code === 'invalid_type' && i.path.length === 0),
  ).length;
}

/**
 * Flattens zod issues of a value with nested unions into one problem per place, with
 * `formatPath` paths: for a failed union it reports the branch the value was meant to be
 * (the one with the fewest "wrong kind" errors), or `hint` when no branch fits at all.
 */
export function explainIssues(
  error: z.ZodError,
  value: unknown,
  hint = 'does not match any allowed form',
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const walk = (issues: readonly RawIssue[], base: (string | number)[]): void => {
    for (const issue of issues) {
      const path = [...base, ...issue.path.map((k) => (typeof k === 'number' ? k : String(k)))];
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        const scores = issue.errors.map(mismatch);
        const best = Math.min(...scores);
        const v = valueAt(value, path);
        if (best > 0 && v !== null && typeof v === 'object' && scores.every((s) => s === best)) {
          out.push({ path, message: hint });
          continue;
        }
        walk(issue.errors[scores.indexOf(best)] ?? [], path);
        continue;
      }
      out.push({ path, message: issue.message });
    }
  };
  walk(error.issues, []);
  return out;
}
