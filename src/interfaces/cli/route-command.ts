import type { CliOutput, CliOutputName } from '../../protocol/cli-output.js';
import type { RouteInput, RouteName, RouteResponse } from '../../protocol/routes.js';
import type { CliContext } from './context.js';
import type { RoutePart } from './route-field.js';

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

/** A flag: its value (or its presence, for a boolean) fills a request field; an array's is repeatable. */
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
  toValue?: (text: string) => unknown;
  /** The value when the flag is not typed (the current directory); the flag is then optional. */
  fallback?: () => unknown;
  /** A boolean spelled `--no-x` though its field has no default (on unless said). */
  off?: boolean;
  /**
   * Both `--x` and `--no-x` (this is the help of `--no-x`): unset, the daemon decides. For a
   * nullable field that is not a boolean, `--no-x` sends null (`--no-test`: run none).
   */
  offHelp?: string;
}

/** A flag of the command line only (how to print, or what `request` makes of it): `-v, --verbose`. */
export interface LocalFlag {
  flags: string;
  help: string;
  /** Typed again, its values add up (`-e A=1 -e B=2`). */
  repeatable?: boolean;
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
  /** The request from what the args and flags filled, the free words and the local flags; default: as filled. */
  request?: (
    filled: Sent<N>,
    words: (string | undefined)[],
    ctx: CliContext,
  ) => Partial<RouteInput<N>> | Promise<Partial<RouteInput<N>>>;
  timeoutMs?: number;
  /** Runs just before the call (a note, a Ctrl-C handler); what it returns runs once the call ends. */
  around?: (ctx: CliContext, sent: Sent<N>) => () => void;
  /**
   * Makes the call through `send`, which may add body fields only known then (a push's progress
   * id, once its socket is open); default: `send()`.
   */
  call?: (
    send: (more?: Record<string, unknown>) => Promise<RouteResponse<N>>,
    sent: Sent<N>,
    ctx: CliContext,
  ) => Promise<RouteResponse<N>>;
  /** An answer the command line counts as a failure (nothing idle to send to): thrown before any output. */
  refuse?: (r: RouteResponse<N>, sent: Sent<N>) => Error | undefined;
  /** An answer that is printed but exits 1 (a fork that crashed at its start). */
  failed?: (r: RouteResponse<N>) => boolean;
  /** The name of its `--json` document (protocol/cli-output.ts). */
  json: K;
  /** The result for a person (stdout); `--json` prints the document instead. */
  print(ctx: CliContext, r: RouteResponse<N>, sent: Sent<N>): void | Promise<void>;
  /** Notes on stderr after the result, with `--json` too (a warning about the agent's CLI). */
  notes?: (ctx: CliContext, r: RouteResponse<N>) => void;
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

/** An entry with its route's types erased: what registerRouteCommands reads. */
export type LooseRouteCommand = Omit<
  RouteCommandBase<RouteName, CliOutputName>,
  'args' | 'flags' | 'request' | 'print' | 'refuse' | 'failed' | 'notes' | 'around' | 'call'
> & {
  around?: (ctx: CliContext, sent: unknown) => () => void;
  call?: (
    send: (more?: Record<string, unknown>) => Promise<unknown>,
    sent: unknown,
    ctx: CliContext,
  ) => Promise<unknown>;
  notes?: (ctx: CliContext, r: unknown) => void;
  failed?: (r: unknown) => boolean;
  args?: readonly { field: string; name?: string; help?: string; optional?: boolean }[];
  flags?: readonly LooseFlag[];
  request?: (filled: unknown, words: (string | undefined)[], ctx: CliContext) => unknown;
  print(ctx: CliContext, r: unknown, sent: unknown): void | Promise<void>;
  refuse?: (r: unknown, sent: unknown) => Error | undefined;
  jsonDoc?: (r: unknown, sent: unknown, ctx: CliContext) => Record<string, unknown>;
};

export type LooseFlag = Omit<RouteFlag<RouteName>, 'field'> & { field: string };

/** Declares a command over route N (typed against the route's request and answer). */
export function routeCommand<N extends RouteName, K extends CliOutputName>(
  entry: RouteCommand<N, K>,
): AnyRouteCommand {
  return entry as unknown as AnyRouteCommand;
}

/** The request fields an entry's arguments and flags fill: `body.name`, `params.agent`. */
export function entryFields(entry: AnyRouteCommand): string[] {
  const e = entry as unknown as LooseRouteCommand;
  return [...(e.args ?? []), ...(e.flags ?? [])].map((x) => x.field);
}
