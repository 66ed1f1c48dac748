import { describe, expect, it } from 'vitest';
import { signalSchema } from '../../../protocol/signals.js';
import {
  MAX_PENDING,
  STATUS_QUERY_REPLY,
  StatusProtocolScanner,
  decodeBase64Utf8,
  evidenceOfRecord,
  parseStatusBody,
  recordRequest,
  recordToSignal,
  type ScanResult,
  type StatusRecord,
} from './status-protocol.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const BEL = '\x07';
const ST = '\x1b\\';
const osc = (body: string, end = BEL): string => `\x1b]7501;${body}${end}`;

function feedAll(chunks: string[]): ScanResult {
  const scanner = new StatusProtocolScanner();
  const all: ScanResult = { queries: 0, records: [] };
  for (const c of chunks) {
    const r = scanner.feed(c);
    all.queries += r.queries;
    all.records.push(...r.records);
  }
  return all;
}

describe('StatusProtocolScanner', () => {
  const stream =
    'hello \x1b[31mred\x1b[0m' +
    osc('?') +
    'text' +
    osc(`state=blocked:app=claude-code:kind=permission:msg=${b64('approve Bash: echo hi > out.txt')}`) +
    '\x1b]0;title\x07more' +
    osc('state=working:app=claude-code', ST) +
    'tail';
  const expected: ScanResult = {
    queries: 1,
    records: [
      { state: 'blocked', app: 'claude-code', kind: 'permission', msg: 'approve Bash: echo hi > out.txt' },
      { state: 'working', app: 'claude-code' },
    ],
  };

  it('finds queries and records in one chunk, with BEL and ST terminators', () => {
    expect(feedAll([stream])).toEqual(expected);
  });

  it('finds the same across a split at every position', () => {
    for (let i = 0; i <= stream.length; i++) {
      expect(feedAll([stream.slice(0, i), stream.slice(i)]), `split at ${i}`).toEqual(expected);
    }
  });

  it('finds the same when fed one character at a time', () => {
    expect(feedAll([...stream])).toEqual(expected);
  });

  it('counts a query with more text after the "?"', () => {
    expect(feedAll([osc('?v=0.3'), osc('?', ST)]).queries).toBe(2);
  });

  it('the reply is an OSC 7501 whose data starts with "?"', () => {
    expect(STATUS_QUERY_REPLY).toBe('\x1b]7501;?\x1b\\');
    expect(feedAll([STATUS_QUERY_REPLY]).queries).toBe(1);
  });

  it('drops an oversize sequence and finds the next one', () => {
    const huge = osc(`state=working:msg=${'A'.repeat(MAX_PENDING + 100)}`);
    const text = huge + osc('state=idle');
    expect(feedAll([text]).records).toEqual([{ state: 'idle' }]);
    // Split so that the oversize one is unfinished when the chunk ends.
    for (const at of [10, MAX_PENDING, MAX_PENDING + 50, huge.length - 1]) {
      expect(feedAll([text.slice(0, at), text.slice(at)]).records, `split at ${at}`).toEqual([
        { state: 'idle' },
      ]);
    }
  });

  it('keeps no more than the limit of an unfinished sequence', () => {
    const scanner = new StatusProtocolScanner();
    scanner.feed('\x1b]7501;state=working:msg=');
    for (let i = 0; i < 20; i++) scanner.feed('A'.repeat(1000));
    expect(scanner.feed(`${BEL}${osc('state=done')}`).records).toEqual([{ state: 'done' }]);
  });

  it('an ESC that is not ST aborts the sequence, and what follows is scanned', () => {
    const text = `\x1b]7501;state=working\x1b[0m${osc('state=idle')}`;
    expect(feedAll([text]).records).toEqual([{ state: 'idle' }]);
  });

  it('ignores other OSCs and the 7501 prefix of other numbers', () => {
    expect(feedAll(['\x1b]75011;state=idle\x07', '\x1b]750;state=idle\x07']).records).toEqual([]);
  });

  it('ignores unknown keys and records with no known state', () => {
    expect(feedAll([osc('state=working:future=1:x'), osc('state=sleeping'), osc('app=x')]).records).toEqual([
      { state: 'working' },
    ]);
  });

  it('drops a field whose base64 is bad, keeps the record', () => {
    expect(parseStatusBody('state=error:msg=!!notbase64!!:title=QQ')).toEqual({ state: 'error', title: 'A' });
    expect(parseStatusBody('state=error:msg=A')).toEqual({ state: 'error' });
  });

  it('parses progress 0–100 only', () => {
    expect(parseStatusBody('state=working:progress=42')?.progress).toBe(42);
    expect(parseStatusBody('state=working:progress=101')?.progress).toBeUndefined();
    expect(parseStatusBody('state=working:progress=-1')?.progress).toBeUndefined();
  });

  it('reads child records (id) and the clear action', () => {
    expect(parseStatusBody('state=working:id=sub-1')).toEqual({ state: 'working', id: 'sub-1' });
    expect(parseStatusBody('state=clear')).toEqual({ state: 'clear' });
  });
});

