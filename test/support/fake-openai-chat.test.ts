import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIChat } from './fake-openai-chat.js';
import { postJson } from './fake-sse-server.js';

const TOOLS = [{ type: 'function', function: { name: 'bash', parameters: { type: 'object' } } }];

/** The `data:` payloads of a Chat Completions stream, `[DONE]` as a string. */
function frames(text: string): (Record<string, unknown> | string)[] {
  return text
    .split('\n\n')
    .filter((c) => c.trim() !== '')
    .map((c) => {
      expect(c.startsWith('data: '), c).toBe(true);
      const data = c.slice('data: '.length);
      return data === '[DONE]' ? data : (JSON.parse(data) as Record<string, unknown>);
    });
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[] };

describe('FakeOpenAIChat', () => {
  let server: FakeOpenAIChat | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (body: Record<string, unknown>, path = '/chat/completions'): Promise<Response> =>
    postJson(`${server!.url}${path}`, body, { authorization: 'Bearer test' });

  it('streams a text turn as bare data chunks ending in [DONE]', async () => {
    server = await FakeOpenAIChat.start(() => ({ text: 'Hi there' }));
    const res = await post({ stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const out = frames(await res.text());
    expect(out.at(-1)).toBe('[DONE]');
    const chunks = out.slice(0, -1) as unknown as Chunk[];
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hi there');
    expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null).filter(Boolean)).toEqual(['stop']);
    expect(server.mainRequests).toHaveLength(1);
  });

  it('streams a tool call, then sees the tool result in the next request', async () => {
    server = await FakeOpenAIChat.start((req) =>
      req.hasToolOutput
        ? { text: `got ${req.toolOutputText}` }
        : { toolCall: { name: 'bash', arguments: { command: 'ls' } } },
    );
    const first = frames(
      await (
        await post({ stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'list' }] })
      ).text(),
    ).slice(0, -1) as unknown as Chunk[];
    const call = first.flatMap(
      (c) => (c.choices[0]?.delta.tool_calls as Record<string, unknown>[]) ?? [],
    )[0]!;
    expect(call.function).toEqual({ name: 'bash', arguments: '{"command":"ls"}' });
    expect(first.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
    const messages = [
      { role: 'user', content: 'list' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: 'a.txt' },
    ];
    const second = (await (await post({ stream: false, tools: TOOLS, messages })).json()) as {
      choices: { message: { content: string } }[];
    };
    expect(second.choices[0]!.message.content).toBe('got a.txt');
  });

  it('answers requests without tools (title generation) without consuming the script', async () => {
    let calls = 0;
    server = await FakeOpenAIChat.start(() => {
      calls += 1;
      return { text: 'main' };
    });
    const res = await post({ stream: true, messages: [{ role: 'user', content: 'title?' }] });
    expect(frames(await res.text()).at(-1)).toBe('[DONE]');
    expect(calls).toBe(0);
    expect(server.requests.map((r) => r.kind)).toEqual(['side']);
  });

  it('answers a scripted HTTP error and unknown routes at once', async () => {
    server = await FakeOpenAIChat.start(() => ({
      error: {
        status: 429,
        type: 'rate_limit_error',
        message: 'slow down',
        headers: { 'retry-after': '30' },
      },
    }));
    const res = await post({ stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('slow down');
    expect((await fetch(`${server.url}/models`)).status).toBe(200);
    expect((await post({}, '/embeddings')).status).toBe(404);
  });
});
