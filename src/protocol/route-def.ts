import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/**
 * What a route may do: `read` answers from what the daemon knows (it may run read-only git
 * plumbing with fixed arguments), `write` changes state, `exec` runs a program or types into one
 * (an agent, a test command, a setup script). Only `read` routes may be GETs: a browser sends a
 * GET (with its cookies) for any `<img>` or link on any page.
 */
export type RouteEffect = 'read' | 'write' | 'exec';

/** Method and effect together: a GET is always `read`, anything else `write` or `exec`. */
export type MethodAndEffect =
  { method: 'GET'; effect: 'read' } | { method: 'POST' | 'DELETE'; effect: 'write' | 'exec' };

/** One REST route: everything the server, the client and the OpenAPI generator need. */
export type RouteDef = MethodAndEffect & {
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Schema of a 2xx JSON answer; `null` for a raw (binary) answer. */
  response: z.ZodType | null;
  status?: number;
};
