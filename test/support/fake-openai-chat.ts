import type { ServerResponse } from 'node:http';
import { FakeScriptedApi, type ReadRequest, sleep, splitText } from './fake-sse-server.js';
import type { FakeOpenAILoggedRequest, FakeOpenAITurn } from './fake-openai.js';

/**
 * A local stand-in for the OpenAI Chat Completions API (`POST <base>/chat/completions`, streamed as
 * `data:` lines ending in `data: [DONE]`), for the CLIs that speak it (Qwen Code with
 * `OPENAI_BASE_URL`, OpenCode's openai-compatible provider, Copilot's bring-your-own provider).
 * Shapes as docs/research (vendor-clis.md §2): `chat.completion.chunk` frames, a chunk with
 * `finish_reason`, a usage chunk, then `[DONE]`; tool calls as `delta.tool_calls` with
 * `finish_reason: "tool_calls"`, a fresh call id per request (Qwen Code renames a reused id).
 *
 * Main-loop turns (requests that offer tools) are decided by a script; other requests (no tools:
 * titles, summaries, side queries) get a canned short answer and never consume the script. Any
 * other path is answered at once (GET → an empty model list, anything else → 404).
 */

export interface FakeChatRequest {
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  messages: Record<string, unknown>[];
  /** Names of the function tools offered. */
  toolNames: string[];
  toolsOffered: boolean;
  /** True when the last message is a `tool` result: decide per request, not per conversation. */
  hasToolOutput: boolean;
  /** That result as text (empty when none). */
  toolOutputText: string;
  /** Text of the last `user` message. */
  lastUserText: string;
}

/**
 * A scripted turn: the same shape as the Responses fake's, and `moreCalls`: more function calls in
 * the same response after `toolCall` (parallel tool calls; OpenCode's repeated-call check).
 */
export type FakeChatTurn = FakeOpenAITurn & { moreCalls?: NonNullable<FakeOpenAITurn['toolCall']>[] };

export type FakeChatScript = (req: FakeChatRequest) => FakeChatTurn | Promise<FakeChatTurn>;

export type FakeChatLoggedRequest = FakeOpenAILoggedRequest;

const SIDE_TEXT = 'ok';
const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

/** A Chat Completions usage block: the turn's (`usage`), else 10 prompt and 5 completion tokens. */
function chatUsage(turn: FakeChatTurn): Record<string, unknown> {
  const u = turn.usage;
  if (!u) return USAGE;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  };
}

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

/** `url` is the base URL including `/v1` (e.g. for `OPENAI_BASE_URL`). */
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

    const parsed = parseChatRequest(body as Record<string, unknown>);
    const kind = parsed.toolsOffered ? 'main' : 'side';
    this.requests.push({ method, path, kind, headers, body });
    const turn: FakeChatTurn = kind === 'main' ? await script(parsed) : { text: SIDE_TEXT };
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
    const calls = (turn.toolCall ? [turn.toolCall, ...(turn.moreCalls ?? [])] : []).map((c) => ({
      id: this.nextId('call'),
      type: 'function',
      function: {
        name: c.name,
        arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
      },
    }));
    const call = calls[0];
    const finish = call ? 'tool_calls' : 'stop';
    const base = { id: this.nextId('chatcmpl'), created: Math.floor(Date.now() / 1000), model: parsed.model };
    if (!parsed.stream) {
      json(200, {
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: turn.text ?? null,
              ...(call ? { tool_calls: calls } : {}),
            },
            finish_reason: finish,
          },
        ],
        usage: chatUsage(turn),
      });
      return;
    }
    const send = this.http.openStream(res, { gapMs: turn.chunkDelayMs ?? 0, dataOnly: true });
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null): Promise<void> =>
      send('', {
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, finish_reason: finishReason }],
      });
    await chunk({ role: 'assistant', content: '' });
    if (turn.hang) {
      await this.http.untilClosed(res);
      return;
    }
    if (turn.text !== undefined) for (const d of splitText(turn.text)) await chunk({ content: d });
    for (const [index, c] of calls.entries()) await chunk({ tool_calls: [{ index, ...c }] });
    await chunk({}, finish);
    await send('', { ...base, object: 'chat.completion.chunk', choices: [], usage: chatUsage(turn) });
    if (!res.destroyed) res.end('data: [DONE]\n\n');
  }
}
