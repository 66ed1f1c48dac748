import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import type { TurnRecord } from './turn-end.js';
import { TurnJudge } from './turn-judge.js';
import { RULES_MAX_CHARS } from './turn-rules.js';

function judge() {
  const turns: TurnRecord[] = [];
  const warnings: string[] = [];
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: (_o: unknown, msg: string) => void warnings.push(msg),
    error: () => undefined,
  };
  const j = new TurnJudge({
    engine: {
      turnEnded: (_id: string, t: TurnRecord) => {
        turns.push(t);
        return Promise.resolve();
      },
      lastTurn: () => undefined,
    },
    clock: new FakeClock(),
    log,
  });
  return { j, turns, warnings };
}

describe('TurnJudge: a hostile last message', () => {
  it('reads only the end of a message longer than the rules read, and says so', async () => {
    const { j, turns, warnings } = judge();
    // A fence opened 1 MB before the end and closed just before the question: still code, then prose.
    const code = 'a log line that asks a question?\n'.repeat(40_000);
    const message = `Output:\n\n\`\`\`\n${code}\`\`\`\n\nShould I retry the build?`;
    await j.ended('ag-1', { message, from: 'hook Stop' }, 1_000);
    expect(turns.at(-1)?.verdict).toMatchObject({
      says: 'question',
      rule: 'final-question',
      chars: message.length,
      read: expect.any(Number),
    });
    expect(turns.at(-1)?.verdict?.read).toBeLessThanOrEqual(RULES_MAX_CHARS + 4);
    expect(warnings).toContain('turn end: a long last message, only its end read');
    await j.ended('ag-1', { message: 'All done.', from: 'hook Stop' }, 2_000);
    expect(turns.at(-1)?.verdict).not.toHaveProperty('read');
  });
});
