import { describe, expect, it } from 'vitest';
import { corpusScreenText } from '../../../protocol/corpus-screen.js';
import { parseCorpusScreen } from './screen-corpus.js';

describe('corpus screen files written by `wtp record-screen`', () => {
  it('read back as written: headers on one line each, rows trimmed, inner blank rows kept', () => {
    const text = corpusScreenText(
      [
        ['state', 'needs_input'],
        ['reason', 'question'],
        ['about', null],
        ['note', 'line one\nline two\u001b[31m'],
        ['evidence', 'screen x/y line 2: "a: b"'],
      ],
      ['first   ', '', '---', 'last', '', ''],
    );
    expect(text).toBe(
      'state: needs_input\nreason: question\nnote: line one line two [31m\nevidence: screen x/y line 2: "a: b"\n---\nfirst\n\n---\nlast\n',
    );
    const screen = parseCorpusScreen(text);
    expect(screen).toMatchObject({ expected: 'needs_input', reason: 'question' });
    expect(screen.headers['about']).toBeUndefined();
    expect(screen.headers['evidence']).toBe('screen x/y line 2: "a: b"');
    // A row that is "---" belongs to the screen: only the first one separates.
    expect(screen.lines).toEqual(['first', '', '---', 'last']);
  });
});
