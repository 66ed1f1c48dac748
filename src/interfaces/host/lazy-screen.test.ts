import { afterEach, describe, expect, it, vi } from 'vitest';
import { XtermScreen } from '../../adapters/terminal/xterm-screen.js';
import { LazyScreen, type ScreenFactory } from './lazy-screen.js';

const ESC = '\x1b';
const enc = new TextEncoder();

/** An XtermScreen that remembers the size it was made with and counts dispose() calls. */
class CountingScreen extends XtermScreen {
  disposed = 0;
  constructor(readonly size: [number, number, number]) {
    super(...size);
  }
  override dispose(): void {
    this.disposed += 1;
    super.dispose();
  }
}

/** Every screen the factory made. */
const made: CountingScreen[] = [];
const others: XtermScreen[] = [];

const factory: ScreenFactory = (cols, rows, startSeq) => {
  const screen = new CountingScreen([cols, rows, startSeq]);
  made.push(screen);
  return screen;
};

/** A loader the test releases by hand, counting how often it was asked to load. */
function manualLoader() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const loader = {
    calls: 0,
    release,
    load: async (): Promise<ScreenFactory> => {
      loader.calls += 1;
      await gate;
      return factory;
    },
  };
  return loader;
}

/** The same bytes fed straight into an XtermScreen, for comparison. */
async function direct(cols: number, rows: number, chunks: string[]): Promise<XtermScreen> {
  const s = new XtermScreen(cols, rows, 0);
  others.push(s);
  let seq = 0;
  for (const c of chunks) s.write(enc.encode(c), (seq += c.length));
  await s.settled();
  return s;
}

const CHUNKS = [
  `${ESC}]0;agent${'\x07'}`,
  'line one\r\n',
  `${ESC}[1mbold${ESC}[0m line two\r\n`,
  'ü ✓ ',
  `${ESC}[4;8Hhere${ESC}[?2004h`,
];

afterEach(() => {
  for (const m of made.splice(0)) if (m.disposed === 0) m.dispose();
  for (const s of others.splice(0)) s.dispose();
});

describe('LazyScreen before the emulator is loaded', () => {
  it('throws from screen() and snapshot(), and reports no bracketed paste', () => {
    const lazy = new LazyScreen(manualLoader().load, 20, 5, 0);
    lazy.write(enc.encode(`${ESC}[?2004h`), 8);
    expect(() => lazy.screen()).toThrow(/not loaded/);
    expect(() => lazy.snapshot()).toThrow(/not loaded/);
    expect(lazy.bracketedPaste()).toBe(false);
  });

  it('does not load until asked', () => {
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 20, 5, 0);
    lazy.write(enc.encode('x'), 1);
    lazy.resize(30, 6);
    expect(loader.calls).toBe(0);
    expect(made).toHaveLength(0);
  });
});

describe('LazyScreen loading', () => {
  it('replays writes made before and during loading, in order: the screen equals a direct feed', async () => {
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 30, 6, 0);
    let seq = 0;
    const [first, ...rest] = CHUNKS;
    lazy.write(enc.encode(first ?? ''), (seq += (first ?? '').length));
    const ready = lazy.ready(); // loading starts, but the loader has not returned yet
    for (const c of rest) lazy.write(enc.encode(c), (seq += c.length));
    loader.release();
    await ready;
    await lazy.settled();

    const expected = await direct(30, 6, CHUNKS);
    expect(lazy.screen()).toEqual(expected.screen());
    expect(lazy.snapshot()).toEqual(expected.snapshot());
    expect(lazy.snapshot().seq).toBe(seq);
    expect(lazy.bracketedPaste()).toBe(true);
  });

  it('loads once however often it is asked, and passes writes through afterwards', async () => {
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 20, 4, 500);
    const a = lazy.ready();
    const b = lazy.ready();
    loader.release();
    expect(await a).toBe(await b);
    await lazy.settled();
    expect(loader.calls).toBe(1);
    expect(made.map((m) => m.size)).toEqual([[20, 4, 500]]);
    lazy.write(enc.encode('after'), 505);
    await lazy.settled();
    expect(lazy.screen().lines[0]).toBe('after');
    expect(lazy.snapshot().seq).toBe(505);
  });

  it('settled() loads the emulator by itself', async () => {
    const lazy = new LazyScreen(() => Promise.resolve(factory), 20, 4, 0);
    lazy.write(enc.encode('hi'), 2);
    await lazy.settled();
    expect(lazy.screen().lines[0]).toBe('hi');
  });

  it('creates the emulator at the latest size', async () => {
    const lazy = new LazyScreen(() => Promise.resolve(factory), 20, 4, 7);
    lazy.resize(50, 9);
    await lazy.settled();
    expect(made.map((m) => m.size)).toEqual([[50, 9, 7]]);
    lazy.resize(60, 10);
    expect(lazy.screen()).toMatchObject({ cols: 60, rows: 10 });
  });

  it('delivers replies to queries written before loading to a listener set before loading', async () => {
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 20, 4, 0);
    const replies: string[] = [];
    lazy.onReply((d) => replies.push(d));
    lazy.write(enc.encode(`ab${ESC}[6n`), 6);
    loader.release();
    await lazy.settled();
    expect(replies).toEqual([`${ESC}[1;3R`]);
  });
});

describe('LazyScreen.dispose', () => {
  it('disposes the emulator once it has loaded, when disposed before', async () => {
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 20, 4, 0);
    lazy.write(enc.encode('x'), 1);
    const ready = lazy.ready();
    lazy.dispose();
    expect(made).toHaveLength(0);
    loader.release();
    await ready;
    expect(made).toHaveLength(1);
    expect(made[0]?.disposed).toBe(1);
  });

  it('disposes a loaded emulator at once', async () => {
    const lazy = new LazyScreen(() => Promise.resolve(factory), 20, 4, 0);
    await lazy.ready();
    lazy.dispose();
    expect(made[0]?.disposed).toBe(1);
  });
});

describe('LazyScreen.loadSoon', () => {
  afterEach(() => vi.useRealTimers());

  it('loads after the delay, at once when too much output waits, and not after dispose', () => {
    vi.useFakeTimers();
    const loader = manualLoader();
    const lazy = new LazyScreen(loader.load, 20, 4, 0);
    lazy.loadSoon(500, 10);
    lazy.write(enc.encode('12345'), 5);
    vi.advanceTimersByTime(499);
    expect(loader.calls).toBe(0);
    vi.advanceTimersByTime(1);
    expect(loader.calls).toBe(1);

    const eager = manualLoader();
    const full = new LazyScreen(eager.load, 20, 4, 0);
    full.loadSoon(500, 10);
    full.write(enc.encode('12345'), 5);
    expect(eager.calls).toBe(0);
    full.write(enc.encode('678901'), 11);
    expect(eager.calls).toBe(1);
    vi.advanceTimersByTime(1_000);
    expect(eager.calls).toBe(1);

    const never = manualLoader();
    const gone = new LazyScreen(never.load, 20, 4, 0);
    gone.loadSoon(500, 10);
    gone.dispose();
    vi.advanceTimersByTime(1_000);
    expect(never.calls).toBe(0);
  });
});
