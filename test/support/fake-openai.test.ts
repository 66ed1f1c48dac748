import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAI, type FakeOpenAIRequest } from './fake-openai.js';
import { parseSse, postJson } from './fake-sse-server.js';

const TOOLS = [{ type: 'function', name: 'exec_command', parameters: { type: 'object' } }];
const userInput = (text: string): Record<string, unknown> => ({
  type: 'message',
  role: 'user',
  content: [{ type: 'input_text', text }],
});

describe('FakeOpenAI', () => {
  let server: FakeOpenAI | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (body: Record<string, unknown>, path = '/responses'): Promise<Response> =>
    postJson(`${server!.url}${path}`, body, { authorization: 'Bearer test' });

  it('streams a text turn as Responses API events', async () => {
    const seen: FakeOpenAIRequest[] = [];
    server = await FakeOpenAI.start((req) => {
      seen.push(req);
      return { text: 'Hi there' };
    });
    const res = await post({ model: 'm', stream: true, tools: TOOLS, input: [userInput('say hi')] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.every((e) => e.data.type === e.event)).toBe(true);
    const done = events[4]!.data.item as { content: { text: string }[] };
    expect(done.content[0]!.text).toBe('Hi there');
    expect(seen[0]!.lastUserText).toBe('say hi');
    expect(server.mainRequests).toHaveLength(1);
  });

  it('streams a function call and sees its output in the next request', async () => {
    server = await FakeOpenAI.start((req) =>
      req.hasToolOutput
        ? { text: `got ${req.toolOutputText}` }
        : { toolCall: { name: 'exec_command', arguments: { cmd: 'ls' } } },
    );
    const first = parseSse(
      await (await post({ stream: true, tools: TOOLS, input: [userInput('list')] })).text(),
    );
    const call = first.find((e) => e.event === 'response.output_item.done')!.data.item as Record<
      string,
      string
    >;
    expect(call.type).toBe('function_call');
    expect(call.name).toBe('exec_command');
    expect(JSON.parse(call.arguments!)).toEqual({ cmd: 'ls' });
    const args = first
      .filter((e) => e.event === 'response.function_call_arguments.delta')
      .map((e) => e.data.delta);
    expect(args.join('')).toBe(call.arguments);
    const second = parseSse(
      await (
        await post({
          stream: true,
          tools: TOOLS,
          input: [
            userInput('list'),
            call,
            { type: 'function_call_output', call_id: call.call_id, output: 'a.txt' },
          ],
        })
      ).text(),
    );
    const text = second.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta);
    expect(text.join('')).toBe('got a.txt');
  });

  it('answers side requests, errors and unknown paths without the script', async () => {
    server = await FakeOpenAI.start(() => ({
      error: { status: 429, type: 'usage_limit_reached', message: 'limit', headers: { 'retry-after': '5' } },
    }));
    const side = parseSse(await (await post({ stream: true, input: [userInput('title')] })).text());
    expect(side.at(-1)!.event).toBe('response.completed');
    const limited = await post({ stream: true, tools: TOOLS, input: [userInput('go')] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('usage_limit_reached');
    expect((await fetch(`${server.url}/models`)).status).toBe(200);
    expect((await post({}, '/nope')).status).toBe(404);
    expect(server.requests.map((r) => r.kind)).toEqual(['side', 'main', 'other', 'other']);
  });

  it('hangs after response.created until the client goes away, and close() ends it', async () => {
    server = await FakeOpenAI.start(() => ({ hang: true }));
    const res = await post({ stream: true, tools: TOOLS, input: [userInput('wait')] });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: response.created');
    await reader.cancel();
  });
});
