import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { MemoryLogger } from '../../../test/support/fake-ports.js';
import { type AgentNotification, Notifier } from '../../core/reports/notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base: string;
let received: Received[];
/** What the server answers: a status, or 'hang' (never answers). */
let answer: number | 'hang';

beforeEach(async () => {
  received = [];
  answer = 200;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (answer === 'hang') return;
      res.writeHead(answer, { 'Content-Type': 'application/json' }).end('{"id":"x"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const n: AgentNotification = {
  agentId: 'ag-1',
  agent: 'api',
  workspace: 'app',
  from: 'working',
  state: 'needs_permission',
  reason: 'permission',
  title: 'api needs your permission',
  message: 'wants to use Bash (workspace app)',
  urgency: 'critical',
  at: 0,
};

describe('WebhookNotifier', () => {
  it('POSTs the message as text with ntfy Title, Priority, Tags, Authorization and Click', async () => {
    const w = new WebhookNotifier({ url: `${base}/wtp-topic`, token: 'tk_secret', click: 'http://x/dash' });
    expect(w.name).toBe('webhook');
    await w.send(n);
    expect(received).toHaveLength(1);
    const r = received[0] as Received;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/wtp-topic');
    expect(r.body).toBe('wants to use Bash (workspace app)');
    expect(r.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      title: 'api needs your permission',
      priority: '5',
      tags: 'warning',
      authorization: 'Bearer tk_secret',
      click: 'http://x/dash',
    });
  });

  it('maps urgency to priority and state to tags; no Authorization or Click unless configured', async () => {
    const w = new WebhookNotifier({ url: base });
    await w.send({ ...n, state: 'idle', urgency: 'low' });
    await w.send({ ...n, state: 'needs_input', urgency: 'normal' });
    await w.send({ ...n, state: 'crashed', urgency: 'critical' });
    expect(received.map((r) => [r.headers.priority, r.headers.tags])).toEqual([
      ['2', 'white_check_mark'],
      ['3', 'question'],
      ['5', 'rotating_light'],
    ]);
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.headers.click).toBeUndefined();
  });

  it('sends a title that is not plain ASCII as RFC 2047 UTF-8, and the body as UTF-8', async () => {
    await new WebhookNotifier({ url: base }).send({
      ...n,
      title: 'エージェント needs you…',
      message: 'über',
    });
    const r = received[0] as Received;
    const m = /^=\?UTF-8\?B\?(.*)\?=$/.exec(String(r.headers.title));
    expect(Buffer.from(m?.[1] ?? '', 'base64').toString('utf8')).toBe('エージェント needs you…');
    expect(r.body).toBe('über');
  });

  it('rejects on a non-2xx answer, naming the host but not the path, query or token', async () => {
    answer = 403;
    const w = new WebhookNotifier({ url: `${base}/topic?auth=qsecret`, token: 'tk_secret' });
    const err = (await w.send(n).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`webhook ${new URL(base).host} answered HTTP 403`);
    expect(err.message).not.toMatch(/secret|topic/);
  });

  it('does not follow a redirect', async () => {
    answer = 301;
    await expect(new WebhookNotifier({ url: base }).send(n)).rejects.toThrow('answered HTTP 301');
  });

  it('gives up after its timeout', async () => {
    answer = 'hang';
    await expect(new WebhookNotifier({ url: base, timeoutMs: 200 }).send(n)).rejects.toThrow(
      'timed out after 200 ms',
    );
  });

  it('rejects when nothing listens', async () => {
    const url = base;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer();
    await expect(new WebhookNotifier({ url }).send(n)).rejects.toThrow(/failed: .*ECONNREFUSED/);
  });

  it('through the Notifier: a failure is logged with the channel name and never the token', async () => {
    answer = 500;
    const log = new MemoryLogger();
    const notifier = new Notifier({
      clock: new FakeClock(),
      log,
      channels: [new WebhookNotifier({ url: `${base}/t`, token: 'tk_secret' })],
      settings: {
        enabled: true,
        channels: { desktop: true, toast: true, bell: true, webhook: true, command: true, push: true },
        dedupeMs: 30_000,
        maxPerMinute: 12,
      },
    });
    expect(await notifier.notify(n)).toEqual({ sent: [], failed: ['webhook'], skipped: null });
    expect(log.entries.map((e) => e.obj.channel)).toEqual(['webhook']);
    expect(JSON.stringify(log.entries)).not.toContain('tk_secret');
  });
});
