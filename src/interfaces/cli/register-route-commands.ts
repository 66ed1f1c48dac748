import type { Command } from 'commander';
import { AppError } from '../../protocol/app-error.js';
import type { Issue } from '../../protocol/error-catalog.js';
import type { CliContext } from './context.js';
import type { AnyRouteCommand, LooseRouteCommand } from './route-command.js';
import type { RoutePart } from './route-field.js';
import {
  argumentWord,
  flagOf,
  fullHelp,
  helpText,
  invalidArguments,
  kebab,
  lookup,
  requestValue,
} from './route-flags.js';
import { runAction } from './run-action.js';

/** What a flag sends: its fallback when not typed; an `off` flag only when typed off; null for `--no-x` of a value. */
const flagValue = (f: ReturnType<typeof flagOf>, v: unknown): unknown =>
  f.off && v === true ? undefined : v === false && !f.boolean ? null : (v ?? f.fallback?.());

const entryOf = new WeakMap<Command, AnyRouteCommand>();

/** The entry a command was made from, when it was (tests walk the program with it). */
export function routeCommandOf(cmd: Command): AnyRouteCommand | undefined {
  return entryOf.get(cmd);
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * Adds one command per entry under `parent` (the program or a group such as `orphans`): its
 * arguments and flags from the request fields they fill, `--json`, and an action that builds
 * the request, calls the route and prints the answer (or its `--json` document).
 */
export function registerRouteCommands(
  parent: Command,
  ctx: CliContext,
  entries: readonly AnyRouteCommand[],
): void {
  for (const any of entries) {
    const e = any as unknown as LooseRouteCommand;
    const cmd = parent
      .command(e.name, e.isDefault === true ? { isDefault: true } : {})
      .description(e.description);
    entryOf.set(cmd, any);
    const args = (e.args ?? []).map((a) => {
      const { part, name, field } = lookup(e.route, a.field);
      const word = a.name ?? kebab(name);
      cmd.argument(
        argumentWord(word, a.optional ?? field.required !== true, field.type === 'array'),
        fullHelp(a.help ?? helpText(field.description), field, false),
      );
      return { part, name, field, word };
    });
    for (const w of e.words ?? []) cmd.argument(argumentWord(w.name, w.optional === true), w.help);
    const flags = (e.flags ?? []).map((spec) => {
      const f = flagOf(e.route, spec);
      // A default the schema gives shows in the help, and is sent as if typed.
      const shown = f.boolean || f.field.default === undefined ? undefined : String(f.field.default);
      if (f.field.type === 'array') cmd.option(f.flags, f.help, collect);
      // A field the request needs is a required option (commander's message, exit 2).
      else if (f.field.required === true && !f.boolean && !f.fallback)
        cmd.requiredOption(f.flags, f.help, shown);
      else cmd.option(f.flags, f.help, shown);
      if (f.offHelp !== undefined) cmd.option(`--no-${f.long.slice(2)}`, f.offHelp);
      return f;
    });
    for (const l of e.local ?? [])
      if (l.repeatable === true) cmd.option(l.flags, l.help, collect);
      else cmd.option(l.flags, l.help);
    cmd.option('--json', 'machine-readable output');
    cmd.action((...received: unknown[]) => {
      const opts = (received.at(-1) as Command).opts<Record<string, unknown>>();
      const words = received.slice(0, args.length + (e.words?.length ?? 0)) as (string | undefined)[];
      return runAction(ctx, opts.json === true, async () => {
        const filled: Record<RoutePart, Record<string, unknown>> = { params: {}, query: {}, body: {} };
        const issues: Issue[] = [];
        const put = (part: RoutePart, name: string, v: unknown) => {
          if (v !== undefined) filled[part][name] = v;
        };
        args.forEach((a, i) =>
          put(a.part, a.name, requestValue(a.field, words[i], `<${a.word}>`, undefined, issues)),
        );
        for (const f of flags)
          put(f.part, f.name, flagValue(f, requestValue(f.field, opts[f.key], f.long, f.toValue, issues)));
        if (issues.length > 0) throw invalidArguments(issues);
        const local = Object.fromEntries(
          Object.entries(opts).filter(([k]) => k !== 'json' && !flags.some((f) => f.key === k)),
        );
        const request = e.request
          ? await e.request({ ...filled, local }, words.slice(args.length), ctx)
          : filled;
        const sent = { ...(request as object), local };
        const send = (more?: Record<string, unknown>) => {
          const r = request as { body?: Record<string, unknown> };
          const body = more === undefined ? r : { ...r, body: { ...r.body, ...more } };
          return ctx.client(e.timeoutMs).call(e.route, body as Record<string, unknown>);
        };
        const call = () => (e.call ? e.call(send, sent, ctx) : send());
        const after = e.around?.(ctx, sent);
        const r = await call()
          .catch(async (err: unknown) => {
            // A repository's setup not approved yet: shown to a person at the terminal, asked once.
            if (!(err instanceof AppError && err.code === 'SETUP_NOT_APPROVED')) throw err;
            const { approveSetup } = await import('./setup-approval.js');
            if (!(await approveSetup(ctx, err))) throw err;
            return call();
          })
          .finally(after);
        const refused = e.refuse?.(r, sent);
        if (refused) throw refused;
        if (e.failed?.(r) === true) ctx.exitCode = 1;
        if (ctx.json) ctx.emit(e.json, (e.jsonDoc ? e.jsonDoc(r, sent, ctx) : r) as never);
        else await e.print(ctx, r, sent);
        e.notes?.(ctx, r);
      });
    });
  }
}
