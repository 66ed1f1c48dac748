import type { ServerResponse } from 'node:http';
import { FakeScriptedApi, type ReadRequest, sleep, splitText } from './fake-sse-server.js';

/**
 * A local stand-in for the OpenAI Responses API (`POST <base>/responses`, streamed as server-sent
 * events), good enough for the real Codex CLI with a custom model provider (observed with 0.169.0,
 * see docs/research/codex-0.169.0.md; `wire_api = "chat"` is rejected by that version).
 *
 * Main-loop turns (requests that offer tools) are decided by a script; other requests (no tools)
 * get a canned short answer and never consume the script. Any other path is answered at once
 * (GET → an empty list, anything else → 404) so the CLI never stalls.
 */

export interface FakeOpenAIRequest {
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** The `input` items. */
  input: Record<string, unknown>[];
  /** Names of the tools offered (namespaces by their own name). */
  toolNames: string[];
  toolsOffered: boolean;
  /** True when the last input item is a `function_call_output`. */
  hasToolOutput: boolean;
  /** That output as text (empty when none). */
  toolOutputText: string;
  /** Text of the last `user` message (input_text parts joined). */
  lastUserText: string;
}

export interface FakeOpenAITurn {
  text?: string;
  /**
   * A function call, e.g. `{ name: 'exec_command', arguments: { cmd: 'ls' } }`; a tool offered in a
   * namespace (Codex's MCP tools, `mcp__probe`, and sub-agents, `multi_agent_v1`) names it.
   */
  toolCall?: { name: string; arguments: unknown; namespace?: string };
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Wait this long between stream events. */
  chunkDelayMs?: number;
  /** Send the first event or chunk (`response.created`), then keep the connection open until the client goes away. */
  hang?: boolean;
  /** Answer with this HTTP error instead of a turn. */
  error?: { status: number; type: string; code?: string; message: string; headers?: Record<string, string> };
  /** The turn's `response.completed` usage; default 10 in (none cached), 5 out (none reasoning). */
  usage?: { input: number; cached?: number; output: number; reasoning?: number };
}

export type FakeOpenAIScript = (req: FakeOpenAIRequest) => FakeOpenAITurn | Promise<FakeOpenAITurn>;

export interface FakeOpenAILoggedRequest {
  method: string;
  path: string;
  /** main = scripted turn, side = canned answer, other = anything else. */
  kind: 'main' | 'side' | 'other';
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const SIDE_TEXT = 'ok';

type Part = { type?: string; text?: string };

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Part[])
    .filter((p) => typeof p.text === 'string')
    .map((p) => p.text ?? '')
    .join('\n');
}

