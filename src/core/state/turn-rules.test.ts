import { describe, expect, it } from 'vitest';
import { loadTurnCorpus, scoreTurns } from '../../../test/support/turn-corpus.js';
import { classifyTurnEnd } from './turn-rules.js';

const corpus = loadTurnCorpus(process.cwd());

describe('classifyTurnEnd: hostile messages first', () => {
  it('does not read a ? in code, a log, a quotation, a quoted string or a URL as asking', () => {
    const cases = [
      'Added the check:\n\n```js\nif (!ok) ask("Proceed?");\n```',
      'Fixed it.\n\n```\nunclosed fence, what now?',
      'Done:\n\n    retry? yes\n    really?',
      'Updated the FAQ:\n\n> Can I use it offline?',
      'The dialog now says "Delete this project?" instead of "Are you sure?".',
      'Deployed: https://example.com/?build=1&ok=2?',
      'The `?` operator now propagates errors, e.g. `read()?`.',
      '| case | ok? |\n|---|---|\n| a | yes |',
      // A sentence that starts with a verb of asking used as a noun (the bench's own "Answer Q0…").
      'Answer Q0abcdefgh',
      'Answer: 42.',
      'Select statements now use the new index.',
      'Share buttons were added to the footer.',
      'Reply-to headers are set on every mail now.',
    ];
    for (const text of cases) expect(classifyTurnEnd(text), text).toMatchObject({ says: 'done' });
  });

  it('reads through terminal escapes and control characters, and never throws', () => {
    expect(classifyTurnEnd('\u001b[1mShould I\u001b[0m deploy\u0000 now?\u001b]0;title\u0007')).toMatchObject(
      {
        says: 'question',
        question: 'Should I deploy now?',
      },
    );
    for (const text of ['', '\n\n', '?', '```', '\u001b', '\u001b]', '> ?', '- ?', '.'.repeat(10_000)]) {
      expect(['question', 'done']).toContain(classifyTurnEnd(text).says);
    }
  });

  it('decides on the whole message, however long: a question after 1 MB of output still counts', () => {
    const noise = 'A line of build output that ends with a question mark?\n'.repeat(20_000);
    const text = `Here is the log:\n\n\`\`\`\n${noise}\`\`\`\n\nShould I retry the build?`;
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(classifyTurnEnd(text)).toMatchObject({ says: 'question', question: 'Should I retry the build?' });
    expect(classifyTurnEnd(`${noise}\n\nAll fixed.`)).toMatchObject({ says: 'done' });
  });

  it('runs in linear time on messages made to backtrack: 1 MB of each in well under a second', () => {
    const mb = 1_000_000;
    const hostile = [
      // A list's intro of pick words with no `:` (each word once retried the rest of the line).
      `${'which '.repeat(mb / 6)}\n- a\n- b`,
      // A run of blanks inside a sentence (the trailing-character strip retried it from each one).
      `Should I ${' '.repeat(mb)}go on`,
      `${', '.repeat(mb / 2)}right`,
      `need the ${'x '.repeat(mb / 2)}`,
      `${'"'.repeat(mb)}?`,
      `${'\u001b]'.repeat(mb / 2)}done`,
      `${'https://a'.repeat(mb / 9)}?`,
    ];
    for (const text of hostile) {
      const started = performance.now();
      classifyTurnEnd(text);
      // Linear: tens of ms; a quadratic pattern takes minutes on these.
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(3_000);
    }
  });

  it('keeps the question and the options it offers within the state detail’s bounds', () => {
    const long = `Which one should I use? ${'x'.repeat(5_000)}?`;
    expect(classifyTurnEnd(long).question?.length).toBeLessThanOrEqual(2_000);
    const many = `Please choose one of the following:\n${Array.from({ length: 40 }, (_, i) => `- option ${i} ${'y'.repeat(400)}`).join('\n')}`;
    const v = classifyTurnEnd(many);
    expect(v).toMatchObject({ says: 'question', rule: 'choices-offered' });
    expect(v.options?.length).toBe(20);
    expect(Math.max(...(v.options ?? []).map((o) => o.length))).toBeLessThanOrEqual(300);
  });
});

describe('classifyTurnEnd: what it decides and which rule', () => {
  it.each([
    ['Which database should I use, Postgres or SQLite?', 'question', 'final-question'],
    ['Two options:\n\n1. Redis\n2. Postgres\n\nWhich one?', 'question', 'final-question'],
    ['Which of these should I do first?\n\n1. The leak\n2. The search', 'question', 'choices-offered'],
    ['Let me know which layout you prefer.', 'question', 'asks-to-know'],
    ['Let me know if I should proceed with the migration.', 'question', 'asks-whether'],
    ['Should I run the e2e suite? It takes 40 minutes.', 'question', 'asks-then-qualifies'],
    ['Done! Let me know if you need anything else.', 'done', 'courtesy'],
    ['All done. Anything else?', 'done', 'courtesy-question'],
    ['Why was it slow? Each request opened a connection; now pooled.', 'done', 'answered-question'],
    ['Implemented and tested.', 'done', 'no-question'],
    ['All green. Pretty neat, right?', 'done', 'rhetorical-question'],
    ['Reply with 1 or 2 and I will continue.', 'question', 'asks-to-choose'],
    ['Do you want me to go on, or stop here', 'question', 'unmarked-question'],
    ['I will hold off until you decide.', 'question', 'waits-on-user'],
  ])('%j → %s (%s)', (text, says, rule) => {
    expect(classifyTurnEnd(text)).toMatchObject({ says, rule });
  });

  it('gives the options a question lists', () => {
    expect(classifyTurnEnd('Options:\n- A: keep it\n- B: drop it\n\nWhat do you think?')).toMatchObject({
      says: 'question',
      options: ['A: keep it', 'B: drop it'],
    });
  });
});

describe('the labelled corpus (test/fixtures/turn-ends)', () => {
  it('has at least 200 cases, a held-out part among them, questions and summaries both', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((c) => c.part === 'heldout').length).toBeGreaterThanOrEqual(80);
    expect(new Set(corpus.map((c) => c.id)).size).toBe(corpus.length);
    for (const label of ['question', 'done'] as const) {
      expect(corpus.filter((c) => c.label === label).length).toBeGreaterThan(80);
    }
  });

  it.each(['heldout', 'tune', 'probe'] as const)(
    'the rules alone reach precision ≥ 0.95 and recall ≥ 0.9 of needs_input on the %s part',
    (part) => {
      const s = scoreTurns(
        corpus.filter((c) => c.part === part),
        (c) => classifyTurnEnd(c.text).says,
      );
      expect(s.precision, `wrong: ${s.wrong.join(' ')}`).toBeGreaterThanOrEqual(0.95);
      expect(s.recall, `wrong: ${s.wrong.join(' ')}`).toBeGreaterThanOrEqual(0.9);
    },
  );

  it('the second held-out part keeps what it scored when first read (precision 1, recall 13/15): a guard, not a goal', () => {
    // Not tuned on (test/fixtures/turn-ends/README.md): its two misses are left as they are.
    const s = scoreTurns(
      corpus.filter((c) => c.part === 'heldout2'),
      (c) => classifyTurnEnd(c.text).says,
    );
    expect(s.precision, `wrong: ${s.wrong.join(' ')}`).toBeGreaterThanOrEqual(0.95);
    expect(s.recall, `wrong: ${s.wrong.join(' ')}`).toBeGreaterThanOrEqual(0.85);
  });
});
