import type { z } from 'zod';
import type { Issue } from './errors.js';

/** Flattens zod issues to `{path, message}` with dotted paths (prefix e.g. "body"). */
export function zodIssues(error: z.ZodError, prefix?: string): Issue[] {
  return error.issues.map((i) => {
    const parts = [...(prefix ? [prefix] : []), ...i.path.map(String)];
    return { path: parts.join('.'), message: i.message };
  });
}