export function parseResponsesRequest(body: Record<string, unknown>): FakeOpenAIRequest {
  const input = Array.isArray(body.input) ? (body.input as Record<string, unknown>[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as { name?: unknown; type?: unknown }[]) : [];
  const last = input[input.length - 1];
  const lastUser = [...input].reverse().find((i) => i.type === 'message' && i.role === 'user');
  const hasToolOutput = last?.type === 'function_call_output';
  return {
    body,
    model: typeof body.model === 'string' ? body.model : 'gpt-fake',
    stream: body.stream === true,
    input,
    toolNames: tools.map((t) => String(t.name ?? t.type ?? '')),
    toolsOffered: tools.length > 0,
    hasToolOutput,
    toolOutputText: hasToolOutput ? textOf(last.output) : '',
    lastUserText: textOf(lastUser?.content),
  };
}

/** `url` is the base URL including `/v1`, for a provider's `base_url`. */
export class FakeOpenAI extends FakeScriptedApi<FakeOpenAILoggedRequest> {
  static start(script: FakeOpenAIScript): Promise<FakeOpenAI> {
    return FakeScriptedApi.serve(
      (http) => new FakeOpenAI(http, `${http.origin}/v1`),
      (api, req, res) => api.handle(req, res, script),
    );
  }

  private async handle(
    { method, path, headers, body }: ReadRequest,
    res: ServerResponse,
    script: FakeOpenAIScript,
  ): Promise<void> {
    const json = (status: number, value: unknown, extra: Record<string, string> = {}): void =>
      this.http.json(res, status, value, { 'x-request-id': this.nextId('req'), ...extra });

    if (method !== 'POST' || !path.endsWith('/responses') || typeof body !== 'object' || body === null) {
      this.requests.push({ method, path, kind: 'other', headers, body });
      this.answerOther(
        method,
        res,
        json,
        { object: 'list', data: [], models: [] },
        { error: { type: 'invalid_request_error', message: `no route ${path}` } },
      );
      return;
    }

    const parsed = parseResponsesRequest(body as Record<string, unknown>);
    const kind = parsed.toolsOffered ? 'main' : 'side';
    this.requests.push({ method, path, kind, headers, body });
    const turn: FakeOpenAITurn = kind === 'main' ? await script(parsed) : { text: SIDE_TEXT };
    if (turn.delayMs) await sleep(turn.delayMs);
    if (turn.error) {
      const e = turn.error;
      json(
        e.status,
        { error: { type: e.type, code: e.code ?? null, message: e.message, param: null } },
        e.headers,
      );
      return;
    }
    if (parsed.stream) await this.stream(res, parsed, turn);
    else json(200, this.response(parsed, turn, this.items(turn), 'completed'));
  }

  private items(turn: FakeOpenAITurn): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    if (turn.text !== undefined) {
      out.push({
        type: 'message',
        id: this.nextId('msg'),
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: turn.text, annotations: [] }],
      });
    }
    if (turn.toolCall) {
      const args = turn.toolCall.arguments;
      out.push({
        type: 'function_call',
        id: this.nextId('fc'),
        call_id: this.nextId('call'),
        name: turn.toolCall.name,
        ...(turn.toolCall.namespace === undefined ? {} : { namespace: turn.toolCall.namespace }),
        arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
        status: 'completed',
      });
    }
    return out;
  }

  private response(
    req: FakeOpenAIRequest,
    turn: FakeOpenAITurn,
    output: Record<string, unknown>[],
    status: string,
  ): Record<string, unknown> {
    return {
      id: this.nextId('resp'),
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      model: req.model,
      output,
      usage: responsesUsage(turn.usage ?? { input: 10, output: 5 }),
    };
  }

  private async stream(res: ServerResponse, req: FakeOpenAIRequest, turn: FakeOpenAITurn): Promise<void> {
    let seq = 0;
    const send = this.http.openStream(res, {
      headers: { 'x-request-id': this.nextId('req') },
      gapMs: turn.chunkDelayMs ?? 0,
      decorate: () => ({ sequence_number: seq++ }),
    });
    const items = this.items(turn);
    const done = this.response(req, turn, items, 'completed');
    const id = done.id;
    await send('response.created', { response: { ...done, status: 'in_progress', output: [] } });
    if (turn.hang) {
      await this.http.untilClosed(res);
      return;
    }
    for (const [index, item] of items.entries()) {
      if (item.type === 'message') {
        await send('response.output_item.added', { output_index: index, item: { ...item, content: [] } });
        const text = String((item.content as Part[])[0]?.text ?? '');
        for (const delta of splitText(text)) {
          await send('response.output_text.delta', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            delta,
          });
        }
      } else {
        await send('response.output_item.added', { output_index: index, item: { ...item, arguments: '' } });
        const args = String(item.arguments);
        for (let i = 0; i < args.length; i += 40) {
          await send('response.function_call_arguments.delta', {
            item_id: item.id,
            output_index: index,
            delta: args.slice(i, i + 40),
          });
        }
      }
      await send('response.output_item.done', { output_index: index, item });
    }
    await send('response.completed', { response: { ...done, id } });
    res.end();
  }
}

/** A Responses API usage block from a turn's numbers. */
function responsesUsage(u: NonNullable<FakeOpenAITurn['usage']>): Record<string, unknown> {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output,
  };
}
