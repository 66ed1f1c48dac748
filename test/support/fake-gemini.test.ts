import { afterEach, describe, expect, it } from 'vitest';
import { FakeGemini, type FakeGeminiRequest } from './fake-gemini.js';
import { parseSse, postJson } from './fake-sse-server.js';

const TOOLS = [{ functionDeclarations: [{ name: 'run_shell_command', parameters: { type: 'object' } }] }];
const user = (text: string): Record<string, unknown> => ({ role: 'user', parts: [{ text }] });
const STREAM = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';

interface Frame {
  candidates: { content: { parts: Record<string, unknown>[] }; finishReason?: string }[];
  usageMetadata?: unknown;
}

describe('FakeGemini', () => {
  let server: FakeGemini | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (path: string, body: Record<string, unknown>): Promise<Response> =>
    postJson(`${server!.url}${path}`, body, { 'x-goog-api-key': 'fake' });
  const frames = async (res: Response): Promise<Frame[]> => {
    const text = await res.text();
    // Only `data:` lines, as the Gemini SDK reads them.
    expect(text).not.toMatch(/^event:/m);
    return parseSse(text).map((e) => e.data as unknown as Frame);
  };

  it('streams a text turn as data-only frames, the last one finished', async () => {
    const seen: FakeGeminiRequest[] = [];
    server = await FakeGemini.start((req) => {
      seen.push(req);
      return { text: 'Hi there' };
    });
    const res = await post(STREAM, { contents: [user('say hi')], tools: TOOLS });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const got = await frames(res);
    expect(got.map((f) => f.candidates[0]!.content.parts[0]!.text).join('')).toBe('Hi there');
    expect(got.map((f) => f.candidates[0]!.finishReason)).toEqual([undefined, 'STOP']);
    expect(got.at(-1)!.usageMetadata).toBeDefined();
    expect(seen[0]).toMatchObject({
      model: 'gemini-2.5-flash',
      lastUserText: 'say hi',
      hasToolOutput: false,
    });
    expect(server.mainRequests.map((r) => r.path)).toEqual([STREAM.split('?')[0]]);
  });

  it('streams a function call and sees its response in the next request', async () => {
    server = await FakeGemini.start((req) =>
      req.hasToolOutput
        ? { text: `got ${req.toolOutputText}` }
        : { toolCall: { name: 'run_shell_command', args: { command: 'touch x' } } },
    );
    const first = await frames(await post(STREAM, { contents: [user('touch')], tools: TOOLS }));
    const call = first.at(-1)!.candidates[0]!.content.parts[0]!.functionCall;
    expect(call).toEqual({ name: 'run_shell_command', args: { command: 'touch x' } });
    const output = { functionResponse: { name: 'run_shell_command', response: { output: 'done' } } };
    const contents = [
      user('touch'),
      { role: 'model', parts: [{ functionCall: call }] },
      { role: 'user', parts: [output] },
    ];
    const second = await frames(await post(STREAM, { contents, tools: TOOLS }));
    expect(second.map((f) => f.candidates[0]!.content.parts[0]!.text).join('')).toBe(
      `got ${JSON.stringify(output.functionResponse)}`,
    );
  });

  it('answers generateContent side calls without consuming the script', async () => {
    let calls = 0;
    server = await FakeGemini.start(() => {
      calls += 1;
      return { text: 'scripted' };
    });
    const res = await post('/v1beta/models/gemini-3.5-flash-lite:generateContent', {
      contents: [user('sum')],
    });
    const body = (await res.json()) as Frame;
    expect(body.candidates[0]!.content.parts).toEqual([{ text: 'ok' }]);
    expect(calls).toBe(0);
    expect(server.requests.map((r) => r.kind)).toEqual(['side']);
  });

  it("answers a scripted error in Google's error shape, and 404 off its routes", async () => {
    server = await FakeGemini.start(() => ({
      error: { status: 429, code: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' },
    }));
    const res = await post(STREAM, { contents: [user('hi')], tools: TOOLS });
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded' },
    });
    expect((await post('/v1beta/files', {})).status).toBe(404);
    expect(server.requests.map((r) => r.kind)).toEqual(['main', 'other']);
  });

  it('keeps a hanging turn open until the server closes', async () => {
    server = await FakeGemini.start(() => ({ hang: true }));
    const res = await post(STREAM, { contents: [user('hang')], tools: TOOLS });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: /);
    const rest = reader.read().catch(() => ({ done: true }));
    await server.close();
    server = undefined;
    expect((await rest).done).toBe(true);
  });
});
