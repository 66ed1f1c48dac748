import type { TurnModelCall, TurnVerdict } from './turn-verdict.js';

/**
 * How a turn's end was decided, in words (`wtp why`, the TUI, the dashboard): what, by which
 * classifier and rule, the model's time and tokens, and where the message was read.
 */
export function verdictWords(v: TurnVerdict): string {
  const what = v.says === 'question' ? 'a question to you' : 'done';
  const m = v.model;
  const tokens =
    m?.inputTokens === undefined && m?.outputTokens === undefined
      ? ''
      : `, ${m.inputTokens ?? '?'} tokens in, ${m.outputTokens ?? '?'} out`;
  const by =
    v.by === 'model' && m !== undefined
      ? `by the model ${m.model} in ${m.ms} ms${tokens} (the rules were unsure: ${v.rule})`
      : m !== undefined
        ? `by the rules (${v.rule}, unsure): the model ${m.model} ${MODEL_FAILED[m.outcome]} after ${m.ms} ms${tokens}`
        : `by the rules (${v.rule}${v.sure ? '' : ', unsure; no model set'})`;
  const read = v.read === undefined ? '' : ` (its last ${v.read} read)`;
  return `${what}, ${by} — its last message, ${v.chars} characters${read}, from ${v.from}`;
}

const MODEL_FAILED: Record<TurnModelCall['outcome'], string> = {
  answered: 'answered',
  timeout: 'timed out',
  error: 'failed',
  unreadable: 'gave no readable answer',
};
