import { request, type ClientRequest } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { MCP_BODY_LIMIT_BYTES, MCP_PATH } from '../../protocol/mcp-tools.js';

/** JSON-RPC's code for an error of the server itself (the relay could not get an answer). */
const SERVER_ERROR = -32000;

export interface RelayOptions {
  /** The daemon's unix socket. */
  socketPath: string;
  /** The agent's MCP token (`--token-file`), or null: the user's own client over the socket. */
  token: string | null;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** Where the relay says why a message got no answer (stderr: agent CLIs log it). */
  log: (line: string) => void;
}

/** The id of a request (it expects an answer), or undefined for a notification or a response. */
function requestId(m: JSONRPCMessage): string | number | undefined {
  return 'method' in m && 'id' in m ? m.id : undefined;
}

const errorReply = (id: string | number, message: string): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  error: { code: SERVER_ERROR, message },
});

/** What to write back for the daemon's answer to one message (and what to log). */
function answerOf(
  status: number,
  text: string,
  id: string | number | undefined,
): { send: JSONRPCMessage[]; log?: string } {
  if (status === 202 || text.trim() === '') return { send: [] }; // a notification: no answer
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    const log = `wtp mcp: the daemon answered ${status} with no JSON`;
    return { send: id === undefined ? [] : [errorReply(id, log)], log };
  }
  const err = doc as { code?: unknown; message?: unknown };
  if (status >= 400 && typeof err.code === 'string') {
    // The daemon refused the request itself (a token that is no agent's, a body too large).
    const why = `${err.code}: ${String(err.message)}`;
    return { send: id === undefined ? [] : [errorReply(id, why)], log: `wtp mcp: ${why}` };
  }
  return { send: (Array.isArray(doc) ? doc : [doc]) as JSONRPCMessage[] };
}

/**
 * `wtp mcp`: the MCP server over stdio, the way agent CLIs launch one, relayed message by message
 * to the daemon's `POST /mcp` on its unix socket with the agent's token. The daemon holds the
 * tools, the scope and the audit; this process only frames and forwards, so a long
 * `wait_for_state` never holds up another call. Resolves when stdin ends.
 */
export function runMcpRelay(o: RelayOptions): Promise<void> {
  const stdio = new StdioServerTransport(o.stdin as never, o.stdout as never, {
    maxBufferSize: MCP_BODY_LIMIT_BYTES,
  });
  const inFlight = new Set<ClientRequest>();
  let settled = (): void => undefined;
  const finished = (req: ClientRequest): void => {
    inFlight.delete(req);
    settled();
  };
  const forward = (message: JSONRPCMessage): void => {
    const id = requestId(message);
    const body = JSON.stringify(message);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'content-length': Buffer.byteLength(body),
      ...(o.token === null ? {} : { authorization: `Bearer ${o.token}` }),
    };
    const req = request({ socketPath: o.socketPath, path: MCP_PATH, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const answer = answerOf(res.statusCode ?? 500, Buffer.concat(chunks).toString('utf8'), id);
        if (answer.log) o.log(answer.log);
        void Promise.all(answer.send.map((m) => stdio.send(m))).finally(() => finished(req));
      });
    });
    inFlight.add(req);
    req.on('error', (e) => {
      o.log(`wtp mcp: cannot reach the daemon (${e.message}); is it running? (wtp up)`);
      const why = `DAEMON_NOT_RUNNING: cannot reach the daemon (${e.message})`;
      void (id === undefined ? Promise.resolve() : stdio.send(errorReply(id, why))).finally(() =>
        finished(req),
      );
    });
    req.end(body);
  };
  stdio.onmessage = forward;
  stdio.onerror = (e) => o.log(`wtp mcp: ${e.message}`);
  return new Promise((resolve) => {
    // Once stdin ends, the answers still on their way are written, then it is over.
    let ended = false;
    const check = (): void => {
      if (ended && inFlight.size === 0) resolve();
    };
    const end = (): void => {
      ended = true;
      check();
    };
    settled = check;
    o.stdin.once('end', end);
    o.stdin.once('close', end);
    void stdio.start();
  });
}
