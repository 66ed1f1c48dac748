import { afterEach, describe, expect, it } from 'vitest';
import { XtermScreen } from './xterm-screen.js';

const ESC = '\x1b';
const BEL = '\x07';
const screens: XtermScreen[] = [];
const enc = new TextEncoder();

function make(cols = 20, rows = 5, startSeq = 0): XtermScreen {
  const s = new XtermScreen(cols, rows, startSeq);
  screens.push(s);
  return s;
}

/** Feeds `text` as the next bytes of the stream and waits until it is parsed. */
async function feed(s: XtermScreen, text: string | Uint8Array, endSeq = 0): Promise<void> {
  s.write(typeof text === 'string' ? enc.encode(text) : text, endSeq);
  await s.settled();
}

afterEach(() => {
  for (const s of screens.splice(0)) s.dispose();
});

describe('XtermScreen.screen', () => {
  it('shows text line by line with the cursor after it', async () => {
    const s = make(20, 5);
    await feed(s, 'hello\r\nworld');
    const v = s.screen();
    expect(v.cols).toBe(20);
    expect(v.rows).toBe(5);
    expect(v.lines).toEqual(['hello', 'world', '', '', '']);
    expect(v.cursor).toEqual({ x: 5, y: 1 });
    expect(v.altScreen).toBe(false);
    expect(v.title).toBe('');
  });

  it('interprets cursor movement, erasing and colours', async () => {
    const s = make(20, 5);
    await feed(s, `garbage${ESC}[2J${ESC}[H${ESC}[31mred${ESC}[0m${ESC}[3;5HX${ESC}[1;2H${ESC}[K`);
    const v = s.screen();
    expect(v.lines).toEqual(['r', '', '    X', '', '']);
    expect(v.cursor).toEqual({ x: 1, y: 0 });
  });

  it('decodes UTF-8 split across writes', async () => {
    const s = make(20, 3);
    const bytes = enc.encode('café ✓');
    s.write(bytes.subarray(0, 4), 4); // ends in the middle of "é"
    s.write(bytes.subarray(4), bytes.length);
    await s.settled();
    expect(s.screen().lines[0]).toBe('café ✓');
  });

  it('shows the bottom of the output once it scrolls', async () => {
    const s = make(10, 3);
    await feed(s, ['1', '2', '3', '4', '5'].join('\r\n'));
    expect(s.screen().lines).toEqual(['3', '4', '5']);
  });

  it('switches to the alternate screen and back', async () => {
    const s = make(20, 4);
    await feed(s, 'main text');
    await feed(s, `${ESC}[?1049h${ESC}[Hfull-screen app`);
    expect(s.screen().altScreen).toBe(true);
    expect(s.screen().lines[0]).toBe('full-screen app');
    await feed(s, `${ESC}[?1049l`);
    expect(s.screen().altScreen).toBe(false);
    expect(s.screen().lines[0]).toBe('main text');
  });

  it('takes the title from OSC 0 and OSC 2', async () => {
    const s = make();
    await feed(s, `${ESC}]0;my agent title${BEL}`);
    expect(s.screen().title).toBe('my agent title');
    await feed(s, `${ESC}]2;second${ESC}\\`);
    expect(s.screen().title).toBe('second');
  });

  it('follows resize', async () => {
    const s = make(20, 5);
    s.resize(30, 7);
    await s.settled();
    const v = s.screen();
    expect([v.cols, v.rows, v.lines.length]).toEqual([30, 7, 7]);
  });
});

describe('XtermScreen.snapshot', () => {
  it('reports the offset just after the last parsed write', async () => {
    const s = make(20, 5, 1_000);
    expect(s.snapshot().seq).toBe(1_000);
    await feed(s, 'abc', 1_003);
    expect(s.snapshot()).toMatchObject({ cols: 20, rows: 5, seq: 1_003 });
    s.write(enc.encode('de'), 1_005);
    await s.settled();
    expect(s.snapshot().seq).toBe(1_005);
  });

  it('repaints the same screen when replayed into a fresh emulator', async () => {
    const s = make(30, 6);
    const script = [
      `${ESC}]0;t${BEL}`,
      'first line\r\n',
      `${ESC}[1;32mgreen${ESC}[0m and plain\r\n`,
      'wide ✓ é\r\n',
      `${ESC}[5;10Hplaced`,
      `${ESC}[3;1H`,
    ].join('');
    await feed(s, script, script.length);
    const snap = s.snapshot();
    const copy = make(snap.cols, snap.rows);
    await feed(copy, snap.data);
    expect(copy.screen().lines).toEqual(s.screen().lines);
    expect(copy.screen().lines[4]).toBe('         placed');
    expect(copy.screen().cursor).toEqual(s.screen().cursor);
  });

  it('repaints an alternate-screen app', async () => {
    const s = make(20, 4);
    await feed(s, `shell$ ${ESC}[?1049h${ESC}[H${ESC}[2Jtop-like view\r\nrow 2`);
    const copy = make(20, 4);
    await feed(copy, s.snapshot().data);
    expect(copy.screen().lines).toEqual(s.screen().lines);
    expect(copy.screen().altScreen).toBe(true);
  });
});

describe('XtermScreen modes and replies', () => {
  it('tracks bracketed paste mode', async () => {
    const s = make();
    expect(s.bracketedPaste()).toBe(false);
    await feed(s, `${ESC}[?2004h`);
    expect(s.bracketedPaste()).toBe(true);
    await feed(s, `${ESC}[?2004l`);
    expect(s.bracketedPaste()).toBe(false);
  });

  it('answers a device-attributes query (DA1) through onReply', async () => {
    const s = make();
    const replies: string[] = [];
    s.onReply((d) => replies.push(d));
    await feed(s, `${ESC}[c`);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^\x1b\[\?[\d;]+c$/);
  });

  it('answers a cursor-position query (DSR 6) with the cursor it shows', async () => {
    const s = make();
    const replies: string[] = [];
    s.onReply((d) => replies.push(d));
    await feed(s, `ab\r\ncd${ESC}[6n`);
    expect(replies).toEqual([`${ESC}[2;3R`]);
  });
});

describe('XtermScreen, fed bytes its parser refuses (issue 30)', () => {
  it('counts each parsing error and prints nothing (no console, no state dump)', async () => {
    const errors: unknown[] = [];
    const original = { error: console.error, warn: console.warn, log: console.log, info: console.info };
    console.error = console.warn = console.log = console.info = (...a: unknown[]) => void errors.push(a);
    try {
      let parseErrors = 0;
      const notes: string[] = [];
      const s = new XtermScreen(40, 10, 0, 100, {
        parseError: () => parseErrors++,
        note: (level, m) => notes.push(`${level} ${m}`),
      });
      screens.push(s);
      // Seeded noise: every byte value, as random agent output is.
      const bytes = new Uint8Array(256 * 1024);
      let x = 30;
      for (let i = 0; i < bytes.length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        bytes[i] = x >>> 24;
      }
      await feed(s, bytes);
      expect(parseErrors).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(notes.filter((n) => /parsing error/i.test(n))).toEqual([]);
    } finally {
      Object.assign(console, original);
    }
  });
});
