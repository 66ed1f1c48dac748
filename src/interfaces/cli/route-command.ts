import type { Command } from 'commander';
import { AppError } from '../../protocol/app-error.js';
import type { Issue } from '../../protocol/error-catalog.js';
import type { CliOutput, CliOutputName } from '../../protocol/cli-output.js';
import type { RouteInput, RouteName, RouteResponse } from '../../protocol/routes.js';
import type { CliContext } from './context.js';
import { FieldProblem, fieldValue, type RouteField, type RoutePart } from './route-field.js';
import { ROUTE_FIELDS } from './route-fields.generated.js';
import { runAction } from './run-action.js';

type FieldsOf<T> = T extends object ? Extract<keyof T, string> : never;
/** A request field of route N: `params.agent`, `body.name`, `query.force`. */
export type FieldPath<N extends RouteName> = {
  [P in RoutePart]: `${P}.${FieldsOf<RouteInput<N>[P]>}`;
}[RoutePart];

/** A positional argument: the word fills a request field. */
export interface RouteArg<N extends RouteName> {
  field: FieldPath<N>;
  /** Its name in the usage (`<agent-id>`); default: the field's. */
  name?: string;
  /** Default: the field's description. */
  help?: string;
  /** Default: optional when the field is. */
  optional?: boolean;
}

/** A flag: its value (or its presence, for a boolean) fills a request field. */
export interface RouteFlag<N extends RouteName> {
  field: FieldPath<N>;
  /** A one-letter alias: `-f`. */
  short?: string;
  /** Its long name when not the field's in kebab case (`grace` for `graceMs`). */
  long?: string;
  /** The placeholder of its value (`ms` in `--grace <ms>`); default: its long name. */
  value?: string;
  /** Default: the field's description. */
  help?: string;
  /** The word as typed becomes this before it is checked (a file name: its absolute path). */
  toValue?: (text: string) => string;
}

/** A flag of the command line only (how to print, not what to ask): `-v, --verbose`. */
export interface LocalFlag {
  flags: string;
  help: string;
}

/** What a command sent, and its local flags: what its printer may say. */
export type Sent<N extends RouteName> = RouteInput<N> & { local: Record<string, unknown> };

interface RouteCommandBase<N extends RouteName, K extends CliOutputName> {
  name: string;
  description: string;
  route: N;
  /** The group's command when none is named (`wtp orphans` = `wtp orphans ls`). */
  isDefault?: boolean;
  args?: readonly RouteArg<N>[];
  flags?: readonly RouteFlag<N>[];
  local?: readonly LocalFlag[];
  /** Words not tied to one field (`budget set day 5`), turned into the request by `request`. */
  words?: readonly { name: string; help: string; optional?: boolean }[];
  /** The request from what the flags and args filled and the words typed; default: as filled. */
  request?: (filled: Partial<RouteInput<N>>, words: (string | undefined)[]) => Partial<RouteInput<N>>;
  timeoutMs?: number;
  /** An answer the command line counts as a failure (nothing idle to send to): thrown before any output. */
  refuse?: (r: RouteResponse<N>, sent: Sent<N>) => Error | undefined;
  /** The name of its `--json` document (protocol/cli-output.ts). */
  json: K;
  /** The result for a person (stdout); `--json` prints the document instead. */
  print(ctx: CliContext, r: RouteResponse<N>, sent: Sent<N>): void;
}

type Doc<K extends CliOutputName> = Omit<CliOutput<K>, 'version'>;

/** A command that is one call of one route; `jsonDoc` is needed only when the answer is not the document. */
export type RouteCommand<N extends RouteName, K extends CliOutputName> = RouteCommandBase<N, K> &
  (RouteResponse<N> extends Doc<K>
    ? { jsonDoc?: (r: RouteResponse<N>, sent: Sent<N>, ctx: CliContext) => Doc<K> }
    : { jsonDoc: (r: RouteResponse<N>, sent: Sent<N>, ctx: CliContext) => Doc<K> });

/** A RouteCommand of any route, as a list holds it. */
export interface AnyRouteCommand {
  readonly name: string;
  readonly route: RouteName;
  readonly __routeCommand: true;
}

interface LooseFlag {
  field: string;
  short?: string;
  long?: string;
  value?: string;
  help?: string;
  toValue?: (text: string) => string;
}

type Loose = RouteCommandBase<RouteName, CliOutputName> & {
  args?: readonly { field: string; name?: string; help?: string; optional?: boolean }[];
  flags?: readonly LooseFlag[];
  request?: (filled: Record<RoutePart, Record<string, unknown>>, words: (string | undefined)[]) => unknown;
  print(ctx: CliContext, r: unknown, sent: unknown): void;
  refuse?: (r: unknown, sent: unknown) => Error | undefined;
  jsonDoc?: (r: unknown, sent: unknown, ctx: CliContext) => Record<string, unknown>;
};

/** Declares a command over route N (typed against the route's request and answer). */
export function routeCommand<N extends RouteName, K extends CliOutputName>(
  entry: RouteCommand<N, K>,
): AnyRouteCommand {
  return entry as unknown as AnyRouteCommand;
}

/** A closed set's members after its help (`only this status (backlog, ready, …)`). */
const withValues = (help: string, f: RouteField) =>
  f.values === undefined || f.values.every((v) => help.includes(v))
    ? help
    : help === ''
      ? f.values.join(' | ')
      : `${help} (${f.values.join(', ')})`;

/** A schema's description as CLI help, which starts in lower case (`HTTP` stays). */
const helpText = (s: string | undefined) =>
  s === undefined ? '' : s.replace(/^[A-Z](?![A-Z])/, (c) => c.toLowerCase());
