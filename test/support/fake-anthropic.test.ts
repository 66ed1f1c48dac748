import { afterEach, describe, expect, it } from 'vitest';
import { FakeAnthropic, type FakeRequest } from './fake-anthropic.js';
import { parseSse, postJson } from './fake-sse-server.js';

const TOOLS = [{ name: 'Bash', description: 'run a command', input_schema: { type: 'object' } }];

describe('FakeAnthropic', () => {
  let server: FakeAnthropic | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (body: Record<string, unknown>, path = '/v1/messages'): Promise<Response> =>
    postJson(`${server!.url}${path}`, body, { 'x-api-key': 'test' });

  it('streams a text turn as valid server-sent events', async () => {
    const seen: FakeRequest[] = [];
    server = await FakeAnthropic.start((req) => {
      seen.push(req);
      return { text: 'Hi there, friend' };
    });
    const res = await post({
      model: 'm',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'say hi' }] }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const e of events) expect(e.data.type).toBe(e.event);
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { type: string; text: string }).text)
      .join('');
    expect(text).toBe('Hi there, friend');
    expect((events[6]!.data.delta as { stop_reason: string }).stop_reason).toBe('end_turn');
    expect(events[6]!.data.usage).toMatchObject({ output_tokens: expect.any(Number) });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ lastUserText: 'say hi', hasToolResult: false, toolsOffered: true });
  });

  it('streams a tool_use turn whose input_json_delta pieces rebuild the input', async () => {
    const input = {
      command: 'echo hi > out.txt',
      description: 'write a file with a rather long description',
    };
    server = await FakeAnthropic.start((req) =>
      req.hasToolResult ? { text: 'done' } : { text: 'Running it.', toolUse: { name: 'Bash', input } },
    );
    const res = await post({
      model: 'm',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'write a file' }],
    });
    const events = parseSse(await res.text());
    const starts = events.filter((e) => e.event === 'content_block_start');
    expect(starts.map((e) => (e.data.content_block as { type: string }).type)).toEqual(['text', 'tool_use']);
    const toolBlock = starts[1]!.data.content_block as { name: string; id: string };
    expect(toolBlock.name).toBe('Bash');
    const json = events
      .filter((e) => e.event === 'content_block_delta' && e.data.index === 1)
      .map((e) => (e.data.delta as { type: string; partial_json: string }).partial_json)
      .join('');
    expect(JSON.parse(json)).toEqual(input);
    const delta = events.find((e) => e.event === 'message_delta')!;
    expect((delta.data.delta as { stop_reason: string }).stop_reason).toBe('tool_use');

    // The follow-up carrying the tool_result gets the scripted text turn, as plain JSON when not streamed.
    const follow = await post({
      model: 'm',
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'write a file' },
        { role: 'assistant', content: [{ type: 'tool_use', id: toolBlock.id, name: 'Bash', input }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolBlock.id, content: 'ok' }] },
      ],
    });
    const message = (await follow.json()) as {
      content: { type: string; text: string }[];
      stop_reason: string;
    };
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content).toEqual([{ type: 'text', text: 'done' }]);
  });

  it('answers side requests and other endpoints without consuming the script', async () => {
    let calls = 0;
    server = await FakeAnthropic.start(() => {
      calls += 1;
      return { text: 'main' };
    });
    const side = await post({
      model: 'haiku',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'quota' }],
    });
    expect(((await side.json()) as { content: unknown[] }).content).toHaveLength(1);
    const count = await post({ model: 'm', messages: [] }, '/v1/messages/count_tokens');
    expect(await count.json()).toMatchObject({ input_tokens: expect.any(Number) });
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
    expect(calls).toBe(0);
    expect(server.requests.map((r) => r.kind)).toEqual(['side', 'other', 'other']);
  });

  it('answers a scripted error with the Anthropic error body and headers', async () => {
    server = await FakeAnthropic.start(() => ({
      error: {
        status: 429,
        type: 'rate_limit_error',
        message: 'slow down',
        headers: { 'anthropic-ratelimit-unified-status': 'rejected' },
      },
    }));
    const res = await post({
      model: 'm',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('anthropic-ratelimit-unified-status')).toBe('rejected');
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'slow down' },
    });
  });

  it('holds a hanging turn open after message_start until the client aborts', async () => {
    server = await FakeAnthropic.start(() => ({ hang: true }));
    const res = await post({
      model: 'm',
      stream: true,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'x' }],
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('event: message_start');
    await reader.cancel();
    expect(server.mainRequests).toHaveLength(1);
  });
});
