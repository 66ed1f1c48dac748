import { describe, expect, it } from 'vitest';
import { agentRecord } from '../../../test/support/core-fakes.js';
import { spawnMessage } from '../../core/lifecycle/spawn-message.js';
import { signalSchema, type Signal } from '../../protocol/signals.js';
import { PROFILES } from '../registry.js';
import {
  ClaudeStreamReader,
  MAX_LINE,
  eventToSignal,
  isClaudeStreamJson,
  parseStreamLine,
} from './stream-json.js';

const SID = '6fa64698-48a6-4136-8960-6a6ff1485d8e';
const line = (o: unknown): string => JSON.stringify(o) + '\n';

/** Lines as Claude Code 2.1.330 printed them (trimmed), for `-p "say hi"`. */
const INIT = { type: 'system', subtype: 'init', cwd: '/p', session_id: SID, tools: ['Bash'], model: 'm' };
const TEXT = {
  type: 'assistant',
  message: { role: 'assistant', content: [{ type: 'text', text: 'Hi there!' }] },
  parent_tool_use_id: null,
  session_id: SID,
};
const SUCCESS = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 1,
  result: 'Hi there!',
  session_id: SID,
  permission_denials: [],
  api_error_status: null,
  terminal_reason: 'completed',
};
const TOOL_USE = {
  type: 'assistant',
  message: {
    role: 'assistant',
    content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo hi > out.txt' } }],
  },
  session_id: SID,
};
const DENIED = { type: 'system', subtype: 'permission_denied', tool_name: 'Bash', session_id: SID };
const TOOL_RESULT = {
  type: 'user',
  message: { role: 'user', content: [{ type: 'tool_result', content: 'needs approval', is_error: true }] },
  session_id: SID,
};
/** A 429 answer: an API-error assistant message, then a result whose subtype is still `success`. */
const LIMIT_TEXT = "API Error: Request rejected (429) · This request would exceed your account's rate limit.";
const LIMIT_ASSISTANT = {
  type: 'assistant',
  message: { role: 'assistant', model: '<synthetic>', content: [{ type: 'text', text: LIMIT_TEXT }] },
  error: 'rate_limit',
  is_api_error_message: true,
  api_error_status: 429,
  session_id: SID,
};
const LIMIT_RESULT = {
  type: 'result',
  subtype: 'success',
  is_error: true,
  num_turns: 1,
  result: LIMIT_TEXT,
  api_error_status: 429,
  terminal_reason: 'api_error',
  session_id: SID,
};

const HI_RUN = [INIT, TEXT, SUCCESS].map(line).join('');

function reader(): ClaudeStreamReader {
  let t = 1000;
  return new ClaudeStreamReader(() => t++);
}

/** What the signals say, without their times. */
const said = (signals: Signal[]): Omit<Signal, 'at'>[] =>
  signals.map((s) => {
    const { at, ...rest } = s;
    expect(signalSchema.parse(s)).toEqual(s);
    expect(at).toBeGreaterThan(0);
    return rest;
  });

const feedAll = (r: ClaudeStreamReader, chunks: string[]): Signal[] => chunks.flatMap((c) => r.feed(c));

const HI_SIGNALS = [
  { source: 'stream', state: 'working', evidence: 'stream system init' },
  { source: 'stream', state: 'idle', reason: 'turn_done', evidence: 'stream result success (1 turn)' },
];

