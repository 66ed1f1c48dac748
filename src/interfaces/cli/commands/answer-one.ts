import type { AgentView } from '../../../protocol/agent.js';
import { announcedAbout } from '../../../protocol/agent-words.js';
import { describeAnswer } from '../../../protocol/answer-words.js';
import type { AnswerAction, AnswerRequest } from '../../../protocol/answers.js';
import type { ANSWER_VIA } from '../../../protocol/constants.js';
import type { CliContext } from '../context.js';

/** What the whole CLI and the fast path both send; kept free of commander (the fast path loads it). */
export interface AnswerBodyOptions {
  acceptModeChange?: boolean;
  message?: string;
  via?: (typeof ANSWER_VIA)[number];
}

/** The command or path a waiting agent asks about, as it was announced. */
const aboutOf = (a: AgentView): string | undefined => announcedAbout(a.stateDetail);

/** What a listed agent was shown as waiting on: the answer is refused if that changed. */
function shown(a: AgentView): NonNullable<AnswerRequest['expect']> {
  const about = aboutOf(a);
  return { state: a.state, since: a.stateSince, ...(about === undefined ? {} : { about }) };
}

/** The request body; `listed` (a batch) is what was shown, so a change since then refuses it. */
export function answerBody(
  action: AnswerAction,
  o: AnswerBodyOptions,
  text: string | undefined,
  listed: AgentView | null,
): AnswerRequest {
  return {
    action,
    via: o.via ?? 'cli',
    ...(text === undefined ? {} : { text }),
    ...(o.message === undefined ? {} : { message: o.message }),
    ...(o.acceptModeChange === true ? { acceptModeChange: true } : {}),
    ...(listed === null ? {} : { expect: shown(listed) }),
  };
}

/** Answers one named agent and prints what it did. */
export async function answerOne(
  ctx: CliContext,
  action: AnswerAction,
  ref: string,
  o: AnswerBodyOptions,
  text?: string,
): Promise<void> {
  const r = await ctx
    .client()
    .call('answerAgent', { params: { agent: ref }, body: answerBody(action, o, text, null) });
  if (ctx.json) ctx.emit('answers', { answered: [r], refused: [] });
  else ctx.line(describeAnswer(r));
}
