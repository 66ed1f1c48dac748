import type { ServerResponse } from 'node:http';
import { FakeScriptedApi, type ReadRequest, sleep, splitText } from './fake-sse-server.js';

/**
 * A local stand-in for the Gemini API (`POST <base>/v1beta/models/<model>:streamGenerateContent?alt=sse`
 * and `:generateContent`), good enough for the real Gemini CLI with `GOOGLE_GEMINI_BASE_URL` set
 * (observed with 0.61.0; see /work/shared/research/vendor-clis.md §3).
 *
 * Main-loop turns (streamed requests that offer tools) are decided by a script; other requests
 * (`generateContent` side calls: summaries, loop checks) get a canned short answer and never consume
 * the script. Any other path is answered at once (GET → an empty list, anything else → 404).
 */

export interface FakeGeminiRequest {
  body: Record<string, unknown>;
  /** The model named in the path. */
  model: string;
  stream: boolean;
  contents: GeminiContent[];
  /** Names of the function declarations offered. */
  toolNames: string[];
  toolsOffered: boolean;
  /** True when the last content holds a `functionResponse` part. */
  hasToolOutput: boolean;
  /** That response as JSON text (empty when none). */
  toolOutputText: string;
  /** Text of the last `user` content that is not a tool result. */
  lastUserText: string;
}

export interface FakeGeminiTurn {
  text?: string;
  /** A function call, e.g. `{ name: 'run_shell_command', args: { command: 'touch x' } }`. */
  toolCall?: { name: string; args: Record<string, unknown> };
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Wait this long between stream frames. */
  chunkDelayMs?: number;
  /** Send one empty text frame, then keep the connection open until the client goes away. */
  hang?: boolean;
  /** Answer with this HTTP error (Google's error shape) instead of a turn. */
  error?: {
    status: number;
    code: string;
    message: string;
    headers?: Record<string, string>;
    /** `error.details` (google.rpc types: QuotaFailure, RetryInfo, ErrorInfo). */
    details?: Record<string, unknown>[];
  };
  /** The last frame's `usageMetadata` counts; default 10 prompt, 5 candidates. */
  usage?: { prompt: number; candidates: number; cached?: number; thoughts?: number };
}

export type FakeGeminiScript = (req: FakeGeminiRequest) => FakeGeminiTurn | Promise<FakeGeminiTurn>;

export interface FakeGeminiLoggedRequest {
  method: string;
  /** The path without the query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent`. */
  path: string;
  kind: 'main' | 'side' | 'other';
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

interface GeminiPart {
  text?: string;
  functionCall?: unknown;
  functionResponse?: unknown;
}
interface GeminiContent {
  role?: string;
  parts?: GeminiPart[];
}

const SIDE_TEXT = 'ok';
const ROUTE = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

export function parseGeminiRequest(
  model: string,
  stream: boolean,
  body: Record<string, unknown>,
): FakeGeminiRequest {
  const contents = Array.isArray(body.contents) ? (body.contents as GeminiContent[]) : [];
  const tools = Array.isArray(body.tools)
    ? (body.tools as { functionDeclarations?: { name?: unknown }[] }[])
    : [];
  const toolNames = tools.flatMap((t) => (t.functionDeclarations ?? []).map((d) => String(d.name ?? '')));
  const partsOf = (c: GeminiContent | undefined): GeminiPart[] => (Array.isArray(c?.parts) ? c.parts : []);
  const last = contents[contents.length - 1];
  const toolOutput = partsOf(last).find((p) => p.functionResponse !== undefined);
  const lastUser = [...contents]
    .reverse()
    .find((c) => c.role === 'user' && partsOf(c).some((p) => typeof p.text === 'string'));
  return {
    body,
    model,
    stream,
    contents,
    toolNames,
    toolsOffered: toolNames.length > 0,
    hasToolOutput: toolOutput !== undefined,
    toolOutputText: toolOutput ? JSON.stringify(toolOutput.functionResponse) : '',
    lastUserText: partsOf(lastUser)
      .map((p) => p.text ?? '')
      .join('\n'),
  };
}

/** `url` is the origin, for `GOOGLE_GEMINI_BASE_URL` (the SDK adds `/v1beta`). */
export class FakeGemini extends FakeScriptedApi<FakeGeminiLoggedRequest> {
  static start(script: FakeGeminiScript): Promise<FakeGemini> {
    return FakeScriptedApi.serve(
      (http) => new FakeGemini(http, http.origin),
      (api, req, res) => api.handle(req, res, script),
    );
  }

