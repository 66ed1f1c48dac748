import type { ServerResponse } from 'node:http';
import { FakeScriptedApi, type ReadRequest, sleep, splitText } from './fake-sse-server.js';

/**
 * A local stand-in for the OpenAI Chat Completions API (`POST <base>/chat/completions`, streamed as
 * bare `data:` chunks ending in `data: [DONE]`), good enough for the real OpenCode CLI with an
 * `@ai-sdk/openai-compatible` provider (observed with 1.18.33).
 *
 * Main-loop turns (requests that offer tools) are decided by a script; other requests (no tools,
 * e.g. OpenCode's title generation) get a canned short answer and never consume the script. Any
 * other path is answered at once (GET → an empty list, anything else → 404).
 *
 * TODO(issue 16): written on helper/opencode while helper/qwen writes its own Chat Completions
 * fake under the same name; the two must be unified.
 */

export interface FakeChatRequest {
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  messages: Record<string, unknown>[];
  toolNames: string[];
  toolsOffered: boolean;
  /** True when the last message is a `tool` result (decide per request, not per conversation). */
  hasToolOutput: boolean;
  toolOutputText: string;
  lastUserText: string;
}

export interface FakeChatTurn {
  text?: string;
  /** A function call, e.g. `{ name: 'bash', arguments: { command: 'ls', description: 'list' } }`. */
  toolCall?: { name: string; arguments: unknown };
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Wait this long between stream chunks. */
  chunkDelayMs?: number;
  /** Send the first chunk, then keep the connection open until the client goes away. */
  hang?: boolean;
  /** Answer with this HTTP error instead of a turn. */
  error?: { status: number; type: string; code?: string; message: string; headers?: Record<string, string> };
}

export type FakeChatScript = (req: FakeChatRequest) => FakeChatTurn | Promise<FakeChatTurn>;

export interface FakeChatLoggedRequest {
  method: string;
  path: string;
  kind: 'main' | 'side' | 'other';
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const SIDE_TEXT = 'ok';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as { text?: unknown }[])
    .filter((p) => typeof p.text === 'string')
    .map((p) => String(p.text))
    .join('\n');
}

export function parseChatRequest(body: Record<string, unknown>): FakeChatRequest {
  const messages = Array.isArray(body.messages) ? (body.messages as Record<string, unknown>[]) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as { function?: { name?: unknown } }[]) : [];
  const last = messages[messages.length - 1];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const hasToolOutput = last?.role === 'tool';
  return {
    body,
    model: typeof body.model === 'string' ? body.model : 'fake-model',
    stream: body.stream === true,
    messages,
    toolNames: tools.map((t) => String(t.function?.name ?? '')),
    toolsOffered: tools.length > 0,
    hasToolOutput,
    toolOutputText: hasToolOutput ? textOf(last.content) : '',
    lastUserText: textOf(lastUser?.content),
  };
}

/** `url` is the base URL including `/v1`, for a provider's `baseURL`. */
export class FakeOpenAIChat extends FakeScriptedApi<FakeChatLoggedRequest> {
  static start(script: FakeChatScript): Promise<FakeOpenAIChat> {
    return FakeScriptedApi.serve(
      (http) => new FakeOpenAIChat(http, `${http.origin}/v1`),
      (api, req, res) => api.handle(req, res, script),
    );
  }

  private async handle(
    { method, path, headers, body }: ReadRequest,
    res: ServerResponse,
    script: FakeChatScript,
  ): Promise<void> {
    const json = (status: number, value: unknown, extra: Record<string, string> = {}): void =>
      this.http.json(res, status, value, extra);
    if (
      method !== 'POST' ||
      !path.endsWith('/chat/completions') ||
      typeof body !== 'object' ||
      body === null
    ) {
      this.requests.push({ method, path, kind: 'other', headers, body });
      this.answerOther(
        method,
        res,
        json,
        { object: 'list', data: [] },
        { error: { type: 'invalid_request_error', message: `no route ${path}` } },
      );
      return;
    }
    const req = parseChatRequest(body as Record<string, unknown>);
    const kind = req.toolsOffered ? 'main' : 'side';
    this.requests.push({ method, path, kind, headers, body });
    const turn: FakeChatTurn = kind === 'main' ? await script(req) : { text: SIDE_TEXT };
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
    const id = this.nextId('chatcmpl');
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    const toolCall = turn.toolCall && {
      index: 0,
      id: this.nextId('call'),
      type: 'function',
      function: {
        name: turn.toolCall.name,
        arguments:
          typeof turn.toolCall.arguments === 'string'
            ? turn.toolCall.arguments
            : JSON.stringify(turn.toolCall.arguments ?? {}),
      },
    };
    const finish = toolCall ? 'tool_calls' : 'stop';
    if (!req.stream) {
      json(200, {
        id,
        object: 'chat.completion',
        created,
        model: req.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: turn.text ?? null,
              ...(toolCall && { tool_calls: [toolCall] }),
            },
            finish_reason: finish,
          },
        ],
        usage,
      });
      return;
    }
    const send = this.http.openStream(res, { gapMs: turn.chunkDelayMs ?? 0 });
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Promise<void> =>
      send('', {
        id,
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      });
    await chunk({ role: 'assistant', content: '' });
    if (turn.hang) {
      await this.http.untilClosed(res);
      return;
    }
    if (turn.text !== undefined) for (const d of splitText(turn.text)) await chunk({ content: d });
    if (toolCall) await chunk({ tool_calls: [toolCall] });
    await chunk({}, finish);
    await send('', { id, object: 'chat.completion.chunk', created, model: req.model, choices: [], usage });
    await send('', '[DONE]');
    res.end();
  }
}
