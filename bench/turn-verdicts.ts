import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpTurnModel } from '../src/adapters/turn-model/http-turn-model.js';
import { systemClock } from '../src/adapters/system/system-clock.js';
import type { TurnVerdict } from '../src/protocol/turn-verdict.js';
import { TurnJudge } from '../src/core/state/turn-judge.js';
import type { TurnRecord } from '../src/core/state/turn-end.js';
import { classifyTurnEnd } from '../src/core/state/turn-rules.js';
import { loadTurnCorpus, scoreTurns, TURN_PARTS, type TurnCase } from '../test/support/turn-corpus.js';
import { progress, ratio, type BenchResult } from './report.js';
import type { RepoPaths } from './repo-paths.js';
import { round } from './stats.js';

/** How the scripted model server answers each message: the corpus label, or its opposite. */
type ModelScript = 'label' | 'opposite';

/** A scripted OpenAI-compatible model server: it answers by the label of the message it is sent. */
async function scriptedModel(
  cases: readonly TurnCase[],
  script: ModelScript,
): Promise<{ url: string; calls: number; close(): Promise<void> }> {
  const byText = new Map(cases.map((c) => [c.text, c.label]));
  const state = { calls: 0 };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      state.calls++;
      const body = JSON.parse(raw) as { messages: { content: string }[] };
      const user = body.messages.at(-1)?.content ?? '';
      const text = user.replace(/^<message>\n/, '').replace(/\n<\/message>$/, '');
      const label = byText.get(text);
      const word =
        label === undefined ? 'DONE' : (label === 'question') === (script === 'label') ? 'QUESTION' : 'DONE';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: word } }],
          usage: { prompt_tokens: Math.ceil(user.length / 4) + 180, completion_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    get calls() {
      return state.calls;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The verdict of every case through TurnJudge with the model (the real HTTP adapter) on a scripted server. */
async function withModel(
  cases: readonly TurnCase[],
  script: ModelScript,
): Promise<{ verdicts: Map<string, TurnVerdict>; calls: number; tokens: number; ms: number[] }> {
  const server = await scriptedModel(cases, script);
  const verdicts = new Map<string, TurnVerdict>();
  const ms: number[] = [];
  let tokens = 0;
  const pending = new Map<string, () => void>();
  const judge = new TurnJudge({
    engine: {
      turnEnded: (agentId: string, turn: TurnRecord) => {
        if (turn.verdict !== null) {
          verdicts.set(agentId, turn.verdict);
          pending.get(agentId)?.();
        }
        return Promise.resolve();
      },
      lastTurn: () => undefined,
    },
    clock: systemClock,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    model: new HttpTurnModel({ api: 'openai', url: server.url, model: 'scripted' }),
    settings: { timeoutMs: 5_000 },
    onModelCall: (call) => {
      ms.push(call.ms);
      tokens += (call.inputTokens ?? 0) + (call.outputTokens ?? 0);
    },
  });
  try {
    for (const c of cases) {
      const done = new Promise<void>((resolve) => pending.set(c.id, resolve));
      await judge.ended(c.id, { message: c.text, from: 'bench' }, Date.now());
      await done;
      pending.delete(c.id);
    }
    return { verdicts, calls: server.calls, tokens, ms };
  } finally {
    await server.close();
  }
}

const score = (cases: readonly TurnCase[], says: (c: TurnCase) => 'question' | 'done') => {
  const s = scoreTurns(cases, says);
  return {
    n: s.n,
    precision: round(s.precision, 3),
    recall: round(s.recall, 3),
    falsePositives: s.fp,
    falseNegatives: s.fn,
    wrong: s.wrong,
  };
};

/** Precision and recall over all, and per part of the corpus (test/fixtures/turn-ends/README.md). */
const parts = (cases: readonly TurnCase[], says: (c: TurnCase) => 'question' | 'done') => ({
  all: score(cases, says),
  ...Object.fromEntries(
    TURN_PARTS.map((p) => [
      p,
      score(
        cases.filter((c) => c.part === p),
        says,
      ),
    ]),
  ),
});

/** A message ending in `?` after its trailing whitespace: the naive classifier the rules replace. */
const naive = (c: TurnCase): 'question' | 'done' => (/[?？]\s*$/.test(c.text) ? 'question' : 'done');

const CORPUS_NOTE =
  'Over the labelled corpus test/fixtures/turn-ends/ (its README: heldout.txt written and committed before the rules; ' +
  'tune.txt, then probe.txt (written after a first round to probe it, first scored at precision 0.688, recall 0.5), tuned on; ' +
  'heldout2.txt written before the second round and never tuned on — extra.rules.heldout2 is the figure least ' +
  'flattered by tuning. All written by the engineer who wrote the rules: they say the rules hold on messages of this ' +
  'kind, not that real agents never phrase a question otherwise). Positive = needs_input (question). ';

/**
 * Part `states`: precision and recall of needs_input over the labelled end-of-turn corpus — the
 * rules alone (src/core/state/turn-rules.ts) against a naive "ends with ?" in the same run, and the
 * rules with the model path (TurnJudge → the real HTTP adapter → a scripted OpenAI-compatible
 * server in this process) for what they are unsure of: a model answering the label (the most a model
 * can add) and one answering the opposite (the most it can take away).
 */
export async function measureTurnVerdicts(paths: RepoPaths): Promise<Record<string, BenchResult>> {
  progress('states: end-of-turn verdicts over the labelled corpus (rules, rules + scripted model)');
  const cases = loadTurnCorpus(paths.root);
  const rules = (c: TurnCase) => classifyTurnEnd(c.text).says;
  const unsure = cases.filter((c) => !classifyTurnEnd(c.text).sure);
  const rulesScore = parts(cases, rules);
  const naiveScore = parts(cases, naive);
  const results: Record<string, BenchResult> = {
    'state.turnVerdict.rules': {
      value: rulesScore.all.precision,
      unit: 'precision',
      baseline: {
        name: 'a message that ends with "?" (the naive rule)',
        value: naiveScore.all.precision,
        samples: cases.length,
      },
      ratio: ratio(rulesScore.all.precision, naiveScore.all.precision),
      samples: cases.length,
      target: 'precision ≥ 0.95 and recall ≥ 0.9 of needs_input without a model (issue 36)',
      meetsTarget: rulesScore.all.precision >= 0.95 && rulesScore.all.recall >= 0.9,
      note: `${CORPUS_NOTE}value = precision over all; extra has recall and both parts; baseline = the naive rule's precision.`,
      extra: { rules: rulesScore, naive: naiveScore, unsure: unsure.map((c) => c.id) },
    },
  };
  for (const script of ['label', 'opposite'] as const) {
    const m = await withModel(cases, script);
    const says = (c: TurnCase) => m.verdicts.get(c.id)?.says ?? 'done';
    const s = parts(cases, says);
    results[`state.turnVerdict.rulesAndModel.${script === 'label' ? 'right' : 'wrong'}`] = {
      value: s.all.precision,
      unit: 'precision',
      baseline: { name: 'the rules alone', value: rulesScore.all.precision, samples: cases.length },
      ratio: ratio(s.all.precision, rulesScore.all.precision),
      samples: cases.length,
      note:
        `${CORPUS_NOTE}The rules, and for the ${unsure.length} messages they are unsure of a scripted model ` +
        `through the real adapter (HttpTurnModel, OpenAI wire format, 127.0.0.1) answering ${
          script === 'label'
            ? "each message's label: the most a model can add"
            : 'the opposite of its label: the most a model can take away'
        }. value = precision over all; extra: recall, both parts, model calls, their time and tokens.`,
      extra: {
        verdicts: s,
        modelCalls: m.calls,
        modelTokens: m.tokens,
        modelMs: { p50: round(median(m.ms), 1), max: round(Math.max(0, ...m.ms), 1) },
      },
    };
  }
  return results;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