  private async handle(
    { method, path, headers, body }: ReadRequest,
    res: ServerResponse,
    script: FakeGeminiScript,
  ): Promise<void> {
    const json = (status: number, value: unknown, extra: Record<string, string> = {}): void =>
      this.http.json(res, status, value, extra);
    const route = ROUTE.exec(path);
    if (method !== 'POST' || !route || typeof body !== 'object' || body === null) {
      this.requests.push({ method, path, kind: 'other', headers, body });
      this.answerOther(
        method,
        res,
        json,
        { models: [] },
        { error: { code: 404, status: 'NOT_FOUND', message: `no route ${path}` } },
      );
      return;
    }
    const stream = route[2] === 'streamGenerateContent';
    const parsed = parseGeminiRequest(route[1] ?? '', stream, body as Record<string, unknown>);
    const kind = stream && parsed.toolsOffered ? 'main' : 'side';
    this.requests.push({ method, path, kind, headers, body });
    const turn: FakeGeminiTurn = kind === 'main' ? await script(parsed) : { text: SIDE_TEXT };
    if (turn.delayMs) await sleep(turn.delayMs);
    if (turn.error) {
      const e = turn.error;
      const error = {
        code: e.status,
        status: e.code,
        message: e.message,
        ...(e.details ? { details: e.details } : {}),
      };
      json(e.status, { error }, e.headers);
      return;
    }
    if (stream) await this.stream(res, parsed, turn);
    else json(200, this.frame(parsed, this.parts(turn), true, turn.usage));
  }

  private parts(turn: FakeGeminiTurn): GeminiPart[] {
    const out: GeminiPart[] = [];
    if (turn.text !== undefined) out.push({ text: turn.text });
    if (turn.toolCall) out.push({ functionCall: { name: turn.toolCall.name, args: turn.toolCall.args } });
    return out;
  }

  /** One `GenerateContentResponse`; the last frame carries `finishReason` and usage. */
  private frame(
    req: FakeGeminiRequest,
    parts: GeminiPart[],
    last: boolean,
    usage: FakeGeminiTurn['usage'] = { prompt: 10, candidates: 5 },
  ): Record<string, unknown> {
    const u = usage;
    return {
      candidates: [
        { content: { role: 'model', parts }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) },
      ],
      ...(last
        ? {
            usageMetadata: {
              promptTokenCount: u.prompt,
              candidatesTokenCount: u.candidates,
              totalTokenCount: u.prompt + u.candidates + (u.thoughts ?? 0),
              ...(u.cached ? { cachedContentTokenCount: u.cached } : {}),
              ...(u.thoughts ? { thoughtsTokenCount: u.thoughts } : {}),
            },
          }
        : {}),
      modelVersion: req.model,
      responseId: this.nextId('resp'),
    };
  }

  private async stream(res: ServerResponse, req: FakeGeminiRequest, turn: FakeGeminiTurn): Promise<void> {
    const send = this.http.openStream(res, { gapMs: turn.chunkDelayMs ?? 0, dataOnly: true });
    if (turn.hang) {
      await send('frame', this.frame(req, [{ text: '' }], false));
      await this.http.untilClosed(res);
      return;
    }
    const frames: GeminiPart[][] = splitText(turn.text ?? '')
      .filter((t) => t !== '')
      .map((t) => [{ text: t }]);
    if (turn.toolCall)
      frames.push([{ functionCall: { name: turn.toolCall.name, args: turn.toolCall.args } }]);
    if (frames.length === 0) frames.push([{ text: '' }]);
    for (const [i, parts] of frames.entries())
      await send('frame', this.frame(req, parts, i === frames.length - 1, turn.usage));
    res.end();
  }
}
