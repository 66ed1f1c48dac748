import { describe, expect, it } from 'vitest';
import { copilotTranscript, lastCopilotMessage } from './transcript.js';

const SID = 'e227053d-eac4-4c25-81cf-e66209a783f6';
const line = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, data, id: 'x' });

describe('Copilot CLI session file (issue 36): hostile input first', () => {
  it('makes a path only from a session id that is a UUID; a relative COPILOT_HOME is not taken', () => {
    for (const bad of ['../../etc', `${SID}/../x`, '', 'abc', `${SID}\n`, '-rf']) {
      expect(copilotTranscript({}, '/home/me', bad)).toBeNull();
    }
    expect(copilotTranscript({}, '/home/me', SID)).toBe(
      `/home/me/.copilot/session-state/${SID}/events.jsonl`,
    );
    expect(copilotTranscript({ COPILOT_HOME: '/x/cp/' }, '/home/me', SID)).toBe(
      `/x/cp/session-state/${SID}/events.jsonl`,
    );
    expect(copilotTranscript({ COPILOT_HOME: 'rel/cp' }, '/home/me', SID)).toBe(
      `/home/me/.copilot/session-state/${SID}/events.jsonl`,
    );
  });

  it('skips a line cut short or not JSON, and a message of another type than text', () => {
    const text = [
      line('user.message', { content: 'pick the database' }),
      line('assistant.message', { content: 'Which one, Postgres or SQLite?' }),
      line('assistant.message', { content: { nested: 'not text' } }),
      '{"type":"assistant.message","data":{"content":"cut sh',
      'garbage',
    ].join('\n');
    expect(lastCopilotMessage(text).message).toBe('Which one, Postgres or SQLite?');
  });
});

describe('Copilot CLI session file: the turn’s last message', () => {
  it('is the last assistant text after the last user message; none when the turn has none yet', () => {
    const turn = [
      line('user.message', { content: 'first' }),
      line('assistant.message', { content: 'Done with the first.' }),
      line('assistant.turn_end', { turnId: '0' }),
      line('user.message', { content: 'second' }),
      line('assistant.message', { content: 'Looking…', toolRequests: [{}] }),
      line('tool.execution_complete', {}),
      line('assistant.message', { content: 'Should I also update the docs?' }),
      line('assistant.turn_end', { turnId: '1' }),
      line('hook.start', { hookType: 'agentStop' }),
    ];
    expect(lastCopilotMessage(turn.join('\n'))).toEqual({
      message: 'Should I also update the docs?',
      ends: 1,
    });
    expect(lastCopilotMessage(turn.slice(0, 4).join('\n'))).toEqual({ message: null, ends: 0 });
    expect(lastCopilotMessage('')).toEqual({ message: null, ends: 0 });
  });

  it('counts the turn ends it records: a hook.start of its agentStop hook before each Stop call (recorded, 1.0.102)', () => {
    const first = [
      line('hook.start', { hookType: 'userPromptSubmitted' }),
      line('user.message', { content: 'pick the database' }),
      line('assistant.turn_start', { turnId: '0' }),
      line('assistant.message', { content: 'Which database should I use, Postgres or SQLite?' }),
      line('assistant.turn_end', { turnId: '0' }),
      line('hook.start', { hookType: 'agentStop' }),
      line('hook.end', { hookType: 'agentStop' }),
    ];
    // The reply's Stop came; the file has not caught up: it still ends with the question's turn.
    expect(lastCopilotMessage(first.join('\n'))).toEqual({
      message: 'Which database should I use, Postgres or SQLite?',
      ends: 1,
    });
    const both = [
      ...first,
      line('user.message', { content: 'Use Postgres please' }),
      line('assistant.message', { content: 'Done: it uses Postgres now.' }),
      line('hook.start', { hookType: 'subagentStop' }),
      line('hook.start', { hookType: 'agentStop' }),
    ];
    expect(lastCopilotMessage(both.join('\n'))).toEqual({ message: 'Done: it uses Postgres now.', ends: 2 });
  });
});
