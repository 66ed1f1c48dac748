import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropic } from './fake-anthropic.js';
import { FakeGemini } from './fake-gemini.js';
import { FakeOpenAI } from './fake-openai.js';
import { FakeOpenAIChat } from './fake-openai-chat.js';
import { postJson, type LoggedKind } from './fake-sse-server.js';

/**
 * Every scripted API stamps `answeredAt` when an answer's last byte went out (what the vendors
 * benchmark measures from) and tells `onAnswered` listeners; a logged entry's `body` is the very
 * object the script saw as `req.body` (the benchmark pairs answers with turns through it).
 */

const clock = (): number => performance.timeOrigin + performance.now();

interface Subject {
  name: string;
  /** Starts the fake; `hang` makes the main turn hang; `seen` collects the bodies the script saw. */
  start(
    hang: boolean,
    seen: unknown[],
  ): Promise<{
    requests: (LoggedKind & { body: unknown })[];
    onAnswered(l: (x: LoggedKind & { body: unknown }) => void): void;
    close(): Promise<void>;
    url: string;
  }>;
  /** A streamed main-loop request: path (after `url`) and body. */
  main: [path: string, body: Record<string, unknown>];
}

const SUBJECTS: Subject[] = [
  {
    name: 'FakeAnthropic',
    start: (hang, seen) =>
      FakeAnthropic.start((req) => (seen.push(req.body), hang ? { hang } : { text: 'hi there' })),
    main: [
      '/v1/messages',
      { model: 'm', stream: true, tools: [{ name: 'Bash' }], messages: [{ role: 'user', content: 'x' }] },
    ],
  },
  {
    name: 'FakeOpenAI',
    start: (hang, seen) =>
      FakeOpenAI.start((req) => (seen.push(req.body), hang ? { hang } : { text: 'hi there' })),
    main: ['/responses', { model: 'm', stream: true, tools: [{ name: 'shell' }], input: [] }],
  },
  {
    name: 'FakeOpenAIChat',
    start: (hang, seen) =>
      FakeOpenAIChat.start((req) => (seen.push(req.body), hang ? { hang } : { text: 'hi there' })),
    main: [
      '/chat/completions',
      { model: 'm', stream: true, tools: [{ function: { name: 'x' } }], messages: [] },
    ],
  },
  {
    name: 'FakeGemini',
    start: (hang, seen) =>
      FakeGemini.start((req) => (seen.push(req.body), hang ? { hang } : { text: 'hi there' })),
    main: [
      '/v1beta/models/g:streamGenerateContent',
      { contents: [], tools: [{ functionDeclarations: [{ name: 'x' }] }] },
    ],
  },
];

describe.each(SUBJECTS)('$name answeredAt', (subject) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('is stamped once the whole stream went out, on the same clock, and reported to listeners', async () => {
    const seen: unknown[] = [];
    const api = await subject.start(false, seen);
    close = () => api.close();
    const heard: (LoggedKind & { body: unknown })[] = [];
    api.onAnswered((x) => heard.push({ ...x }));
    const before = clock();
    const res = await postJson(`${api.url}${subject.main[0]}`, subject.main[1], {});
    await res.text();
    const after = clock();
    expect(api.requests).toHaveLength(1);
    const logged = api.requests[0]!;
    expect(logged.kind).toBe('main');
    expect(logged.answeredAt).toBeGreaterThanOrEqual(before);
    expect(logged.answeredAt).toBeLessThanOrEqual(after);
    expect(heard).toEqual([logged]);
    expect(logged.body).toBe(seen[0]);
  });

  it('stays unset while a hanging turn is open', async () => {
    const api = await subject.start(true, []);
    close = () => api.close();
    const heard: unknown[] = [];
    api.onAnswered((x) => heard.push(x));
    const aborter = new AbortController();
    const res = await fetch(`${api.url}${subject.main[0]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(subject.main[1]),
      signal: aborter.signal,
    });
    // The first frame arrived: the turn is open.
    const reader = res.body!.getReader();
    await reader.read();
    expect(api.requests[0]?.answeredAt).toBeUndefined();
    aborter.abort();
    await reader.read().catch(() => undefined);
    expect(heard).toEqual([]);
  });
});
