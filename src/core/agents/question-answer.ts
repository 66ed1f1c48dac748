import type { AgentState, Screen } from '../../protocol/agent.js';
import { appError } from '../../protocol/error-messages.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { EventSource } from '../../protocol/events.js';
import { AppError } from '../errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import { type DialogNow, dialogNow } from '../state/dialog-answer.js';
import type { ScreenVerdict } from '../state/detectors/screen-detector.js';
import { pickOption, questionOptions } from '../state/question-options.js';
import type { AnswerOrder } from './dialog-answerer.js';
import type { AlwaysOption, DialogKey } from './profiles.js';

/** What a plan sends: the keys, and what the audit says about them. */
export interface Sending {
  keys: readonly DialogKey[];
  about: string | null;
  scope: string | null;
  option: number | null;
  /** `always`: the option pressed changes the session's permission mode. */
  modeChange?: boolean;
  /** `always`: the keys open a second stage, answered once drawn (core/agents/always-stage.ts). */
  stage?: NonNullable<AlwaysOption['stage']>;
}

/** How an answer is recorded and followed, whichever channel gives it (the answerer's own). */
export interface AnswerFollowing {
  /** Records the answer in the agent's event log; resolves to its event's sequence number. */
  audit(
    agent: AgentRecord,
    order: AnswerOrder,
    s: Sending,
    source: EventSource,
    waitedMs: number,
  ): Promise<number>;
  /** Whether the agent leaves `state` within `ms` of `since`. */
  leaves(agentId: string, state: AgentState, since: number, ms: number): Promise<boolean>;
}

/** A refusal of an answer, with what the screen shows now. */
export const refusal = (
  agent: AgentRecord,
  code: ErrorCode,
  now: DialogNow,
  message: string,
  extra: Record<string, unknown> = {},
): AppError => new AppError(code, message, { agent: agent.name, state: agent.state, now, ...extra });

/**
 * How to answer the question on an agent's screen with `text` (an option's number or label): the
 * arrow keys from the dialog's cursor to that option, then Enter — or the refusal that says why
 * not (no question on screen, another dialog, no numbered options, not an option).
 */
export function planQuestion(
  agent: AgentRecord,
  text: string | undefined,
  screen: Screen,
  verdict: ScreenVerdict | null,
): Sending {
  const now = dialogNow(verdict);
  if (text === undefined) {
    throw new AppError('INVALID_INPUT', 'An answer needs its text: the option (number or label).', {
      issues: [{ path: 'text', message: 'required for action answer' }],
    });
  }
  if (verdict === null || verdict.state === 'idle' || verdict.state === 'working') {
    throw refusal(
      agent,
      'AGENT_NOT_WAITING',
      now,
      `Agent "${agent.name}" shows no question on its screen; nothing was pressed.`,
    );
  }
  if (verdict.state !== 'needs_input' || verdict.reason === 'usage_limit') {
    throw appError('DIALOG_CHANGED', {
      agent: agent.name,
      state: agent.state,
      now,
      rule: verdict.rule,
      dialog: verdict.text,
    });
  }
  const found = questionOptions(screen.lines, verdict.line);
  if (found === null) {
    throw appError('ANSWER_NOT_SUPPORTED', { agent: agent.name, state: agent.state, now });
  }
  const pick = pickOption(found.options, text);
  if (pick === null) {
    throw appError('ANSWER_NOT_AN_OPTION', {
      agent: agent.name,
      options: found.options,
      now,
      answer: text,
      choices: found.options.map((o, i) => `${i + 1}. ${o}`),
    });
  }
  // A fresh dialog has its cursor on the first option; moving it there is what a user does too.
  const from = found.selected ?? 0;
  const move: DialogKey = pick > from ? 'down' : 'up';
  const keys: DialogKey[] = [...Array<DialogKey>(Math.abs(pick - from)).fill(move), 'enter'];
  return { keys, about: found.options[pick] ?? null, scope: null, option: pick + 1 };
}
