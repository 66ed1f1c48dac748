import type { AgentView } from '../../../protocol/agent.js';
import { announcedAbout } from '../../../protocol/agent-words.js';
import { describeAnswer } from '../../../protocol/answer-words.js';
import type { AnswerAction, AnswerRequest } from '../../../protocol/answers.js';
import type { CliContext } from '../context.js';

/** What the whole CLI and the fast path both send; kept free of commander (the fast path loads it). */
export type AnswerBodyOptions = Pick<AnswerRequest, 'acceptModeChange' | 'message' | 'via'>;

/**
 * The request body; `listed` (a batch) is the agent as it was shown: its state, since when, and
 * the command or path it asked about, so that a change since then refuses the answer.
 */
export function answerBody(
  action: AnswerAction,
  o: AnswerBodyOptions,
  text: string | undefined,
  listed: AgentView | null,
): AnswerRequest {
  const expect = listed && {
    state: listed.state,
    since: listed.stateSince,
    about: announcedAbout(listed.stateDetail),
  };
  return {
    action,
    via: o.via ?? 'cli',
    text,
    message: o.message,
    acceptModeChange: o.acceptModeChange === true ? true : undefined,
    expect: expect ?? undefined,
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
  const body = answerBody(action, o, text, null);
  const r = await ctx.client().call('answerAgent', { params: { agent: ref }, body });
  if (ctx.json) ctx.emit('answers', { answered: [r], refused: [] });
  else ctx.line(describeAnswer(r));
}