const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** `body.name` → the part and the field, with what the generated table knows of it. */
function lookup(route: string, path: string): { part: RoutePart; name: string; field: RouteField } {
  const [part, name] = path.split('.') as [RoutePart, string];
  // A field the table lacks is a stale table: `npm run gen` writes it (route-command.test.ts fails until then).
  const field = ROUTE_FIELDS[route]?.[part]?.[name] ?? { type: 'string' };
  return { part, name, field };
}

/** The flag's commander spelling: `-f, --force`, `--no-wait`, `--grace <ms>`. */
export function flagSpelling(route: string, flag: LooseFlag) {
  const { name, field } = lookup(route, flag.field);
  const long = flag.long ?? kebab(name);
  const boolean = field.type === 'boolean' || field.type === 'boolean-string';
  const onByDefault = field.default === true || field.default === 'true';
  const spelled = boolean
    ? onByDefault
      ? `--no-${long}`
      : `--${long}`
    : `--${long} <${flag.value ?? long}>`;
  return {
    flags: flag.short === undefined ? spelled : `${flag.short}, ${spelled}`,
    key: camel(long),
    long: `--${long}`,
    field,
    boolean,
  };
}

const entryOf = new WeakMap<Command, AnyRouteCommand>();

/** The entry a command was made from, when it was (tests walk the program with it). */
export function routeCommandOf(cmd: Command): AnyRouteCommand | undefined {
  return entryOf.get(cmd);
}

/** The request fields an entry's arguments and flags fill: `body.name`, `params.agent`. */
export function entryFields(entry: AnyRouteCommand): string[] {
  const e = entry as unknown as Loose;
  return [...(e.args ?? []), ...(e.flags ?? [])].map((x) => x.field);
}

/** Adds one command per entry under `parent` (the program or a group such as `orphans`). */
export function registerRouteCommands(
  parent: Command,
  ctx: CliContext,
  entries: readonly AnyRouteCommand[],
): void {
  for (const any of entries) {
    const e = any as unknown as Loose;
    const cmd = parent
      .command(e.name, e.isDefault === true ? { isDefault: true } : {})
      .description(e.description);
    entryOf.set(cmd, any);
    const args = (e.args ?? []).map((a) => {
      const { part, name, field } = lookup(e.route, a.field);
      const word = a.name ?? kebab(name);
      return { part, name, field, word, help: a.help, optional: a.optional ?? field.required !== true };
    });
    for (const a of args)
      cmd.argument(
        a.optional ? `[${a.word}]` : `<${a.word}>`,
        withValues(a.help ?? helpText(a.field.description), a.field),
      );
    for (const w of e.words ?? []) cmd.argument(w.optional === true ? `[${w.name}]` : `<${w.name}>`, w.help);
    const flags = (e.flags ?? []).map((f) => {
      const { part, name } = lookup(e.route, f.field);
      return { part, name, help: f.help, toValue: f.toValue, ...flagSpelling(e.route, f) };
    });
    for (const f of flags) {
      // A default the schema gives shows in the help, and is sent as if typed.
      const shown = !f.boolean && f.field.default !== undefined ? String(f.field.default) : undefined;
      const help = withValues(f.help ?? helpText(f.field.description), f.field);
      // A field the request needs is a required option (commander's message, exit 2).
      if (f.field.required === true && !f.boolean) cmd.requiredOption(f.flags, help, shown);
      else cmd.option(f.flags, help, shown);
    }
    for (const l of e.local ?? []) cmd.option(l.flags, l.help);
    cmd.option('--json', 'machine-readable output');
    cmd.action((...received: unknown[]) => {
      const command = received.at(-1) as Command;
      const opts = command.opts<Record<string, unknown>>();
      const words = received.slice(0, args.length + (e.words?.length ?? 0)) as (string | undefined)[];
      return runAction(ctx, opts.json === true, async () => {
        const filled: Record<RoutePart, Record<string, unknown>> = { params: {}, query: {}, body: {} };
        const issues: Issue[] = [];
        const put = (part: RoutePart, name: string, field: RouteField, raw: unknown, path: string) => {
          if (raw === undefined) return;
          const v =
            typeof raw === 'boolean'
              ? field.type === 'boolean-string'
                ? String(raw)
                : raw
              : fieldValue(field, String(raw));
          if (v instanceof FieldProblem) issues.push({ path, message: v.message });
          else filled[part][name] = v;
        };
        args.forEach((a, i) => put(a.part, a.name, a.field, words[i], `<${a.word}>`));
        for (const f of flags) {
          const typed = opts[f.key];
          const value = typeof typed === 'string' && f.toValue ? f.toValue(typed) : typed;
          put(f.part, f.name, f.field, value, f.long);
        }
        if (issues.length > 0) {
          const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
          throw new AppError('INVALID_INPUT', `Invalid arguments: ${summary}`, { issues });
        }
        const local = Object.fromEntries(
          Object.entries(opts).filter(([k]) => k !== 'json' && !flags.some((f) => f.key === k)),
        );
        const input = (e.request ? e.request(filled, words.slice(args.length)) : filled) as Record<
          string,
          unknown
        >;
        const r = await ctx.client(e.timeoutMs).call(e.route, input);
        const sent = { ...input, local };
        const refused = e.refuse?.(r, sent);
        if (refused) throw refused;
        if (ctx.json) ctx.emit(e.json, (e.jsonDoc ? e.jsonDoc(r, sent, ctx) : r) as never);
        else e.print(ctx, r, sent);
      });
    });
  }
}
