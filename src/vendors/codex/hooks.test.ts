import { describe, expect, it } from 'vitest';
import { readCodexHook } from './hooks.js';

/** A notify payload as codex 0.169.0 passed it (seen), with `wtp hook`'s event name added. */
const turn = (input: string[], thread = '01a20982-d10a-78f3-a939-296c739ef802'): Record<string, unknown> => ({
  hook_event_name: 'agent-turn-complete',
  type: 'agent-turn-complete',
  'thread-id': thread,
  'turn-id': '01a20982-d1b5-7f92-97ba-17c4226d341a',
  cwd: '/tmp/proj',
  client: 'codex-tui',
  'input-messages': input,
  'last-assistant-message': 'Hi there!',
});

const TITLE =
  'Generate a concise, single-line task title of at most 36 characters and under five words where possible. ' +
  'Start with an imperative verb.\n\nUser prompt:\nsay hi';

describe('readCodexHook (codex notify)', () => {
  it('a completed turn names the session (its thread id) and its last message; no signal: OSC 7501 tells the state', () => {
    expect(readCodexHook(turn(['say hi']))).toEqual({
      signal: null,
      sessionId: '01a20982-d10a-78f3-a939-296c739ef802',
      event: 'agent-turn-complete',
      turnEnd: { message: 'Hi there!', from: 'notify agent-turn-complete last-assistant-message' },
    });
  });

  it('the side thread that names the task is not the session, nor a turn of the agent', () => {
    const side = readCodexHook(turn([TITLE], '01a20982-d221-7f30-afc2-02b8ef02a30a'));
    expect(side.sessionId).toBeNull();
    expect(side.turnEnd).toBeUndefined();
  });

  it('a last message that is not a string is no message (the turn end stands, undecided)', () => {
    for (const bad of [42, { text: 'Which?' }, null, ['Which?']]) {
      expect(readCodexHook({ ...turn(['say hi']), 'last-assistant-message': bad }).turnEnd).toEqual({
        message: null,
        from: 'notify agent-turn-complete last-assistant-message',
      });
    }
  });

  it('only a UUID is taken as the session (it goes after `codex resume`)', () => {
    for (const bad of ['--last', '', 'x'.repeat(36), '01a20982-d10a-78f3-a939-296c739ef802 --x']) {
      expect(readCodexHook(turn(['say hi'], bad)).sessionId).toBeNull();
    }
    expect(
      readCodexHook({ hook_event_name: 'other', 'thread-id': '01a20982-d10a-78f3-a939-296c739ef802' }),
    ).toEqual({
      signal: null,
      sessionId: null,
      event: 'other',
    });
  });
});
