import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One labelled end-of-turn message of test/fixtures/turn-ends/ (its README says the format). */
export interface TurnCase {
  id: string;
  label: 'question' | 'done';
  source: 'observed' | 'written';
  part: 'heldout' | 'tune' | 'probe' | 'heldout2';
  text: string;
}

export const TURN_PARTS = ['heldout', 'tune', 'probe', 'heldout2'] as const;

/** Parses one corpus file; a malformed header throws (a corpus is never read half). */
export function parseTurnCorpus(content: string, part: TurnCase['part']): TurnCase[] {
  const out: TurnCase[] = [];
  let cur: { head: string[]; body: string[] } | null = null;
  const flush = (): void => {
    if (cur === null) return;
    const [id, label, source, json] = cur.head;
    if (
      id === undefined ||
      (label !== 'question' && label !== 'done') ||
      (source !== 'observed' && source !== 'written') ||
      (json !== undefined && json !== 'json')
    ) {
      throw new Error(`turn corpus ${part}: bad header "%%% ${cur.head.join(' ')}"`);
    }
    const raw = cur.body.join('\n');
    const text = json === 'json' ? (JSON.parse(raw) as unknown) : raw;
    if (typeof text !== 'string') throw new Error(`turn corpus ${part} ${id}: not a string`);
    out.push({ id, label, source, part, text });
  };
  for (const line of content.split('\n')) {
    if (line.startsWith('%%% ')) {
      flush();
      cur = { head: line.slice(4).trim().split(/\s+/), body: [] };
    } else if (cur !== null) cur.body.push(line);
    else if (line !== '' && !line.startsWith('#'))
      throw new Error(`turn corpus ${part}: text before the first entry`);
  }
  flush();
  for (const c of out) c.text = c.text.replace(/\n+$/, '');
  return out;
}

/** Every case of the corpus under `root` (the repository), held-out part first. */
export function loadTurnCorpus(root: string): TurnCase[] {
  return TURN_PARTS.flatMap((part) =>
    parseTurnCorpus(readFileSync(join(root, 'test/fixtures/turn-ends', `${part}.txt`), 'utf8'), part),
  );
}

/** Precision and recall of `question` (needs_input) over labelled cases and the verdicts given them. */
export function scoreTurns(
  cases: readonly TurnCase[],
  says: (c: TurnCase) => 'question' | 'done',
): { n: number; tp: number; fp: number; fn: number; precision: number; recall: number; wrong: string[] } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const wrong: string[] = [];
  for (const c of cases) {
    const v = says(c);
    if (v === 'question' && c.label === 'question') tp++;
    else if (v === 'question') fp++;
    else if (c.label === 'question') fn++;
    if (v !== c.label) wrong.push(c.id);
  }
  return {
    n: cases.length,
    tp,
    fp,
    fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    wrong,
  };
}
