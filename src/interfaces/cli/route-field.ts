/**
 * One field of a route's request as the command line sees it, derived at `npm run gen` time from
 * the route's zod schema (tools/cli-route-fields.ts): the CLI never loads full zod to start.
 */
export interface RouteField {
  /** `boolean-string`: a query's `'true' | 'false'` (a query string has no booleans). */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'boolean-string' | 'array' | 'other';
  required?: boolean;
  nullable?: boolean;
  description?: string;
  /** A closed set (a zod enum). */
  values?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  /** A string's pattern (a RegExp's source) and what its schema says when a value fails it. */
  pattern?: string;
  patternMessage?: string;
  /** An array's items, when they are strings or numbers. */
  items?: RouteField;
}

export type RoutePart = 'params' | 'query' | 'body';

/** Every route's fields, by route name and part. */
export type RouteFields = Record<string, Partial<Record<RoutePart, Record<string, RouteField>>>>;

/** A problem with a typed value, in words (the caller names the flag or argument). */
export class FieldProblem {
  constructor(readonly message: string) {}
}

const oneOf = (values: readonly string[]) => `must be one of ${values.map((v) => `"${v}"`).join(', ')}`;

/**
 * The request value of a word typed for `f`: a number for a number, a member of its set, a
 * non-empty string where it must be one. Patterns and cross-field rules are the daemon's (it
 * validates every request again); these are the checks a flag's words need to become a request.
 */
export function fieldValue(f: RouteField, text: string): unknown {
  if (f.values !== undefined) {
    if (!f.values.includes(text)) return new FieldProblem(oneOf(f.values));
    return text;
  }
  if (f.type === 'integer' || f.type === 'number') {
    const min = f.min ?? Number.MIN_SAFE_INTEGER;
    const max = f.max ?? Number.MAX_SAFE_INTEGER;
    const what = f.type === 'integer' ? 'a whole number' : 'a number';
    const n = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(n) || (f.type === 'integer' && !Number.isInteger(n)) || n < min || n > max)
      return new FieldProblem(`must be ${what} from ${min} to ${max}`);
    return n;
  }
  if (f.minLength !== undefined && text.length < f.minLength)
    return new FieldProblem(
      f.minLength === 1 ? 'must not be empty' : `must be at least ${f.minLength} characters`,
    );
  if (f.maxLength !== undefined && text.length > f.maxLength)
    return new FieldProblem(`must be at most ${f.maxLength} characters`);
  if (f.pattern !== undefined && !new RegExp(f.pattern).test(text))
    return new FieldProblem(f.patternMessage ?? `must match /${f.pattern}/`);
  return text;
}
