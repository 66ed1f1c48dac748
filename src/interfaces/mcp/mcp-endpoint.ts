import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../core/errors.js';
import { appError } from '../../protocol/error-messages.js';
import type { McpCaller } from '../../protocol/mcp-scope.js';
import { MCP_BODY_LIMIT_BYTES, MCP_PATH } from '../../protocol/mcp-tools.js';
import type { ApiContext } from '../server/api-context.js';
import { bearerOf, cameOverTcp, mcpTokenAgent } from '../server/auth.js';
import type { HttpApp } from '../server/http-app.js';
import { toErrorResponse } from '../server/to-error-body.js';
import type { ToolApi } from './tool-context.js';

export type McpApi = ToolApi & Pick<ApiContext, 'log' | 'version' | 'mcpScope'>;

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Who calls: an agent by its MCP token (`wtp new --mcp`), over TCP or the unix socket alike; a
 * user's MCP client by the API token over TCP, or with no token over the unix socket (0600). A
 * token that is no agent's is refused, never taken for the user.
 */
export function mcpCaller(
  req: IncomingMessage,
  token: string,
  api: Pick<McpApi, 'agents' | 'mcpScope'>,
): McpCaller {
  const bearer = bearerOf(req);
  if (bearer === null) {
    if (cameOverTcp(req)) {
      throw appError('UNAUTHORIZED', { endpoint: MCP_PATH });
    }
    return { kind: 'user' };
  }
  if (sameSecret(bearer, token)) return { kind: 'user' };
  const id = mcpTokenAgent(token, bearer);
  const invalid = (): AppError => appError('MCP_TOKEN_INVALID', {});
  if (id === null) throw invalid();
  let agent;
  try {
    agent = api.agents.get(id);
  } catch {
    throw invalid();
  }
  if (!agent.mcp || agent.id !== id) throw invalid();
  return { kind: 'agent', agent, scope: api.mcpScope };
}

function sendError(res: ServerResponse, err: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const { status, body } = toErrorResponse(err);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The JSON body, at most MCP_BODY_LIMIT_BYTES, read before anything acts on it. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const bad = (message: string): AppError =>
      new AppError('INVALID_INPUT', message, { issues: [{ path: 'body', message }] });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      reject(bad('the body must be JSON (content-type: application/json)'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MCP_BODY_LIMIT_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(bad(`the body is larger than ${MCP_BODY_LIMIT_BYTES} bytes`));
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MCP_BODY_LIMIT_BYTES) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        reject(bad('the body is not valid JSON'));
      }
    });
  });
}

/**
 * `POST /mcp`: the MCP server over streamable HTTP (stateless: a server per request, JSON answers).
 * Only POST: a GET (an SSE stream, or any page's `<img>`) gets 405 and runs nothing.
 */
export function mountMcp(app: HttpApp, api: McpApi, token: string): void {
  app.mount(MCP_PATH, async (req, res) => {
    if (req.method !== 'POST') {
      req.resume();
      sendError(
        res,
        appError('METHOD_NOT_ALLOWED', { method: req.method ?? null, allowed: ['POST'], endpoint: MCP_PATH }),
        { allow: 'POST' },
      );
      return;
    }
    let caller: McpCaller;
    let body: unknown;
    try {
      caller = mcpCaller(req, token, api);
      body = await readJson(req);
    } catch (err) {
      req.resume();
      sendError(res, err);
      return;
    }
    // The MCP SDK is loaded with the first MCP request, not with the daemon.
    const [{ createMcpServer }, { StreamableHTTPServerTransport }] = await Promise.all([
      import('./mcp-server.js'),
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    ]);
    const server = createMcpServer(api, caller, api.log, api.version);
    // No session id: stateless, a server per request.
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
}
