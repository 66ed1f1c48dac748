import type { ServerResponse } from 'node:http';
import { FakeScriptedApi, type ReadRequest, sleep, splitText } from './fake-sse-server.js';

/**
 * A local stand-in for the Anthropic Messages API, good enough for the real Claude Code CLI
 * (observed with 2.1.330, see docs/research/claude-code-2.1.330.md).
 *
 * Main-loop turns (requests that offer tools) are decided by a script; side requests (quota
 * probe, title/topic generation, summaries: no tools offered) get a canned short answer and
 * never consume the script. Everything else (count_tokens, probes, unknown paths) is answered
 * at once so the CLI never stalls.
 */

export interface FakeRequest {
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  messages: { role: string; content: unknown }[];
  /** Names of the tools offered (empty for side requests). */
  toolNames: string[];
  /** True when tools were offered: a main-loop turn. */
  toolsOffered: boolean;
  /** True when the last user message carries a tool_result block. */
  hasToolResult: boolean;
  /** The tool_result content of the last user message, as text (empty when none). */
  toolResultText: string;
  /** The text of the last user message (text blocks joined, system reminders included). */
  lastUserText: string;
}

export interface FakeTurn {
  text?: string;
  toolUse?: { name: string; input: unknown };
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Wait this long between stream chunks. */
  chunkDelayMs?: number;
  /** Stream message_start, then keep the connection open until the client goes away. */
  hang?: boolean;
  /** Answer with this HTTP error instead of a turn. */
  error?: { status: number; type: string; message: string; headers?: Record<string, string> };
  /**
   * The turn's usage (the Messages API's field names): `message_start` carries the input and cache
   * counts with `output_tokens: 1`, `message_delta` the final `output_tokens`, as the API streams it.
   * Default: 10 in, 5 out, no cache.
   */
  usage?: AnthropicUsage;
}

/** A Messages API usage block. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

const DEFAULT_USAGE: AnthropicUsage = {
  input_tokens: 10,
  output_tokens: 5,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
};

export type FakeScript = (req: FakeRequest) => FakeTurn | Promise<FakeTurn>;

/** A turn answered the way the API refuses one over the rate limit (HTTP 429, retry in an hour). */
export const RATE_LIMITED: FakeTurn = {
  error: {
    status: 429,
    type: 'rate_limit_error',
    message: "This request would exceed your account's rate limit. Please try again later.",
    headers: { 'retry-after': '3600' },
  },
};

export interface LoggedRequest {
  method: string;
  path: string;
  /** main = scripted turn, side = canned answer, other = anything else. */
  kind: 'main' | 'side' | 'other';
  body: unknown;
}

const SIDE_TEXT = 'ok';

