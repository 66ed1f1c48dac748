import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIChat, type FakeChatRequest } from './fake-openai-chat.js';
import { postJson } from './fake-sse-server.js';

const TOOLS = [{ type: 'function', function: { name: 'run_shell_command', parameters: { type: 'object' } } }];

/** The `data:` payloads of a Chat Completions stream, `[DONE]` kept as the string. */
async function dataLines(res: Response): Promise<unknown[]> {
  return (await res.text())
    .split('\n\n')
    .filter((c) => c.startsWith('data: '))
    .map((c) => c.slice('data: '.length))
    .map((d) => (d === '[DONE]' ? d : (JSON.parse(d) as unknown)));
}

type Chunk = { choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: unknown };

describe('FakeOpenAIChat', () => {
  let server: FakeOpenAIChat | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (body: Record<string, unknown>, path = '/chat/completions'): Promise<Response> =>
    postJson(`${server!.url}${path}`, body, { authorization: 'Bearer test' });

  it('streams a text turn as chat.completion.chunk data lines ending in [DONE]', async () => {
    const seen: FakeChatRequest[] = [];
    server = await FakeOpenAIChat.start((req) => {
      seen.push(req);
      return { text: 'Hi there' };
    });
    const res = await post({
      model: 'm',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'say hi' }],
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const data = await dataLines(res);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1) as Chunk[];
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hi there');
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)!.usage).toBeDefined();
    expect(seen[0]!.lastUserText).toBe('say hi');
  });

  it('streams a tool call with a fresh id per request, and sees the tool result next', async () => {
    server = await FakeOpenAIChat.start((req) =>
      req.hasToolOutput
        ? { text: `got ${req.toolOutputText}` }
        : { toolCall: { name: 'run_shell_command', arguments: { command: 'touch x' } } },
    );
    const ask = async (): Promise<{ id: string; function: { name: string; arguments: string } }> => {
      const chunks = (
        await dataLines(
          await post({ stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'go' }] }),
        )
      ).slice(0, -1) as Chunk[];
      expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
      const calls = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as never[] | undefined) ?? []);
      return calls[0]!;
    };
    const first = await ask();
    expect(first.function).toEqual({ name: 'run_shell_command', arguments: '{"command":"touch x"}' });
    expect((await ask()).id).not.toBe(first.id);
    const after = (
      await dataLines(
        await post({
          stream: true,
          tools: TOOLS,
          messages: [
            { role: 'user', content: 'go' },
            { role: 'assistant', tool_calls: [first] },
            { role: 'tool', tool_call_id: first.id, content: 'done' },
          ],
        }),
      )
    ).slice(0, -1) as Chunk[];
    expect(after.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('got done');
  });

  it('answers requests without tools (non-streaming side queries) with a canned reply', async () => {
    server = await FakeOpenAIChat.start(() => {
      throw new Error('side queries must not reach the script');
    });
    const res = await post({ model: 'm', messages: [{ role: 'user', content: 'title?' }] });
    const body = (await res.json()) as { object: string; choices: { message: { content: string } }[] };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]!.message.content).toBe('ok');
    expect(server.requests.map((r) => r.kind)).toEqual(['side']);
  });

  it('answers a scripted error, and other routes at once', async () => {
    server = await FakeOpenAIChat.start(() => ({
      error: { status: 429, type: 'rate_limit_exceeded', message: 'slow down' },
    }));
    const res = await post({ stream: true, tools: TOOLS, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(429);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('slow down');
    expect((await fetch(`${server.url}/models`)).status).toBe(200);
    expect((await post({}, '/embeddings')).status).toBe(404);
  });
});
