import { describe, expect, it } from 'vitest';
import { agentOf, makeCore, startAgent } from '../../../test/support/core-fakes.js';
import type { TurnTranscripts } from '../ports/turn-model.js';
import { PROFILES } from '../../vendors/registry.js';
import { receiveHook } from './hook-intake.js';

const S1 = 'a45d805b-7516-4cb3-9ffd-81c5200ca8c5';
const S2 = 'b45d805b-7516-4cb3-9ffd-81c5200ca8c5';

/**
 * A CLI whose Stop hook brings no message (Copilot CLI): its session file is read, and a message
 * from that file counts only once the file records as many turn ends as the hooks told — its
 * writes lag its hook calls under load, and the turn before would be judged instead.
 */
async function copilotCore(turnTranscripts: TurnTranscripts) {
  const h = await makeCore({ turnTranscripts });
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
  return { h, id, hook };
}

/** A session file read that the test finishes: the `wanted` it was given, and its answer. */
function lateFile() {
  const reads: {
    wanted: () => boolean;
    answer: (message: string | null) => void;
  }[] = [];
  const transcripts: TurnTranscripts = {
    lastMessage: (_a, _s, _e, wanted) =>
      new Promise((resolve) => {
        reads.push({
          wanted: wanted ?? (() => true),
          answer: (message) => resolve(message === null ? null : { message, from: 'session file' }),
        });
      }),
  };
  return { reads, transcripts };
}

describe('turn ends read from a session file', () => {
  it('answers the Stop hook at once, holds the idle, and takes a verdict the file brings after the hold', async () => {
    const file = lateFile();
    const { h, id, hook } = await copilotCore(file.transcripts);
    await hook({ hook_event_name: 'userPromptSubmitted', session_id: S1 });
    h.clock.advance(1_000);
    // The call returns while the file is still being read: the CLI is not kept waiting.
    await hook({ hook_event_name: 'Stop', session_id: S1 });
    expect(file.reads).toHaveLength(1);
    await h.clock.advanceAsync(1_000);
    expect(agentOf(h, id).state).toBe('running');
    // Past the hold the turn is idle; the file, flushed late, still says it asked.
    await h.clock.advanceAsync(2_500);
    expect(agentOf(h, id)).toMatchObject({ state: 'idle', stateDetail: { reason: 'turn_done' } });
    expect(file.reads[0]?.wanted()).toBe(true);
    file.reads[0]?.answer('Which database should I use, Postgres or SQLite?');
    await h.clock.advanceAsync(10);
    expect(agentOf(h, id)).toMatchObject({
      state: 'needs_input',
      stateDetail: { reason: 'question', request: { kind: 'question' } },
    });
  });

  it('stops waiting on the file once a later turn ended, and never judges the old turn by it', async () => {
    const file = lateFile();
    const { h, id, hook } = await copilotCore(file.transcripts);
    const turn = async () => {
      await hook({ hook_event_name: 'userPromptSubmitted', session_id: S1 });
      h.clock.advance(1_000);
      await hook({ hook_event_name: 'Stop', session_id: S1 });
      await h.clock.advanceAsync(4_000);
    };
    await turn();
    await turn();
    expect(file.reads.map((r) => r.wanted())).toEqual([false, true]);
    file.reads[1]?.answer('Done: it uses Postgres.');
    await h.clock.advanceAsync(10);
    // The first read, answered late with a question, is not this turn's verdict.
    file.reads[0]?.answer('Which database should I use?');
    await h.clock.advanceAsync(10);
    expect(agentOf(h, id)).toMatchObject({ state: 'idle', stateDetail: { reason: 'turn_done' } });
    expect(h.core.engine.lastTurn(id)?.verdict).toMatchObject({ says: 'done' });
  });

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
