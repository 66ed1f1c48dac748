import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP scaffolding shared by the scripted API stand-ins (fake-anthropic.ts, fake-openai.ts):
 * a server on 127.0.0.1 with a free port, request bodies read and parsed, ids, server-sent-event
 * streams that are tracked so `close()` can cut the ones still open (a hanging turn), the base
 * class of the stand-ins, and the client side their tests read streams with.
 */

/** A request read in full: `body` is the parsed JSON, or the raw text when it is not JSON. */
export interface ReadRequest {
  method: string;
  /** The path without its query string. */
  path: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
}

export type SseHandler = (req: ReadRequest, res: ServerResponse) => Promise<void>;

/** Writes one event of an open stream (`event: <name>` / `data: <json>`). */
export type SseSend = (event: string, data: Record<string, unknown>) => Promise<void>;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Split text into word-sized deltas (at least one, possibly empty). */
export function splitText(text: string): string[] {
  const parts = text.match(/\S+\s*|\s+/g);
  return parts && parts.length > 0 ? parts : [text];
}

async function readRequest(req: IncomingMessage): Promise<ReadRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  let body: unknown = raw;
  try {
    body = raw ? JSON.parse(raw) : {};
  } catch {
    // keep raw text
  }
  return {
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] ?? '/',
    headers: req.headers,
    raw,
    body,
  };
}

export class FakeSseServer {
  private readonly open = new Set<ServerResponse>();
  private ids = 0;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>` (no trailing slash). */
    readonly origin: string,
  ) {}

  /** Listens on 127.0.0.1:0; a handler that throws answers 500. */
  static async start(handler: SseHandler): Promise<FakeSseServer> {
    const server = createServer((req, res) => {
      void readRequest(req)
        .then((r) => handler(r, res))
        .catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    return new FakeSseServer(server, `http://127.0.0.1:${port}`);
  }

  /** `<prefix>_fake000001`, `<prefix>_fake000002`, … (one counter for all prefixes). */
  nextId(prefix: string): string {
    this.ids += 1;
    return `${prefix}_fake${String(this.ids).padStart(6, '0')}`;
  }

  /** Answers with a JSON body. */
  json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  }

  /**
   * Starts a 200 event stream (tracked until it closes) and returns its writer. `decorate` adds
   * fields to every data object (e.g. a sequence number); the writer waits `gapMs` after each
   * event and writes nothing once the client has gone.
   */
  openStream(
    res: ServerResponse,
    opts: {
      headers?: Record<string, string>;
      gapMs?: number;
      decorate?: () => Record<string, unknown>;
      /** Write only `data: <json>` lines, without an `event:` line or a `type` field (Chat Completions, Gemini). */
      dataOnly?: boolean;
    } = {},
  ): SseSend {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...opts.headers,
    });
    const gap = opts.gapMs ?? 0;
    return async (event, data) => {
      if (res.destroyed) return;
      if (opts.dataOnly) res.write(`data: ${JSON.stringify({ ...opts.decorate?.(), ...data })}\n\n`);
      else {
        res.write(
          `event: ${event}\ndata: ${JSON.stringify({ type: event, ...opts.decorate?.(), ...data })}\n\n`,
        );
      }
      if (gap > 0) await sleep(gap);
    };
  }

  /** Resolves when the client goes away (a hanging stream). */
  untilClosed(res: ServerResponse): Promise<void> {
    return new Promise<void>((resolve) => {
      if (res.destroyed) resolve();
      else res.on('close', () => resolve());
    });
  }

  /** Cuts every open stream and connection, then stops listening. */
  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.open.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What a scripted API logs of each request it answered. */
export interface LoggedKind {
  /** main = scripted turn, side = canned answer, other = anything else. */
  kind: 'main' | 'side' | 'other';
  /**
   * When the answer's last byte was handed to the socket (the response's `finish`: the end of a
   * stream), in epoch ms on the clock the benchmark uses (`performance.timeOrigin + now()`);
   * unset while the answer is open (a hanging turn never gets one).
   */
  answeredAt?: number;
}

/** Epoch milliseconds with sub-millisecond resolution (bench/proc.ts `nowMs`: one clock for both). */
const answerClock = (): number => performance.timeOrigin + performance.now();

/**
 * The base of a scripted API stand-in (FakeAnthropic, FakeOpenAI): its server, the requests it
 * logged, and `close()`. A subclass starts with `FakeScriptedApi.serve` and answers in `handle`.
 */
export abstract class FakeScriptedApi<Logged extends LoggedKind> {
  readonly requests: Logged[] = [];
  private readonly answerListeners: ((logged: Logged) => void)[] = [];

  protected constructor(
    protected readonly http: FakeSseServer,
    /** The base URL the CLI is pointed at. */
    readonly url: string,
  ) {}

  /** Starts a server whose requests go to `handle` of the API `make` builds around it. */
  protected static async serve<Api>(
    make: (http: FakeSseServer) => Api,
    handle: (api: Api, req: ReadRequest, res: ServerResponse) => Promise<void>,
  ): Promise<Api> {
    const ref: { api?: Api } = {};
    const http = await FakeSseServer.start((req, res) => {
      const api = ref.api!;
      const base = api as unknown as FakeScriptedApi<LoggedKind>;
      // Every stand-in logs the request before its first await: the entry at this index is this request's.
      const index = base.requests.length;
      const done = handle(api, req, res);
      res.once('finish', () => base.answered(index));
      return done;
    });
    ref.api = make(http);
    return ref.api;
  }

  /** Calls `listener` (synchronously, once `answeredAt` is set) for every request answered from now on. */
  onAnswered(listener: (logged: Logged) => void): void {
    this.answerListeners.push(listener);
  }

  private answered(index: number): void {
    const logged = this.requests[index];
    if (logged === undefined) return;
    logged.answeredAt = answerClock();
    for (const l of this.answerListeners) l(logged);
  }

  /** Main-loop requests seen so far. */
  get mainRequests(): Logged[] {
    return this.requests.filter((r) => r.kind === 'main');
  }

  close(): Promise<void> {
    return this.http.close();
  }

  protected nextId(prefix: string): string {
    return this.http.nextId(prefix);
  }

  /**
   * Answers a request off the API's routes at once: HEAD → 200, GET → `list`, anything else → 404
   * with `notFound` (through `json`, which adds the API's headers).
   */
  protected answerOther(
    method: string,
    res: ServerResponse,
    json: (status: number, value: unknown) => void,
    list: unknown,
    notFound: unknown,
  ): void {
    if (method === 'HEAD') {
      res.writeHead(200);
      res.end();
    } else if (method === 'GET') json(200, list);
    else json(404, notFound);
  }
}

/** One event of a server-sent-event stream as a client reads it. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Parses a whole event stream (what `openStream` writes) into its events. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** POSTs `body` as JSON to `url` with `headers` added. */
export function postJson(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
