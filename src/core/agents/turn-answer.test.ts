import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore, type Harness } from '../../../test/support/core-fakes.js';
import { FAKE_SCREEN } from '../../../test/support/fake-ports.js';
import type { Screen, StateDetail } from '../../protocol/agent.js';
import { DETECTORS } from '../../vendors/registry.js';
import { AppError } from '../errors.js';
import { parseCorpusScreen } from '../state/detectors/screen-corpus.js';
import { DialogAnswerer } from './dialog-answerer.js';

const SCREENS = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'screens',
  'claude',
  '2.1.330',
);
const recorded = (name: string): Screen => {
  const { lines } = parseCorpusScreen(readFileSync(join(SCREENS, name), 'utf8'));
  return { ...FAKE_SCREEN, lines: [...lines], rows: lines.length };
};

/** needs_input(question) from a turn's last message (issue 36). */
const TURN_QUESTION: StateDetail = {
  reason: 'question',
  source: 'hook',
  evidence: 'turn end: asks the user (rules final-question) in hook Stop last_assistant_message',
  request: { kind: 'question', question: 'Which database should I use, Postgres or SQLite?' },
  verdict: {
    says: 'question',
    by: 'rules',
    rule: 'final-question',
    sure: true,
    from: 'hook Stop last_assistant_message',
    chars: 49,
  },
};

interface Rig {
  h: Harness;
  answerer: DialogAnswerer;
  sent: { text: string; enter: boolean; source: string }[];
  /** Keys pressed raw (a dialog's answer): never for a turn question. */
  pressed: string[];
  screen: { now: Screen };
}

async function rig(detail: StateDetail = TURN_QUESTION): Promise<Rig> {
  const h = await makeCore();
  const sent: Rig['sent'] = [];
  const pressed: string[] = [];
  const screen = { now: recorded('text-reply-03.screen') };
  const agent = agentRecord({
    id: 'ag-1',
    name: 'a1',
    profile: 'claude',
    version: '2.1.330',
    state: 'needs_input',
    stateDetail: detail,
  });
  await h.core.registry.add(agent, []);
  const answerer = new DialogAnswerer({
    registry: h.core.registry,
    profileCatalog: h.core.profileCatalog,
    detectors: DETECTORS,
    clock: h.clock,
    log: h.log,
    output: h.core.output,
    service: {
      screen: () => Promise.resolve(screen.now),
      typeRaw: (_a, bytes) => pressed.push(Buffer.from(bytes).toString('utf8')),
      view: (a) => h.core.service.view(a),
      deliverPrompt: () => undefined,
      sendInput: (_ref, text, enter, source) => {
        sent.push({ text, enter, source });
        return Promise.resolve({ bytes: text.length + 1, seq: 1 });
      },
    },
  });
  return { h, answerer, sent, pressed, screen };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err instanceof AppError) return err;
  throw new Error(`expected an AppError, got ${String(err)}`);
}

const startsTurn = async (r: Rig): Promise<void> => {
  const a = r.h.core.registry.resolve('a1');
  await r.h.core.lifecycle.applyActivity(a, 'working', { reason: 'working' }, 'agent');
};