describe('ClaudeStreamReader', () => {
  it('a -p run: working from init, idle when the result is a success; the session id is kept', () => {
    const r = reader();
    expect(r.sessionId).toBeNull();
    expect(said(r.feed(HI_RUN))).toEqual(HI_SIGNALS);
    expect(r.sessionId).toBe(SID);
  });

  it('splits lines across chunks at every position, LF or CRLF (a PTY turns LF into CRLF)', () => {
    for (const text of [HI_RUN, HI_RUN.replaceAll('\n', '\r\n')]) {
      for (let i = 0; i <= text.length; i++) {
        expect(said(feedAll(reader(), [text.slice(0, i), text.slice(i)])), `split at ${i}`).toEqual(
          HI_SIGNALS,
        );
      }
      expect(said(feedAll(reader(), [...text]))).toEqual(HI_SIGNALS);
    }
  });

  it('ignores what is not a JSON event: other text, escapes, broken or typeless JSON', () => {
    const r = reader();
    const noise = [
      'Welcome!\n',
      '\x1b[?25l\x1b]0;title\x07\n',
      '{"type":"system","subtype":"init",\n',
      '[1,2,3]\n',
      '{"no":"type"}\n',
      '\n',
      '\r\n',
    ].join('');
    expect(r.feed(noise)).toEqual([]);
    // An event behind an escape sequence on the same line still counts.
    expect(said(r.feed(`\x1b[?25h${JSON.stringify(INIT)}\r\n`))).toEqual([HI_SIGNALS[0]]);
    expect(parseStreamLine('not json')).toBeNull();
    expect(parseStreamLine('{"type": 1}')).toBeNull();
  });

  it('drops an unfinished line longer than 1 MiB, up to its newline, and reads on', () => {
    const r = reader();
    const huge = '{"type":"assistant","x":"' + 'a'.repeat(MAX_LINE);
    expect(r.feed(huge.slice(0, 1000))).toEqual([]);
    expect(r.feed(huge.slice(1000))).toEqual([]);
    expect(r.feed('a'.repeat(5000) + `","type":"result"}`)).toEqual([]);
    expect(said(r.feed(`\n${JSON.stringify(INIT)}\n`))).toEqual([HI_SIGNALS[0]]);
    // A line just under the cap is read.
    const big = JSON.stringify({ ...TEXT, pad: 'b'.repeat(MAX_LINE - 500) });
    const r2 = reader();
    expect(r2.feed(JSON.stringify(INIT) + '\n' + big.slice(0, MAX_LINE - 10))).toHaveLength(1);
    expect(r2.feed(big.slice(MAX_LINE - 10) + '\n' + line(SUCCESS))).toHaveLength(1);
  });

  it('a tool call: the tool name, the denial (-p asks nobody), the tool result', () => {
    const r = reader();
    const got = said(r.feed([INIT, TOOL_USE, DENIED, TOOL_RESULT, TEXT].map(line).join('')));
    expect(got).toEqual([
      HI_SIGNALS[0],
      { source: 'stream', state: 'working', evidence: 'stream assistant tool_use Bash', tool: 'Bash' },
      // the same state and tool again: not repeated; the tool result and text have no tool
      { source: 'stream', state: 'working', evidence: 'stream user tool_result (error)' },
    ]);
    const end = said(
      r.feed(
        line({ ...SUCCESS, num_turns: 2, permission_denials: [{ tool_name: 'Bash', tool_use_id: 'x' }] }),
      ),
    );
    expect(end).toEqual([
      {
        source: 'stream',
        state: 'idle',
        reason: 'turn_done',
        evidence: 'stream result success (2 turns, 1 permission denied: Bash)',
      },
    ]);
  });

  it('a rate limit (HTTP 429): needs_input with reason usage_limit, from the message or the result', () => {
    const r = reader();
    const got = said(r.feed([INIT, LIMIT_ASSISTANT, LIMIT_RESULT].map(line).join('')));
    expect(got).toHaveLength(2); // the result says the same again
    expect(got[1]).toMatchObject({ state: 'needs_input', reason: 'usage_limit' });
    expect(got[1]?.evidence).toMatch(
      /^stream assistant error rate_limit 429 "API Error: Request rejected \(429\)/,
    );
    const only = eventToSignal(LIMIT_RESULT, 5);
    expect(only).toMatchObject({ state: 'needs_input', reason: 'usage_limit', at: 5 });
    expect(only?.evidence).toMatch(/^stream result success is_error 429 \(1 turn\) "API Error/);
    const resets = eventToSignal({ ...LIMIT_RESULT, result: "You've hit your usage limit · resets 3pm" }, 5);
    expect(resets).toMatchObject({ reason: 'usage_limit', resetsAt: '3pm' });
  });

  it('api_retry: a 429 needs the user; an overloaded API is still working', () => {
    const retry = { type: 'system', subtype: 'api_retry', attempt: 1, max_retries: 10, retry_delay_ms: 500 };
    expect(eventToSignal({ ...retry, error_status: 429, error: 'rate_limit' }, 1)).toMatchObject({
      state: 'needs_input',
      reason: 'usage_limit',
      evidence: 'stream system api_retry 429 rate_limit (attempt 1/10)',
    });
    expect(eventToSignal({ ...retry, error_status: 529, error: 'server_error' }, 1)).toMatchObject({
      state: 'working',
      evidence: 'stream system api_retry 529 server_error (attempt 1/10)',
    });
  });

  it('other errors end the turn idle with reason error', () => {
    const maxTurns = { type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 3 };
    expect(eventToSignal(maxTurns, 1)).toEqual({
      source: 'stream',
      state: 'idle',
      reason: 'error',
      evidence: 'stream result error_max_turns (3 turns)',
      at: 1,
    });
    const failed = { type: 'result', subtype: 'error_during_execution', errors: ['boom'], is_error: true };
    expect(eventToSignal(failed, 1)).toMatchObject({
      reason: 'error',
      evidence: 'stream result error_during_execution "boom"',
    });
    const api500 = {
      ...LIMIT_RESULT,
      api_error_status: 500,
      result: 'API Error: 500',
      terminal_reason: 'api_error',
    };
    expect(eventToSignal(api500, 1)).toMatchObject({ state: 'idle', reason: 'error' });
    // An API error message other than a limit: the result decides.
    const serverError = {
      ...LIMIT_ASSISTANT,
      message: { role: 'assistant', content: [{ type: 'text', text: 'API Error: 500 Internal' }] },
      error: 'server_error',
      api_error_status: 500,
    };
    expect(eventToSignal(serverError, 1)).toBeNull();
  });

  it('partial messages, the SDK permission request, and events that tell nothing', () => {
    expect(eventToSignal({ type: 'stream_event', event: { type: 'content_block_delta' } }, 1)).toMatchObject({
      state: 'working',
      evidence: 'stream stream_event content_block_delta',
    });
    const ask = {
      type: 'control_request',
      request_id: 'r1',
      request: { subtype: 'can_use_tool', tool_name: 'Bash' },
    };
    expect(eventToSignal(ask, 1)).toMatchObject({
      state: 'needs_permission',
      reason: 'permission',
      tool: 'Bash',
      evidence: 'stream control_request can_use_tool Bash',
    });
    expect(eventToSignal({ type: 'control_request', request: { subtype: 'interrupt' } }, 1)).toBeNull();
    expect(eventToSignal({ type: 'system', subtype: 'hook_started' }, 1)).toBeNull();
    expect(eventToSignal({ type: 'user', message: { content: 'note' }, shouldQuery: false }, 1)).toBeNull();
    expect(eventToSignal({ type: 'rate_limit_event' }, 1)).toBeNull();
  });

  it('stdin-driven (--input-format stream-json): each user line starts a turn, each result ends it', () => {
    const r = reader();
    const user = { type: 'user', message: { role: 'user', content: 'say hi' }, parent_tool_use_id: null };
    const turn = [user, INIT, TEXT, SUCCESS].map(line).join('');
    const expected = [{ source: 'stream', state: 'working', evidence: 'stream user message' }, HI_SIGNALS[1]];
    expect(said(r.feed(turn))).toEqual(expected);
    expect(said(r.feed(turn))).toEqual(expected);
  });

  it('keeps evidence short', () => {
    const long = eventToSignal(
      { ...TOOL_USE, message: { content: [{ type: 'tool_use', name: 'x'.repeat(900) }] } },
      1,
    );
    expect(long?.evidence.length).toBe(500);
    expect(long?.tool?.length).toBe(200);
  });
});

describe('a headless Claude run in the spawn message', () => {
  it('is -p/--print with --output-format stream-json', () => {
    expect(isClaudeStreamJson(['-p', 'hi', '--output-format', 'stream-json', '--verbose'])).toBe(true);
    expect(
      isClaudeStreamJson(['--print', '--output-format=stream-json', '--input-format', 'stream-json']),
    ).toBe(true);
    expect(isClaudeStreamJson(['-p', 'hi', '--output-format', 'json'])).toBe(false);
    expect(isClaudeStreamJson(['--output-format', 'stream-json'])).toBe(false);
    expect(isClaudeStreamJson(['-p', 'x', '--output-format=stream-json', '--output-format', 'text'])).toBe(
      false,
    );
    expect(isClaudeStreamJson(['--', '-p', '--output-format', 'stream-json'])).toBe(false);
  });

  it('watches the stream only: no screen detector, no status query, no hooks', () => {
    const args = ['-p', 'say hi', '--output-format', 'stream-json', '--verbose'];
    const profileArgs = ['--settings', '/s/claude-settings.json'];
    const msg = spawnMessage(PROFILES, agentRecord({ id: 'ag-1', profile: 'claude', args, profileArgs }), {});
    expect(msg).toMatchObject({
      type: 'spawn',
      args,
      watch: { detector: null, version: null, statusProtocol: false, stream: 'claude-stream-json' },
    });
    const tui = spawnMessage(
      PROFILES,
      agentRecord({ id: 'ag-2', profile: 'claude', args: [], profileArgs }),
      {},
    );
    expect(tui).toMatchObject({ args: profileArgs, watch: { detector: 'claude', statusProtocol: true } });
    expect(tui.type === 'spawn' && tui.watch).not.toHaveProperty('stream');
    const notClaude = spawnMessage(PROFILES, agentRecord({ id: 'ag-3', profile: 'cmd', args }), {});
    expect(notClaude).not.toHaveProperty('watch');
  });
});
