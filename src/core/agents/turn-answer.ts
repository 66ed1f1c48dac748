import type { AnswerResult } from '../../protocol/answers.js';
import { appError } from '../../protocol/error-messages.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { EventSource } from '../../protocol/events.js';
import { AppError } from '../errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { Clock } from '../ports/daemon.js';
import type { ScreenVerdict } from '../state/detectors/screen-detector.js';
import type { AgentService } from './agent-service.js';
import type { Refused } from './answer-refusals.js';
import type { AnswerOrder } from './dialog-answerer.js';
import type { AnswerFollowing, Sending } from './question-answer.js';

/** Control characters but tab and newline: an answer is text, never keys (an ESC would be one). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** What answering a turn's question needs of the answerer. */
export interface TurnAnswerDeps extends AnswerFollowing {
  service: Pick<AgentService, 'sendInput' | 'view'>;
  clock: Clock;
  leaveTimeoutMs: number;
  /** A reply not taken this long gets its Enter pressed once more (Gemini CLI can take it as pasted). */
  pressAgainMs: number;
  /** Presses Enter in the agent's terminal. */
  pressEnter(agent: AgentRecord): void;
  /** The screen rules' verdict of the agent's screen now (null: none can be read). */
  look(agent: AgentRecord): Promise<ScreenVerdict | null>;
  refuse(agent: AgentRecord, code: ErrorCode, message: string): Promise<AppError>;
  /** What a refusal's details start with: the agent, its state and its screen now. */
  seen(agent: AgentRecord): Promise<Refused>;
}

/** Whether an agent waits on the question its turn ended with, not on a dialog. */
export const waitsOnTurnQuestion = (agent: AgentRecord): boolean =>
  agent.state === 'needs_input' &&
  agent.stateDetail.reason === 'question' &&
  agent.stateDetail.verdict?.says === 'question';

/**
 * Answers the question an agent's turn ended with: the reply is typed at its prompt as a
 * new prompt, through the audited input path (`agent.inputSent`, and `agent.answered` with who
 * answered) — verified first: the text is text (no control characters), and its screen shows no
 * dialog the keys would answer instead. Confirmed when the agent leaves the wait (its new turn).
 */
export async function answerTurnQuestion(
  d: TurnAnswerDeps,
  agent: AgentRecord,
  order: AnswerOrder,
  source: EventSource,
  startedAt: number,
): Promise<AnswerResult> {
  const text = order.text;
  if (text === undefined || text.trim() === '') {
    throw new AppError(
      'INVALID_INPUT',
      `Agent "${agent.name}" asked a question in words: give the reply, e.g. \`wtp answer ${agent.name} "use Postgres"\`.`,
      { issues: [{ path: 'text', message: 'required: the reply' }] },
    );
  }
  if (CONTROL.test(text)) {
    throw new AppError(
      'INVALID_INPUT',
      `The reply to agent "${agent.name}" holds a control character (an escape would be typed as keys); nothing was typed.`,
      { issues: [{ path: 'text', message: 'no control characters but tab and newline' }] },
    );
  }
  const { state, stateSince: since } = agent;
  const drawn = await d.look(agent).catch(() => null);
  if (drawn !== null && (drawn.state === 'needs_permission' || drawn.state === 'needs_input')) {
    throw appError('DIALOG_CHANGED', { ...(await d.seen(agent)), shows: drawn.state });
  }
  await d.service.sendInput(agent.id, text, true, source, false, false, order.from);
  const sent: Sending = { keys: [{ raw: 'text' }, 'enter'], about: text, scope: null, option: null };
  const seq = await d.audit(agent, order, sent, source, startedAt - since);
  let left = await d.leaves(agent.id, state, since, d.pressAgainMs);
  if (!left) {
    // Still waiting since then: the Enter may have been read as part of the pasted text (Gemini
    // CLI under load), leaving the reply in its input. Enter once more, as a user would.
    d.pressEnter(agent);
    left = await d.leaves(agent.id, state, since, Math.max(0, d.leaveTimeoutMs - d.pressAgainMs));
  }
  if (!left) {
    throw await d.refuse(
      agent,
      'ANSWER_NOT_TAKEN',
      `The reply was typed at agent "${agent.name}"'s prompt and Enter pressed, but it had not started a new turn ${Math.round(d.leaveTimeoutMs / 1000)} s later; look at it (\`wtp attach ${agent.name}\`).`,
    );
  }
  return {
    agent: d.service.view(agent),
    action: order.action,
    about: text,
    scope: null,
    modeChange: false,
    keys: ['text', 'enter'],
    left,
    channel: 'screen',
    ms: d.clock.now() - startedAt,
    seq,
  };
}