describe('decodeBase64Utf8', () => {
  it('decodes UTF-8, padded or not, standard or URL-safe', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'héllo wörld ✻ 日本語 😀', 'approve Bash: echo hi > out.txt']) {
      expect(decodeBase64Utf8(b64(s))).toBe(s);
      expect(decodeBase64Utf8(b64(s).replace(/=+$/, ''))).toBe(s);
      expect(decodeBase64Utf8(Buffer.from(s).toString('base64url'))).toBe(s);
    }
  });

  it('rejects what is not base64', () => {
    expect(decodeBase64Utf8('a b')).toBeNull();
    expect(decodeBase64Utf8('abcde')).toBeNull();
    expect(decodeBase64Utf8('ab=c')).toBeNull();
  });

  it('turns invalid UTF-8 into U+FFFD', () => {
    expect(decodeBase64Utf8(Buffer.from([0x61, 0xff, 0x62]).toString('base64'))).toBe('a\ufffdb');
    expect(decodeBase64Utf8(Buffer.from([0xe2, 0x9c]).toString('base64'))).toBe('\ufffd\ufffd');
  });
});

describe('recordToSignal', () => {
  const at = 1_000;
  const cases: [StatusRecord, string | null, string | undefined][] = [
    [{ state: 'working' }, 'working', undefined],
    [{ state: 'blocked', kind: 'permission' }, 'needs_permission', 'permission'],
    [{ state: 'blocked', kind: 'question' }, 'needs_input', 'question'],
    [{ state: 'blocked', kind: 'auth' }, 'needs_input', 'auth'],
    [{ state: 'blocked' }, 'needs_input', undefined],
    [{ state: 'blocked', kind: 'something-new' }, 'needs_input', undefined],
    [{ state: 'idle' }, 'idle', 'at_prompt'],
    [{ state: 'done' }, 'idle', 'turn_done'],
    [{ state: 'error', msg: 'API Error: 500 Internal Server Error' }, 'idle', 'error'],
    [
      { state: 'error', msg: "You've hit your session limit · resets 3pm (Europe/Paris)" },
      'needs_input',
      'usage_limit',
    ],
    [{ state: 'clear' }, null, undefined],
    [{ state: 'blocked', kind: 'permission', id: 'sub-1' }, null, undefined],
  ];

  it.each(cases)('%j → %s %s', (rec, state, reason) => {
    const s = recordToSignal(rec, at);
    if (state === null) {
      expect(s).toBeNull();
      return;
    }
    expect(s?.state).toBe(state);
    expect(s?.reason).toBe(reason);
    expect(s?.source).toBe('status');
    expect(s?.at).toBe(at);
    expect(signalSchema.parse(s)).toEqual(s);
  });

  it('keeps the raw reset text of a usage limit', () => {
    const s = recordToSignal(
      { state: 'error', msg: "You've hit your session limit · resets 3pm (Europe/Paris)" },
      at,
    );
    expect(s?.resetsAt).toBe('3pm (Europe/Paris)');
  });

  it('writes readable, bounded evidence', () => {
    const s = recordToSignal(
      { state: 'blocked', kind: 'permission', app: 'claude-code', msg: 'approve Bash: ls' },
      at,
    );
    expect(s?.evidence).toBe(
      'status 7501 state=blocked kind=permission app=claude-code msg="approve Bash: ls"',
    );
    const long = evidenceOfRecord({ state: 'error', title: 't'.repeat(500), msg: 'm'.repeat(500) });
    expect(long.length).toBeLessThanOrEqual(200);
    expect(long.startsWith('status 7501 state=error title="ttt')).toBe(true);
  });
});

describe('recordRequest: what a blocked record says is asked', () => {
  it('Claude Code 2.1.330’s words (docs/research): the tool and command; the question and its options', () => {
    expect(recordRequest('permission', 'approve Bash: echo hi > out.txt')).toEqual({
      kind: 'permission',
      tool: 'Bash',
      about: 'echo hi > out.txt',
    });
    expect(recordRequest('question', 'answer: Which color should the button be? (Red · Blue)')).toEqual({
      kind: 'question',
      question: 'Which color should the button be?',
      options: ['Red', 'Blue'],
    });
    expect(
      recordToSignal({ state: 'blocked', kind: 'permission', msg: 'approve Bash: ls' }, 1)?.request,
    ).toEqual({
      kind: 'permission',
      tool: 'Bash',
      about: 'ls',
    });
  });

  it('other words, no message, or not a dialog: the kind alone, or nothing', () => {
    expect(recordRequest('permission', 'may I?')).toEqual({ kind: 'permission' });
    expect(recordRequest('question', 'Which one?')).toEqual({ kind: 'question', question: 'Which one?' });
    expect(recordToSignal({ state: 'blocked', app: 'codex', kind: 'permission' }, 1)?.request).toEqual({
      kind: 'permission',
    });
    expect(
      recordToSignal({ state: 'blocked', kind: 'permission', msg: 'trust this folder' }, 1)?.request,
    ).toBe(undefined);
    expect(recordToSignal({ state: 'blocked', kind: 'auth' }, 1)?.request).toBeUndefined();
    expect(recordToSignal({ state: 'working' }, 1)?.request).toBeUndefined();
  });
});
