import { z } from 'zod';
import { errorBodySchema } from '../../protocol/errors.js';
import { routes, websocketRoutes, type RouteDef } from '../../protocol/routes.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = toSchema(schema);
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
    schema: p,
  }));
}

const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** The OpenAPI 3.1 document of the API, generated from the protocol's zod schemas. */
export function buildOpenApi(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, route] of Object.entries(routes) as [string, RouteDef][]) {
    const ok = String(route.status ?? 200);
    const operation: JsonSchema = {
      operationId: name,
      summary: route.summary,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        [ok]: {
          description: 'Success',
          content:
            route.response === null
              ? { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } }
              : { 'application/json': { schema: toSchema(route.response) } },
        },
        default: {
          description: 'An error; `code` is stable (docs/errors.md)',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
    if (route.body) {
      operation.requestBody = {
        required: false,
        content: { 'application/json': { schema: toSchema(route.body) } },
      };
    }
    const p = openApiPath(route.path);
    paths[p] = { ...paths[p], [route.method.toLowerCase()]: operation };
  }
  const sockets = Object.values(websocketRoutes)
    .map((w) => `- \`${w.path}\` (WebSocket): ${w.summary}`)
    .join('\n');
  return {
    openapi: '3.1.0',
    info: {
      title: 'wezterm-parallel daemon API',
      version,
      description: `REST API of the wezterm-parallel daemon. On the unix socket no auth is needed (the socket is mode 0600); on 127.0.0.1 every request needs \`Authorization: Bearer <token>\` from the token file, or the web dashboard's \`wtp_session_<port>\` cookie (from a one-time link, \`POST /api/v1/dashboard/link\`; only the daemon on that port takes it) on requests with \`Sec-Fetch-Site: same-origin\` and, on anything but a GET, the daemon's own \`Origin\`. GETs only read: whatever runs a command or changes state is a POST or a DELETE. Every string of a request is refused with a NUL in it (\`INVALID_INPUT\`); methods no route serves answer 405 (\`METHOD_NOT_ALLOWED\`).\n\nWebSockets:\n${sockets}\n- \`/metrics\`: Prometheus text format.`,
    },
    servers: [{ url: 'http://127.0.0.1:7537' }],
    security: [{ bearer: [] }, { dashboardSession: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        // The name carries the daemon's port: wtp_session_<port> (7537 by default, as in `servers`).
        dashboardSession: { type: 'apiKey', in: 'cookie', name: 'wtp_session_7537' },
      },
      schemas: { Error: toSchema(errorBodySchema) },
    },
    paths,
  };
}
