import { describe, expect, it } from 'vitest';
import { agentOf, makeCore, startAgent } from '../../../test/support/core-fakes.js';
import { PROFILES } from '../../vendors/registry.js';
import { receiveHook } from './hook-intake.js';

const S1 = 'a45d805b-7516-4cb3-9ffd-81c5200ca8c5';
const S2 = 'b45d805b-7516-4cb3-9ffd-81c5200ca8c5';

/**
 * A CLI whose Stop hook brings no message (Copilot CLI): its session file is read, and a message
 * from that file counts only once the file records as many turn ends as the hooks told — its
 * writes lag its hook calls under load, and the turn before would be judged instead.
 */
describe('turn ends read from a session file', () => {
  it('asks the file for the turn ends this session told, this one included', async () => {
    const asked: { sessionId: string; ends: number }[] = [];
    const replies = ['Which database should I use, Postgres or SQLite?', null, 'Done: it uses Postgres.'];
    const h = await makeCore({
      turnTranscripts: {
        lastMessage: (_a, sessionId, ends) => {
          asked.push({ sessionId, ends });
          const message = replies.shift() ?? null;
          return Promise.resolve(message === null ? null : { message, from: 'session file' });
        },
      },
    });
    h.preflight.commands.set('copilot', '/opt/copilot/bin/copilot');
    const { id } = await startAgent(h, { profile: 'copilot', argv: [] });
    const hook = (body: Record<string, unknown>) =>
      receiveHook(
        {
          registry: h.core.registry,
          profileCatalog: PROFILES,
          service: h.core.service,
          engine: h.core.engine,
          clock: h.clock,
          turns: h.core.turns,
        },
        id,
        body,
      );
    const turn = async (sessionId: string) => {
      await hook({ hook_event_name: 'userPromptSubmitted', session_id: sessionId });
      h.clock.advance(1_000);
      await hook({ hook_event_name: 'Stop', session_id: sessionId });
      await h.clock.advanceAsync(2_000);
    };
    await turn(S1);
    expect(agentOf(h, id).state).toBe('needs_input');
    // The file had not caught up with the reply's turn: no verdict, not the question again.
    await turn(S1);
    expect(agentOf(h, id)).toMatchObject({ state: 'idle', stateDetail: { reason: 'turn_done' } });
    await turn(S2);
    expect(asked).toEqual([
      { sessionId: S1, ends: 1 },
      { sessionId: S1, ends: 2 },
      { sessionId: S2, ends: 1 },
    ]);
  });
});
