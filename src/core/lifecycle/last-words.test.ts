import { describe, expect, it } from 'vitest';
import { OutputHub } from '../hosts/output-hub.js';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { lastWords } from './last-words.js';

const hubWith = (text: string | Uint8Array, tailBytes = 64 * 1024, from = 0) => {
  const hub = new OutputHub(tailBytes);
  const agent = agentRecord({ id: 'ag-1' });
  hub.reset('ag-1', from);
  hub.push(agent, from, typeof text === 'string' ? new TextEncoder().encode(text) : text);
  return { hub, end: agent.outputSeq };
};

describe('lastWords: what an exit nobody asked for said last', () => {
  it('keeps the last three lines as plain text: escapes gone, what a carriage return overwrote gone', () => {
    const { hub, end } = hubWith(
      'starting\r\n\x1b[31mError:\x1b[0m one\r\n\r\n  t\x1b[1Cw\x1b[Co  \r\nloading 10%\rloading 99%\rthree\r\n\x1b]0;title\x07',
    );
    expect(lastWords(hub, 'ag-1', end)).toBe('Error: one\nt w o\nthree');
  });

  it('is bounded: long lines cut, only the output’s end read, a line cut at the start left out', () => {
    const long = 'x'.repeat(1_000);
    const { hub, end } = hubWith(`${'older line\n'.repeat(100)}${long}\nlast\n`);
    const words = lastWords(hub, 'ag-1', end) ?? '';
    expect(words.split('\n')).toEqual(['older line', `${'x'.repeat(199)}…`, 'last']);
    const cut = hubWith(`head${'y'.repeat(4_100)}\nend\n`);
    expect(lastWords(cut.hub, 'ag-1', cut.end)).toBe('end');
  });

  it('says nothing when nothing was printed, or only escapes and blanks', () => {
    expect(lastWords(new OutputHub(1024), 'ag-1', 0)).toBeUndefined();
    const { hub, end } = hubWith('\x1b[2J\x1b[H\r\n   \r\n');
    expect(lastWords(hub, 'ag-1', end)).toBeUndefined();
  });
});
