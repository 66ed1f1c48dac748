import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PaneTerminal } from './pane-terminal.js';

/** A pane's stdout: records what is written; `full` makes writes report backpressure. */
class PaneOut extends Writable {
  readonly chunks: string[] = [];
  columns = 120;
  rows = 40;
  full = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }
  override write(chunk: Uint8Array | string): boolean {
    super.write(chunk);
    return !this.full;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function terminal(inTmux = false, mirror?: (changed: Record<string, string>) => void) {
  const stdin = new PassThrough();
  const stdout = new PaneOut();
  const t = new PaneTerminal(
    stdin as unknown as NodeJS.ReadStream,
    stdout as unknown as NodeJS.WriteStream,
    inTmux,
    mirror,
  );
  const seen = { input: [] as string[], resized: [] as [number, number][], drained: 0 };
  t.start({
    input: (d) => seen.input.push(d.toString()),
    resized: (c, r) => seen.resized.push([c, r]),
    drained: () => (seen.drained += 1),
  });
  return { t, stdin, stdout, seen };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

describe('PaneTerminal', () => {
  it('passes keystrokes through and reports the pane size and resizes', async () => {
    const { t, stdin, stdout, seen } = terminal();
    expect([t.cols, t.rows]).toEqual([120, 40]);
    stdin.write('ls\r');
    await tick();
    expect(seen.input).toEqual(['ls\r']);
    stdout.columns = 90;
    stdout.rows = 30;
    stdout.emit('resize');
    expect(seen.resized).toEqual([[90, 30]]);
  });

  it('copies output and says when the pane is full; drain resumes', async () => {
    const { t, stdout, seen } = terminal();
    expect(t.write('hello')).toBe(true);
    stdout.full = true;
    expect(t.write(' world')).toBe(false);
    stdout.emit('drain');
    await tick();
    expect(stdout.text).toBe('hello world');
    expect(seen.drained).toBe(1);
  });

  it('sets WezTerm user vars (OSC 1337, base64) only when a value changes', async () => {
    const { t, stdout } = terminal();
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'running' });
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'running' });
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'needs_input' });
    await tick();
    expect(stdout.text).toBe(
      `\x1b]1337;SetUserVar=wtp_agent=${b64('a1')}\x07` +
        `\x1b]1337;SetUserVar=wtp_state=${b64('running')}\x07` +
        `\x1b]1337;SetUserVar=wtp_state=${b64('needs_input')}\x07`,
    );
  });

  it('inside tmux wraps the sequence for passthrough, doubling its escapes', async () => {
    const { t, stdout } = terminal(true);
    t.setUserVars({ wtp_workspace: 'proj' });
    await tick();
    expect(stdout.text).toBe(`\x1bPtmux;\x1b\x1b]1337;SetUserVar=wtp_workspace=${b64('proj')}\x07\x1b\\`);
  });

  it('tells the mirror (tmux pane options) only what changed', () => {
    const seen: Record<string, string>[] = [];
    const { t } = terminal(true, (changed) => seen.push(changed));
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'running' });
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'running' });
    t.setUserVars({ wtp_agent: 'a1', wtp_state: 'exited' });
    expect(seen).toEqual([{ wtp_agent: 'a1', wtp_state: 'running' }, { wtp_state: 'exited' }]);
  });

  it('notify sets wtp_notify (JSON with a counter, so repeats still change it) and rings the bell', async () => {
    const { t, stdout } = terminal();
    const n = { title: 'api needs your permission', message: 'wants to use Bash', bell: true, toast: true };
    t.notify(n);
    t.notify(n);
    t.notify({ ...n, toast: false });
    t.notify({ ...n, bell: false, title: 'api finished its turn' });
    await tick();
    const v = (count: number, title = n.title) =>
      `\x1b]1337;SetUserVar=wtp_notify=${b64(JSON.stringify({ t: title, m: n.message, n: count }))}\x07`;
    expect(stdout.text).toBe(`${v(1)}\x07${v(2)}\x07\x07${v(3, 'api finished its turn')}`);
  });

  it('notify inside tmux wraps the user var for passthrough; the bell stays a plain BEL', async () => {
    const mirrored: Record<string, string>[] = [];
    const { t, stdout } = terminal(true, (changed) => mirrored.push(changed));
    t.notify({ title: 'x', message: 'y', bell: true, toast: true });
    await tick();
    const json = '{"t":"x","m":"y","n":1}';
    expect(stdout.text).toBe(`\x1bPtmux;\x1b\x1b]1337;SetUserVar=wtp_notify=${b64(json)}\x07\x1b\\\x07`);
    expect(mirrored).toEqual([{ wtp_notify: json }]);
  });

  it('after a write error (pane gone) drops output instead of failing', async () => {
    const { t, stdout } = terminal();
    stdout.emit('error', Object.assign(new Error('write EIO'), { code: 'EIO' }));
    stdout.full = true;
    expect(t.write('lost')).toBe(true);
    await tick();
    expect(stdout.text).toBe('');
  });

  it('waitForKey resolves on the next keystroke or when input ends', async () => {
    const { t, stdin } = terminal();
    let done = false;
    const waiting = t.waitForKey().then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    stdin.write('x');
    await waiting;
    const second = terminal();
    const ended = second.t.waitForKey();
    second.stdin.end();
    second.stdin.resume();
    await ended;
  });
});
