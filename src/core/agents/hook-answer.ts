import type { AnswerResult } from '../../protocol/answers.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import { appError } from '../../protocol/error-messages.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { EventSource } from '../../protocol/events.js';
import type { AppError } from '../errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { Clock } from '../ports/daemon.js';
import { sameAbout } from '../state/dialog-answer.js';
import type { AgentService } from './agent-service.js';
import type { Refused } from './answer-refusals.js';
import type { AnswerOrder } from './dialog-answerer.js';
import type { HeldDecisions } from './held-decisions.js';
import type { ProfileCatalog } from './profiles.js';
import type { AnswerFollowing, Sending } from './question-answer.js';

/** What answering through a held decision hook needs of the answerer. */
export interface HookAnswerDeps extends AnswerFollowing {
  held: Pick<HeldDecisions, 'arrival'> | undefined;
  profileCatalog: ProfileCatalog;
  service: Pick<AgentService, 'view'>;
  clock: Clock;
  /** How long an answer to this agent waits for the dialog's hook call to come in (else: the screen). */
  hookMs(agent: AgentRecord): number;
  leaveTimeoutMs: number;
  refuse(
    agent: AgentRecord,
    code: ErrorCode,
    message: string,
    extra?: Record<string, unknown>,
  ): Promise<AppError>;
  /** What a refusal's details start with: the agent, its state and its screen now. */
  seen(agent: AgentRecord): Promise<Refused>;
}

/**
 * Approve or deny through the CLI's own decision hook, held for the user's answer: the request is
 * the hook's whole input (no screen is read, no key pressed), so any wording of its dialog is
 * answered. The call is waited for up to `hookMs`, as a screen or a status record can announce the
 * dialog before it comes. Null when the CLI has no such channel, the tool is answered on its screen
 * only, no call came, or the call was let go meanwhile: the screen then answers.
 */
export async function answerThroughHook(
  d: HookAnswerDeps,
  agent: AgentRecord,
  order: AnswerOrder,
  source: EventSource,
  startedAt: number,
): Promise<AnswerResult | null> {
  if (order.action !== 'approve' && order.action !== 'deny') return null;
  const user = d.profileCatalog.get(agent.profile).decisionHook?.user;
  const tool = agent.stateDetail.request?.tool ?? agent.stateDetail.tool;
  if (d.held === undefined || user === undefined || user.screenOnly.includes(tool ?? '')) return null;
  const { state, stateSince: since } = agent;
  const held = await d.held.arrival(agent.id, since, announcedAbout(agent.stateDetail), d.hookMs(agent));
  if (held === undefined) return null;
  const shownAbout = order.expect?.about;
  if (shownAbout !== undefined && held.about !== undefined && !sameAbout(shownAbout, held.about, agent.cwd)) {
    throw appError('DIALOG_CHANGED', {
      ...(await d.seen(agent)),
      about: held.about,
      shownAbout,
      done: 'answered',
    });
  }
  const message = order.action === 'deny' ? order.message : undefined;
  if (!held.answer(user.respond(order.action, message))) return null;
  const sending: Sending = { keys: [], about: held.about ?? null, scope: null, option: null };
  const seq = await d.audit(agent, order, sending, source, startedAt - since);
  const left = await d.leaves(agent.id, state, since, d.leaveTimeoutMs);
  if (!left) {
    throw await d.refuse(
      agent,
      'ANSWER_NOT_TAKEN',
      `Agent "${agent.name}" was answered through its permission hook, but it was still in the dialog ${Math.round(d.leaveTimeoutMs / 1000)} s later; look at it (\`wtp attach ${agent.name}\`).`,
      { seq },
    );
  }
  return {
    agent: d.service.view(agent),
    action: order.action,
    about: sending.about,
    scope: null,
    modeChange: false,
    keys: [],
    channel: 'hook',
    left,
    ms: d.clock.now() - startedAt,
    seq,
  };
}
