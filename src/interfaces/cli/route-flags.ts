import { AppError } from '../../protocol/app-error.js';
import type { Issue } from '../../protocol/error-catalog.js';
import type { LooseFlag } from './route-command.js';
import { FieldProblem, fieldValue, type RouteField, type RoutePart } from './route-field.js';
import { ROUTE_FIELDS } from './route-fields.generated.js';

export const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `body.name` → the part, the field's name, and what the generated table knows of it. */
export function lookup(route: string, path: string): { part: RoutePart; name: string; field: RouteField } {
  const [part, name] = path.split('.') as [RoutePart, string];
  // A field the table lacks is a stale table: `npm run gen` writes it (route-command.test.ts fails until then).
  const field = ROUTE_FIELDS[route]?.[part]?.[name] ?? { type: 'string' };
  return { part, name, field };
}

/** A schema's description as CLI help, which starts in lower case (`HTTP` stays). */
export const helpText = (s: string | undefined) =>
  s === undefined ? '' : s.replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());

/** The help with a closed set's members (`only this status (backlog, ready, …)`), a repeatable flag said so. */
export function fullHelp(help: string, f: RouteField, flag = true): string {
  const repeatable = flag && f.type === 'array' && !help.includes('repeatable') ? ' (repeatable)' : '';
  const values = f.values ?? f.items?.values;
  if (values === undefined || values.every((v) => help.includes(v))) return `${help}${repeatable}`;
  if (help === '') return values.join(' | ');
  return `${help} (${values.join(', ')})${repeatable}`;
}

/** An argument's usage word: `<agent>`, `[target]`, `[argv...]` (an array takes the words left). */
export const argumentWord = (name: string, optional: boolean, many = false) => {
  const word = many ? `${name}...` : name;
  return optional ? `[${word}]` : `<${word}>`;
};

/** A flag as commander spells it (`-f, --force`, `--no-wait`, `--grace <ms>`), and where its value lands. */
export function flagOf(route: string, flag: LooseFlag) {
  const { part, name, field } = lookup(route, flag.field);
  const long = flag.long ?? kebab(name);
  const boolean = field.type === 'boolean' || field.type === 'boolean-string';
  const onByDefault = flag.off === true || field.default === true || field.default === 'true';
  const spelled = boolean
    ? onByDefault
      ? `--no-${long}`
      : `--${long}`
    : `--${long} <${flag.value ?? long}>`;
  return {
    part,
    name,
    field,
    boolean,
    flags: flag.short === undefined ? spelled : `${flag.short}, ${spelled}`,
    key: camel(long),
    long: `--${long}`,
    help: fullHelp(flag.help ?? helpText(field.description), field),
    toValue: flag.toValue,
    fallback: flag.fallback,
    off: flag.off === true,
    offHelp: flag.offHelp,
  };
}

/** A word or flag as the request wants it, or the issue it makes (named by `path`: `--grace`, `<status>`). */
export function requestValue(
  field: RouteField,
  raw: unknown,
  path: string,
  toValue: ((text: string) => unknown) | undefined,
  issues: Issue[],
): unknown {
  if (typeof raw === 'boolean') return field.type === 'boolean-string' ? String(raw) : raw;
  if (Array.isArray(raw)) {
    if (raw.length === 0) return undefined;
    const item = field.items ?? { type: 'other' };
    return raw.map((x) => requestValue(item, x, path, toValue, issues));
  }
  const value = toValue && typeof raw === 'string' ? toValue(raw) : raw;
  if (typeof value !== 'string' || field.type === 'other') return value;
  const v = fieldValue(field, value);
  if (!(v instanceof FieldProblem)) return v;
  issues.push({ path, message: v.message });
  return undefined;
}

/** The error for words that cannot become a request: every problem, each named by its flag or argument. */
export function invalidArguments(issues: Issue[]): AppError {
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new AppError('INVALID_INPUT', `Invalid arguments: ${summary}`, { issues });
}

/** Bad arguments about one flag or argument: the sentence a person reads, and its issue. */
export function fieldError(message: string, path: string, problem: string): AppError {
  return new AppError('INVALID_INPUT', message, { issues: [{ path, message: problem }] });
}
