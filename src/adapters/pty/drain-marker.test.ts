import { describe, expect, it } from 'vitest';
import { MarkerCut, newDrainMarker } from './drain-marker.js';

const marker = Buffer.from('\x1b_MARK-42\x1b\\', 'latin1');

/** Feeds `chunks` through a cut; returns what passed (flushed at the end) and whether the marker was seen. */
function feed(chunks: string[]): { out: string; found: boolean; passedBeforeEnd: string } {
  const cut = new MarkerCut(marker);
  const passed = chunks.map((c) => cut.cut(Buffer.from(c, 'latin1')).toString('latin1')).join('');
  return { out: passed + cut.flush().toString('latin1'), found: cut.found, passedBeforeEnd: passed };
}

/** Every way to cut `text` into three chunks. */
function splits(text: string): string[][] {
  const all: string[][] = [];
  for (let i = 0; i <= text.length; i++) {
    for (let j = i; j <= text.length; j++) all.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return all;
}

describe('newDrainMarker', () => {
  it('is new each time, printable and untouched by output processing (no lower case, tab or newline)', () => {
    const a = newDrainMarker().toString('latin1');
    expect(a).not.toBe(newDrainMarker().toString('latin1'));
    expect(a).toMatch(/^\x1b_[A-Z0-9-]+\x1b\\$/);
  });
});

describe('MarkerCut', () => {
  it('cuts the marker out wherever the chunks split it', () => {
    const text = `before${marker.toString('latin1')}after`;
    for (const chunks of splits(text)) {
      expect(feed(chunks), JSON.stringify(chunks)).toEqual({
        out: 'beforeafter',
        found: true,
        passedBeforeEnd: 'beforeafter',
      });
    }
  });

  it('holds back only what may begin the marker, and only until the next chunk says', () => {
    const cut = new MarkerCut(marker);
    expect(cut.cut(Buffer.from('text\x1b_MA', 'latin1')).toString('latin1')).toBe('text');
    expect(cut.cut(Buffer.from('X', 'latin1')).toString('latin1')).toBe('\x1b_MAX');
    expect(cut.cut(Buffer.from('\x1b', 'latin1')).toString('latin1')).toBe('');
    expect(cut.cut(Buffer.from('[1m', 'latin1')).toString('latin1')).toBe('\x1b[1m');
    expect(cut.found).toBe(false);
  });

  it('passes lookalikes on: another nonce, a start cut short, a start just before the marker', () => {
    const m = marker.toString('latin1');
    const text = `\x1b_MARK-41\x1b\\ \x1b_MARK-4\x1b_MARK-${m}tail`;
    for (const chunks of splits(text)) {
      expect(feed(chunks).out, JSON.stringify(chunks)).toBe(`\x1b_MARK-41\x1b\\ \x1b_MARK-4\x1b_MARK-tail`);
    }
  });

  it('gives back what it held when the stream ends without the marker', () => {
    expect(feed(['out\x1b_MARK'])).toEqual({ out: 'out\x1b_MARK', found: false, passedBeforeEnd: 'out' });
  });

  it('passes everything untouched once the marker has gone by', () => {
    expect(feed([`${marker.toString('latin1')}\x1b_MA`, 'RK']).out).toBe('\x1b_MARK');
  });
});
