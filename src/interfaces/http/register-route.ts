import type { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import type { EventSource } from '../../protocol/events.js';
import type { Issue } from '../../protocol/errors.js';
import { isFleetRoute, type FleetOrigin } from '../../protocol/fleet.js';
import { routes, type RouteName, type RouteParsed, type RouteResponse } from '../../protocol/routes.js';
import { zodIssues } from '../../protocol/zod-issues.js';
import { RawBody, type HttpApp } from '../server/http-app.js';
import { cliFormat, resultOutput, typeOf } from '../server/text-answer.js';

export interface RequestContext {
  source: EventSource;
  /** Sent from another machine of the fleet: which, and as which database role. */
  origin?: FleetOrigin | undefined;
  header(name: string, value: string): void;
  /** Aborted when the client goes away before its answer. */
  signal?: AbortSignal | undefined;
  /** Came over TCP: a CLI's own http hook (the unix socket carries `wtp` and its hook command). */
  tcp?: boolean | undefined;
  /** Sent by a paired device over the remote listener: its name (audited). */
  device?: string | undefined;
}

export type RouteHandler<N extends RouteName> = (
  input: RouteParsed<N>,
  ctx: RequestContext,
) => Promise<RouteResponse<N>> | RouteResponse<N>;

const SOURCES: readonly EventSource[] = ['cli', 'api'];

/** What the CLI prints of a route's result: its line, and its `--json` document (without `version`). */
export interface CliPrint<N extends RouteName> {
  line(result: RouteResponse<N>): string;
  doc(result: RouteResponse<N>): Record<string, unknown>;
}

/**
 * Registers one route of the protocol table: validates params, query and body with its schemas.
 * `cli`: the result as the CLI prints it, for a client that asks for that (server/text-answer.ts).
 */
export function registerRoute<N extends RouteName>(
  app: HttpApp,
  name: N,
  handler: RouteHandler<N>,
  cli?: CliPrint<N>,
): void {
  const def = routes[name];
  app.route(
    def.method,
    def.path,
    async (req, res) => {
      const issues: Issue[] = [];
      const parse = (schema: z.ZodType | undefined, value: unknown, where: string): unknown => {
        if (!schema) return undefined;
        const r = schema.safeParse(value ?? {});
        if (r.success) return r.data;
        issues.push(...zodIssues(r.error, where));
        return undefined;
      };
      const params = parse('params' in def ? def.params : undefined, req.params, 'params');
      const query = parse('query' in def ? def.query : undefined, req.query, 'query');
      const body = parse('body' in def ? def.body : undefined, req.body, 'body');
      if (issues.length > 0) throw invalidInput(issues);
      const format = cli ? cliFormat(req.headers) : null;
      const asText = (result: unknown): unknown => {
        if (!cli || format === null) return result;
        const r = result as RouteResponse<N>;
        return new RawBody(resultOutput(format, cli.line(r), cli.doc(r)), typeOf(format));
      };
      // Another machine's agent: its own daemon answers (a command through the fleet database).
      if (app.forward && !req.fromFleet && isFleetRoute(name)) {
        const remote = app.forward(name, { params: req.params, query: req.query, body: req.body });
        if (remote !== undefined) return asText(await remote);
      }
      const header = req.headers['x-wtp-source'];
      const source = req.fromFleet ? 'fleet' : (SOURCES.find((s) => s === header) ?? 'api');
      const result = await handler({ params, query, body } as RouteParsed<N>, {
        source,
        header: res.header,
        origin: req.origin,
        signal: req.signal,
        tcp: req.tcp,
        device: req.remote?.device?.name,
      });
      return result instanceof Uint8Array ? new RawBody(result, 'application/octet-stream') : asText(result);
    },
    'status' in def ? def.status : 200,
  );
}
