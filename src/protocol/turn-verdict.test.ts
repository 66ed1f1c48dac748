import { describe, expect, it } from 'vitest';
import { turnVerdictSchema, type TurnVerdict } from './turn-verdict.js';
import { verdictWords } from './turn-words.js';

const base: TurnVerdict = {
  says: 'question',
  by: 'rules',
  rule: 'final-question',
  sure: true,
  from: 'hook Stop last_assistant_message',
  chars: 49,
};

describe('verdictWords: which classifier decided, and on what', () => {
  it('the rules', () => {
    expect(verdictWords(base)).toBe(
      'a question to you, by the rules (final-question) — its last message, 49 characters, from hook Stop last_assistant_message',
    );
    expect(verdictWords({ ...base, says: 'done', rule: 'answered-question', sure: false })).toContain(
      'done, by the rules (answered-question, unsure; no model set)',
    );
  });

  it('the model, with its time and tokens; or the rules when it failed', () => {
    const model = {
      model: 'qwen2.5:0.5b',
      outcome: 'answered',
      says: 'question',
      ms: 640,
      inputTokens: 212,
      outputTokens: 1,
    } as const;
    expect(verdictWords({ ...base, by: 'model', sure: false, rule: 'answered-question', model })).toContain(
      'by the model qwen2.5:0.5b in 640 ms, 212 tokens in, 1 out (the rules were unsure: answered-question)',
    );
    expect(
      verdictWords({
        ...base,
        says: 'done',
        sure: false,
        rule: 'answered-question',
        model: { model: 'm', outcome: 'timeout', ms: 5000 },
      }),
    ).toContain('by the rules (answered-question, unsure): the model m timed out after 5000 ms');
  });

  it('the schema refuses what a forged row could carry too much of', () => {
    expect(turnVerdictSchema.safeParse({ ...base, from: 'x'.repeat(201) }).success).toBe(false);
    expect(turnVerdictSchema.safeParse({ ...base, chars: -1 }).success).toBe(false);
    expect(turnVerdictSchema.safeParse({ ...base, by: 'oracle' }).success).toBe(false);
  });
});
