import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { PtyServerMessage } from '../../src/protocol/pty.js';
import { FLOW_HIGH_BYTES } from '../../src/interfaces/ws/output-pump.js';
import { eventually, sleep, TestHome } from '../support/harness.js';

/** One frame of the pty socket: terminal bytes, or a control message. */
type Frame = { bytes: Buffer } | { msg: PtyServerMessage };

/** The pty WebSocket over the daemon's unix socket, recording every frame. */
function open(home: TestHome, agent: string, query: Record<string, string>) {
  const qs = new URLSearchParams(query).toString();
  const ws = new WebSocket(`ws+unix://${home.path('run', 'api.sock')}:/api/v1/agents/${agent}/pty?${qs}`);
  const frames: Frame[] = [];
  ws.on('message', (d: Buffer, binary: boolean) =>
    frames.push(binary ? { bytes: d } : { msg: JSON.parse(d.toString('utf8')) as PtyServerMessage }),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const received = (): number => frames.reduce((n, f) => n + ('bytes' in f ? f.bytes.length : 0), 0);
  const output = (): string =>
    Buffer.concat(frames.flatMap((f) => ('bytes' in f ? [f.bytes] : []))).toString();
  const messages = (): PtyServerMessage[] => frames.flatMap((f) => ('msg' in f ? [f.msg] : []));
  return { ws, frames, opened, received, output, messages };
}

describe('the pty WebSocket: scrollback, flow control, sizes', () => {
  let home: TestHome;
  beforeAll(async () => {
    home = new TestHome({ SHELL: '/bin/sh' });
    await home.up();
  });
  afterAll(() => home.cleanup());

  const outputBytes = async (name: string): Promise<number> => (await home.agent(name)).outputBytes;

  it('sends the log before the screen as scrollback, then the screen, then live output', async () => {
    const cmd = ['new', 'cmd', '--name', 'lines', '--', 'sh', '-c', 'seq 1 5000; echo all-printed; exec cat'];
    expect((await home.run(cmd)).code).toBe(0);
    await eventually('the lines to be printed', async () =>
      (await home.run(['logs', 'lines', '--plain'])).stdout.includes('all-printed') ? true : undefined,
    );
    const c = open(home, 'lines', { snapshot: 'true', scrollback: '4096', input: 'true' });
    await c.opened;
    await eventually('the screen', () => c.messages().some((m) => m.type === 'ready'));
    const kinds: string[] = c.frames.map((f) => ('bytes' in f ? 'bytes' : f.msg.type));
    const at = (t: string) => kinds.indexOf(t);
    expect(at('scrollback')).toBe(0);
    expect(at('bytes')).toBeGreaterThan(at('scrollback'));
    expect(at('snapshot')).toBeGreaterThan(kinds.lastIndexOf('bytes'));
    expect(at('ready')).toBe(at('snapshot') + 1);
    expect(at('size')).toBeGreaterThan(at('ready'));
    const sb = c.messages().find((m) => m.type === 'scrollback');
    const ready = c.messages().find((m) => m.type === 'ready');
    if (sb?.type !== 'scrollback' || ready?.type !== 'ready') throw new Error('no scrollback or ready');
    // Exactly the log's bytes before the screen, ending where the live stream starts.
    expect(sb.from + sb.bytes).toBe(ready.seq);
    expect(c.received()).toBe(sb.bytes);
    expect(sb.bytes).toBe(4096);
    expect(c.output()).toContain('all-printed');
    // Live output follows the screen.
    c.ws.send(Buffer.from('live-line\r'), { binary: true });
    await eventually('the echo of live input', () => c.output().includes('live-line'));
    c.ws.close();
  });

  it('with flow control, stops at the high-water mark until the client acknowledges, and loses nothing', async () => {
    const cmd = [
      'new',
      'cmd',
      '--name',
      'flood',
      '--',
      'sh',
      '-c',
      'seq 1 400000; echo flood-end; exec sleep 600',
    ];
    expect((await home.run(cmd)).code).toBe(0);
    const c = open(home, 'flood', { snapshot: 'false', from: '0', input: 'false', flow: 'true' });
    await c.opened;
    await eventually('the flood to be printed', async () =>
      (await home.run(['logs', 'flood', '--tail', '100', '--plain'])).stdout.includes('flood-end')
        ? true
        : undefined,
    );
    const total = await outputBytes('flood');
    expect(total).toBeGreaterThan(4 * FLOW_HIGH_BYTES);
    // Nothing acknowledged: the stream stops between the high-water mark and one more frame.
    let last = -1;
    while (c.received() !== last) {
      last = c.received();
      await sleep(300);
    }
    expect(c.received()).toBeGreaterThan(FLOW_HIGH_BYTES / 2);
    expect(c.received()).toBeLessThanOrEqual(FLOW_HIGH_BYTES + 64 * 1024);
    // Acknowledging as the bytes come brings everything, in order, without a gap.
    let acked = 0;
    const ack = (): void => {
      const n = c.received() - acked;
      if (n > 0) c.ws.send(JSON.stringify({ type: 'ack', bytes: n }));
      acked += n;
    };
    c.ws.on('message', (_d, binary: boolean) => binary && ack());
    ack();
    await eventually('the whole flood', () => (c.received() >= total ? true : undefined), 60_000);
    expect(c.received()).toBe(total);
    const text = c.output();
    expect(text.startsWith('1\r\n2\r\n3\r\n')).toBe(true);
    expect(text).toContain('\r\n399999\r\n400000\r\nflood-end');
    c.ws.close();
  });

  it('tells the client when a headless agent is resized', async () => {
    expect((await home.run(['new', 'shell', '--name', 'sized'])).code).toBe(0);
    const watcher = open(home, 'sized', { snapshot: 'true', input: 'false' });
    const driver = open(home, 'sized', { snapshot: 'true', input: 'true' });
    await Promise.all([watcher.opened, driver.opened]);
    await eventually('both ready', () =>
      [watcher, driver].every((c) => c.messages().some((m) => m.type === 'size')),
    );
    driver.ws.send(JSON.stringify({ type: 'resize', cols: 91, rows: 27 }));
    await eventually('the new size at the watcher', () =>
      watcher.messages().some((m) => m.type === 'size' && m.cols === 91 && m.rows === 27),
    );
    const peek = cliOutputSchemas.peek.parse((await home.json(['peek', 'sized'])).doc);
    expect([peek.screen.cols, peek.screen.rows]).toEqual([91, 27]);
    watcher.ws.close();
    driver.ws.close();
  });

  it('replays the end of the log of an agent that has ended', async () => {
    expect((await home.run(['new', 'cmd', '--name', 'gone', '--', 'sh', '-c', 'echo last-words'])).code).toBe(
      0,
    );
    await eventually('gone to exit', async () =>
      (await home.agent('gone')).state === 'exited' ? true : undefined,
    );
    const c = open(home, 'gone', { snapshot: 'true', scrollback: '65536', input: 'true' });
    await c.opened;
    await eventually('the exit message', () => c.messages().some((m) => m.type === 'exit'));
    expect(c.output()).toContain('last-words');
    expect(c.messages().map((m) => m.type)).toEqual(['scrollback', 'ready', 'size', 'exit']);
  });
});
