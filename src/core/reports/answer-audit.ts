import { ANSWER_EVENT_TYPES, type AnswerEvent, isAnswerEvent } from '../../protocol/answer-words.js';
import type { WhyAnswer } from '../../protocol/profiles.js';
import type { EventLog } from '../ports/daemon.js';

const ACTION = {
  'agent.approved': 'approved',
  'agent.denied': 'denied',
  'agent.answered': 'answered',
} as const;

/** One answer event as `wtp why` shows it. */
export function answerOf(e: AnswerEvent): WhyAnswer {
  let detail: string | null;
  switch (e.type) {
    case 'agent.approved':
      detail = e.data.always ? `always${e.data.scope ? ` (${e.data.scope})` : ''}` : null;
      break;
    case 'agent.denied':
      detail = e.data.message;
      break;
    case 'agent.answered':
      detail = e.data.text;
      break;
  }
  return {
    seq: e.seq,
    at: e.ts,
    action: ACTION[e.type],
    via: e.data.via,
    rule: e.data.rule ?? null,
    tool: e.data.tool,
    about: e.data.about,
    detail,
    waitedMs: e.data.waitedMs,
  };
}

const PAGE = 500;

/** The agent's last `max` missed hooks (agent.hookMissed), oldest first, as `wtp why` lists them. */
export async function recentHookMisses(
  log: EventLog,
  agentId: string,
  max = 5,
): Promise<{ at: string; event: string; announcedBy: string }[]> {
  const kept: { at: string; event: string; announcedBy: string }[] = [];
  let since = 0;
  for (;;) {
    const page = await log.since({ since, limit: PAGE, agentId, types: ['agent.hookMissed'] });
    for (const e of page) {
      if (e.type === 'agent.hookMissed')
        kept.push({ at: e.ts, event: e.data.event, announcedBy: e.data.announcedBy });
    }
    if (kept.length > max) kept.splice(0, kept.length - max);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return kept;
    since = last.seq;
  }
}

/** The agent's last `max` answers from the event log, oldest first. */
export async function recentAnswers(log: EventLog, agentId: string, max = 10): Promise<WhyAnswer[]> {
  const kept: AnswerEvent[] = [];
  let since = 0;
  for (;;) {
    const page = await log.since({ since, limit: PAGE, agentId, types: ANSWER_EVENT_TYPES });
    for (const e of page) if (isAnswerEvent(e)) kept.push(e);
    if (kept.length > max) kept.splice(0, kept.length - max);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return kept.map(answerOf);
    since = last.seq;
  }
}