function parseRequest(body: Record<string, unknown>): FakeRequest {
  const messages = Array.isArray(body.messages) ? (body.messages as FakeRequest['messages']) : [];
  const tools = Array.isArray(body.tools) ? (body.tools as { name?: unknown }[]) : [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const blocks: { type?: string; text?: string; content?: unknown }[] =
    typeof lastUser?.content === 'string'
      ? [{ type: 'text', text: lastUser.content }]
      : Array.isArray(lastUser?.content)
        ? (lastUser.content as { type?: string }[])
        : [];
  const results = blocks.filter((b) => b.type === 'tool_result');
  const contentText = (c: unknown): string =>
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c.map((x: { text?: unknown }) => (typeof x.text === 'string' ? x.text : '')).join('\n')
        : '';
  return {
    body,
    model: typeof body.model === 'string' ? body.model : 'claude-sonnet-4-5',
    stream: body.stream === true,
    messages,
    toolNames: tools.map((t) => String(t.name ?? '')),
    toolsOffered: tools.length > 0,
    hasToolResult: results.length > 0,
    toolResultText: results.map((r) => contentText(r.content)).join('\n'),
    lastUserText: blocks
      .filter((b) => b.type === 'text')
      .map((b) => b.text ?? '')
      .join('\n'),
  };
}

export class FakeAnthropic extends FakeScriptedApi<LoggedRequest> {
  static start(script: FakeScript): Promise<FakeAnthropic> {
    return FakeScriptedApi.serve(
      (http) => new FakeAnthropic(http, http.origin),
      (api, req, res) => api.handle(req, res, script),
    );
  }

  private async handle(
    { method, path, raw, body }: ReadRequest,
    res: ServerResponse,
    script: FakeScript,
  ): Promise<void> {
    const json = (status: number, value: unknown): void =>
      this.http.json(res, status, value, { 'request-id': this.nextId('req') });

    if (method === 'POST' && path === '/v1/messages/count_tokens') {
      this.requests.push({ method, path, kind: 'other', body });
      json(200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
      return;
    }
    if (method !== 'POST' || path !== '/v1/messages' || typeof body !== 'object' || body === null) {
      this.requests.push({ method, path, kind: 'other', body });
      this.answerOther(
        method,
        res,
        json,
        { data: [], has_more: false },
        { type: 'error', error: { type: 'not_found_error', message: `no route ${path}` } },
      );
      return;
    }

    const parsed = parseRequest(body as Record<string, unknown>);
    const kind = parsed.toolsOffered ? 'main' : 'side';
    this.requests.push({ method, path, kind, body });
    const turn: FakeTurn = kind === 'main' ? await script(parsed) : { text: SIDE_TEXT };
    if (turn.delayMs) await sleep(turn.delayMs);
    if (turn.error) {
      const e = turn.error;
      this.http.json(
        res,
        e.status,
        { type: 'error', error: { type: e.type, message: e.message } },
        { 'request-id': this.nextId('req'), ...e.headers },
      );
      return;
    }
    if (parsed.stream) await this.stream(res, parsed, turn);
    else json(200, this.message(parsed, turn));
  }

  private content(turn: FakeTurn): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    if (turn.text !== undefined) out.push({ type: 'text', text: turn.text });
    if (turn.toolUse) {
      out.push({
        type: 'tool_use',
        id: this.nextId('toolu'),
        name: turn.toolUse.name,
        input: turn.toolUse.input,
      });
    }
    if (out.length === 0) out.push({ type: 'text', text: '' });
    return out;
  }

  private message(req: FakeRequest, turn: FakeTurn): Record<string, unknown> {
    return {
      id: this.nextId('msg'),
      type: 'message',
      role: 'assistant',
      model: req.model,
      content: this.content(turn),
      stop_reason: turn.toolUse ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { ...DEFAULT_USAGE, ...turn.usage },
    };
  }

  private async stream(res: ServerResponse, req: FakeRequest, turn: FakeTurn): Promise<void> {
    const send = this.http.openStream(res, {
      headers: { 'request-id': this.nextId('req') },
      gapMs: turn.chunkDelayMs ?? 0,
    });
    const msg = this.message(req, turn);
    const usage = msg.usage as AnthropicUsage;
    await send('message_start', {
      message: { ...msg, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
    });
    if (turn.hang) {
      await this.http.untilClosed(res);
      return;
    }
    const blocks = msg.content as Record<string, unknown>[];
    for (const [index, block] of blocks.entries()) {
      if (block.type === 'text') {
        await send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const piece of splitText(String(block.text))) {
          await send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
        }
      } else {
        await send('content_block_start', { index, content_block: { ...block, input: {} } });
        const input = JSON.stringify(block.input ?? {});
        for (let i = 0; i < input.length; i += 40) {
          await send('content_block_delta', {
            index,
            delta: { type: 'input_json_delta', partial_json: input.slice(i, i + 40) },
          });
        }
      }
      await send('content_block_stop', { index });
    }
    await send('message_delta', {
      delta: { stop_reason: msg.stop_reason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    await send('message_stop', {});
    res.end();
  }
}
