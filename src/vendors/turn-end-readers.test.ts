import { describe, expect, it } from 'vitest';
import { readClaudeHook } from './claude/hooks.js';
import { readCopilotHook } from './copilot/hooks.js';
import { readGeminiHook } from './gemini/hooks.js';
import { readOpencodeHook } from './opencode/hooks.js';
import { readQwenHook } from './qwen/hooks.js';

/**
 * Where each vendor's hook reader finds a turn's last message (issue 36): the field its payload
 * carries, read whole; any other type is no message; events that do not end a turn carry none.
 */
const MESSAGE = 'Which database should I use, Postgres or SQLite?';
const HOSTILE = [42, { text: MESSAGE }, [MESSAGE], null, true];
const at = Date.UTC(2026, 10, 25);

describe('the turn end each hook reader gives', () => {
  it.each([
    [
      'claude Stop',
      (m: unknown) => readClaudeHook({ hook_event_name: 'Stop', last_assistant_message: m }, at),
      'hook Stop last_assistant_message',
    ],
    [
      'qwen Stop',
      (m: unknown) => readQwenHook({ hook_event_name: 'Stop', last_assistant_message: m }, at),
      'hook Stop last_assistant_message',
    ],
    [
      'copilot Stop',
      (m: unknown) => readCopilotHook({ hook_event_name: 'Stop', last_assistant_message: m }, at),
      'hook Stop last_assistant_message',
    ],
    [
      'gemini AfterAgent',
      (m: unknown) => readGeminiHook({ hook_event_name: 'AfterAgent', prompt_response: m }, at),
      'hook AfterAgent prompt_response',
    ],
  ] as const)(
    '%s: the message whole, its idle signal kept; a non-string is no message',
    (_name, read, from) => {
      const long = `${'x'.repeat(300_000)}\n\n${MESSAGE}`;
      const r = read(long);
      expect(r.turnEnd).toEqual({ message: long, from });
      expect(r.signal).toMatchObject({ state: 'idle', reason: 'turn_done' });
      for (const bad of HOSTILE) expect(read(bad).turnEnd).toEqual({ message: null, from });
    },
  );

  it('events that do not end a turn carry no message (a StopFailure, a prompt, a tool)', () => {
    const bodies = [
      { hook_event_name: 'StopFailure', error: 'server_error', last_assistant_message: MESSAGE },
      { hook_event_name: 'UserPromptSubmit', prompt: MESSAGE },
      { hook_event_name: 'PreToolUse', tool_name: 'Bash' },
      { hook_event_name: 'Notification', notification_type: 'idle_prompt', message: MESSAGE },
      { hook_event_name: 'SubagentStop', last_assistant_message: MESSAGE },
    ];
    for (const b of bodies) {
      expect(readClaudeHook(b, at).turnEnd).toBeUndefined();
      expect(readQwenHook(b, at).turnEnd).toBeUndefined();
      expect(readCopilotHook(b, at).turnEnd).toBeUndefined();
    }
    expect(
      readGeminiHook({ hook_event_name: 'AfterAgent', prompt_response: '[no response text]' }, at).turnEnd,
    ).toBeUndefined();
  });

  it('OpenCode: its plugin’s session.idle carries the text; a subagent’s or an error’s does not end the agent’s turn with one', () => {
    const from = 'hook session.idle last_assistant_message (plugin)';
    const idle = (extra: Record<string, unknown>) =>
      readOpencodeHook({ hook_event_name: 'session.idle', session_id: 's', ...extra }, at);
    expect(idle({ last_assistant_message: MESSAGE }).turnEnd).toEqual({ message: MESSAGE, from });
    for (const bad of HOSTILE)
      expect(idle({ last_assistant_message: bad }).turnEnd).toEqual({ message: null, from });
    expect(idle({ subagent: true, last_assistant_message: MESSAGE }).turnEnd).toBeUndefined();
    expect(idle({ error: 'MessageAbortedError', last_assistant_message: MESSAGE }).turnEnd).toBeUndefined();
  });
});