describe('answering the question a turn ended with: hostile replies first', () => {
  it('refuses a reply with control characters (an escape would be keys), or none; nothing typed', async () => {
    const r = await rig();
    for (const text of ['Postgres\u001b[201~\u0003', 'ok\rrm -rf', '\u0000', '\u009b2J']) {
      const err = await rejection(r.answerer.answer('a1', { action: 'answer', via: 'cli', text }, 'cli'));
      expect(err.code).toBe('INVALID_INPUT');
    }
    for (const text of [undefined, '   ']) {
      const order = {
        action: 'answer' as const,
        via: 'cli' as const,
        ...(text === undefined ? {} : { text }),
      };
      expect((await rejection(r.answerer.answer('a1', order, 'cli'))).code).toBe('INVALID_INPUT');
    }
    expect(r.sent).toEqual([]);
    expect(r.h.store.ofType('agent.answered', 'ag-1')).toEqual([]);
  });

  it('refuses when its screen shows a dialog (the reply would answer that), nothing typed', async () => {
    const r = await rig();
    r.screen.now = recorded('permission-03.screen');
    const refused = rejection(
      r.answerer.answer('a1', { action: 'answer', via: 'cli', text: 'Postgres' }, 'cli'),
    );
    await r.h.clock.advanceAsync(5_000);
    const err = await refused;
    expect(err.code).toBe('DIALOG_CHANGED');
    expect(r.sent).toEqual([]);
  });

  it('refuses an answer to what the user was not shown (the wait changed since)', async () => {
    const r = await rig();
    const order = {
      action: 'answer' as const,
      via: 'cli' as const,
      text: 'Postgres',
      expect: { state: 'needs_input' as const, since: new Date(1).toISOString() },
    };
    const refused = rejection(r.answerer.answer('a1', order, 'cli'));
    await r.h.clock.advanceAsync(5_000);
    expect((await refused).code).toBe('DIALOG_CHANGED');
    expect(r.sent).toEqual([]);
  });
});

describe('answering the question a turn ended with', () => {
  it('types the reply at its prompt with Enter, audits who answered, and returns once a new turn works', async () => {
    const r = await rig();
    const done = r.answerer.answer('a1', { action: 'answer', via: 'tui', text: 'Postgres, please' }, 'cli');
    await r.h.clock.advanceAsync(10);
    expect(r.sent).toEqual([{ text: 'Postgres, please', enter: true, source: 'cli' }]);
    expect(r.h.store.ofType('agent.answered', 'ag-1')).toMatchObject([
      { data: { via: 'tui', text: 'Postgres, please', option: null, keys: ['text', 'enter'] } },
    ]);
    expect(r.pressed).toEqual([]);
    await startsTurn(r);
    await expect(done).resolves.toMatchObject({
      action: 'answer',
      about: 'Postgres, please',
      keys: ['text', 'enter'],
      left: true,
      agent: { state: 'working' },
    });
  });

  it('says so when the agent did not start a turn (ANSWER_NOT_TAKEN)', async () => {
    const r = await rig();
    const done = rejection(r.answerer.answer('a1', { action: 'answer', via: 'cli', text: 'SQLite' }, 'cli'));
    await r.h.clock.advanceAsync(15_000);
    expect((await done).code).toBe('ANSWER_NOT_TAKEN');
    expect(r.sent).toHaveLength(1);
    expect(r.pressed).toEqual(['\r']);
  });

  it('presses Enter once more when the reply was not taken (Gemini CLI can read it as pasted)', async () => {
    const r = await rig();
    const done = r.answerer.answer('a1', { action: 'answer', via: 'cli', text: 'SQLite' }, 'cli');
    await r.h.clock.advanceAsync(2_999);
    expect(r.pressed).toEqual([]);
    await r.h.clock.advanceAsync(1);
    expect(r.pressed).toEqual(['\r']);
    await startsTurn(r);
    await expect(done).resolves.toMatchObject({ left: true, about: 'SQLite' });
    expect(r.sent).toHaveLength(1);
  });

  it('a question dialog (no verdict) still goes through its dialog, not the prompt', async () => {
    const r = await rig({
      reason: 'question',
      source: 'hook',
      evidence: 'hook PermissionRequest AskUserQuestion',
    });
    r.screen.now = recorded('question-03.screen');
    const done = r.answerer
      .answer('a1', { action: 'answer', via: 'cli', text: '1' }, 'cli')
      .catch((e: unknown) => e);
    await r.h.clock.advanceAsync(20_000);
    await done;
    expect(r.sent).toEqual([]);
    expect(r.pressed.length).toBeGreaterThan(0);
  });
});
