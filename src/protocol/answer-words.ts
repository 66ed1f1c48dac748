import type { AnswerResult } from './answers.js';
import type { WtpEvent } from './events.js';

/** The audit events of answers to agents' dialogs. */
export const ANSWER_EVENT_TYPES = [
  'agent.approved',
  'agent.denied',
  'agent.answered',
] as const satisfies readonly WtpEvent['type'][];

export type AnswerEvent = Extract<WtpEvent, { type: (typeof ANSWER_EVENT_TYPES)[number] }>;

/** Whether an event is an answer (approve, deny, answer). */
export const isAnswerEvent = (e: WtpEvent): e is AnswerEvent =>
  (ANSWER_EVENT_TYPES as readonly string[]).includes(e.type);

/**
 * An answer event in a few words (`wtp events`, `wtp why`): what was done, about what, from where
 * (and the rule, for a policy), after how long a wait, e.g.
 * `approved "npm test" via policy Bash(npm test*) after 1.2 s (pressed enter)`.
 */
export function answerWords(e: AnswerEvent): string {
  const d = e.data;
  const what =
    e.type === 'agent.approved'
      ? e.data.always
        ? `approved always${e.data.scope ? ` (pressed ${JSON.stringify(e.data.scope)}${e.data.modeChange ? ', a mode change' : ''})` : ''}`
        : 'approved'
      : e.type === 'agent.denied'
        ? 'denied'
        : `answered ${JSON.stringify(e.data.text)}`;
  const about = d.about !== null && e.type !== 'agent.answered' ? ` ${JSON.stringify(d.about)}` : '';
  const via = `via ${d.via}${d.rule ? ` ${d.rule}` : ''}`;
  const message =
    e.type === 'agent.denied' && e.data.message ? `, told ${JSON.stringify(e.data.message)}` : '';
  const device = d.device === undefined ? '' : ` from device ${JSON.stringify(d.device)}`;
  return `${what}${about} ${via}${device} after ${(d.waitedMs / 1000).toFixed(1)} s${message} (${sentWords(d.keys, d.channel)})`;
}

/** How an answer reached the agent, in a few words: its CLI's permission hook, or the keys pressed. */
export function sentWords(keys: readonly string[], channel: 'screen' | 'hook' | undefined): string {
  if (channel === 'hook') return 'through its permission hook';
  // An answer that records no key and no hook (an older daemon's) says so, not "pressed ".
  return keys.length === 0 ? 'no key recorded' : `pressed ${keys.join(' ')}`;
}

/** One line saying what an answer did (`wtp approve`, `deny`, `answer`). */
export function describeAnswer(r: AnswerResult): string {
  // The reply to a question its turn ended with: typed at its prompt, not a dialog's keys.
  if (r.action === 'answer' && r.keys[0] === 'text') {
    return `${r.agent.name}: replied ${JSON.stringify(r.about ?? '')} as its next prompt — it started a new turn in ${r.ms} ms (now ${r.agent.state})`;
  }
  const about = r.about === null ? '' : `: ${JSON.stringify(r.about)}`;
  const what =
    r.action === 'always'
      ? `approved${about}, and pressed ${JSON.stringify(r.scope ?? '')}${r.modeChange ? ' (the session’s permission mode changed)' : ''}`
      : r.action === 'approve'
        ? `approved${about}`
        : r.action === 'deny'
          ? `denied${about}`
          : `answered ${JSON.stringify(r.about ?? '')}`;
  return `${r.agent.name}: ${what} — it left the dialog in ${r.ms} ms (now ${r.agent.state}; ${sentWords(r.keys, r.channel)})`;
}
