import type { ErrorCode } from '../../protocol/errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import { planDialogAnswer } from '../state/dialog-answer.js';
import type { ScreenVerdict } from '../state/detectors/screen-detector.js';
import { drawnOptions } from '../state/dialog-options.js';
import { optionsToPress, refusalText } from './answer-refusals.js';
import type { AnswerOrder } from './dialog-answerer.js';
import type { DialogAnswers } from './profiles.js';
import { refusal, type Sending } from './question-answer.js';

/** The planner's refusals, as error codes. */
const REFUSALS: Record<
  'DIALOG_CHANGED' | 'NOT_WAITING' | 'NOT_SUPPORTED' | 'NOT_WHOLE' | 'UNKNOWN_DIALOG' | 'CHANGES_MODE',
  ErrorCode
> = {
  DIALOG_CHANGED: 'DIALOG_CHANGED',
  NOT_WAITING: 'AGENT_NOT_WAITING',
  NOT_SUPPORTED: 'ANSWER_NOT_SUPPORTED',
  NOT_WHOLE: 'DIALOG_NOT_WHOLE',
  UNKNOWN_DIALOG: 'DIALOG_UNKNOWN',
  CHANGES_MODE: 'ANSWER_CHANGES_MODE',
};

/**
 * The keys that approve, deny or press "always" on the dialog drawn, checked against what the agent
 * announced; a refusal lists the options the dialog draws, each with the keys that press it.
 */
export function planPermission(
  agent: AgentRecord,
  order: AnswerOrder,
  dialogs: DialogAnswers,
  about: string | undefined,
  verdict: ScreenVerdict | null,
  lines: readonly string[],
): Sending {
  const action = order.action === 'answer' ? 'approve' : order.action;
  const d = agent.stateDetail;
  const plan = planDialogAnswer({
    answers: dialogs,
    action,
    // A rule's approval needs the request on screen whole (a user saw it; a rule did not).
    announced: {
      state: agent.state,
      reason: d.reason,
      tool: d.tool,
      about,
      whole: order.rule !== undefined,
      folder: agent.cwd,
    },
    screen: verdict,
    lines,
    acceptModeChange: order.acceptModeChange === true,
  });
  if (!plan.ok) {
    // A dialog left alone lists its options, each with the keys that press it.
    const drawn =
      verdict !== null && plan.code !== 'NOT_WAITING' && plan.code !== 'CHANGES_MODE'
        ? optionsToPress(agent, drawnOptions(lines, verdict.line))
        : null;
    const text = refusalText(agent, plan.code, action, plan.option) + (drawn?.text ?? '');
    const extra = {
      ...(plan.option === undefined ? {} : { option: plan.option }),
      ...(drawn === null ? {} : { options: drawn.options }),
    };
    throw refusal(agent, REFUSALS[plan.code], plan.now, text, extra);
  }
  return {
    keys: plan.keys,
    about: plan.about ?? about ?? null,
    scope: plan.scope ?? null,
    option: null,
    ...(plan.modeChange === undefined ? {} : { modeChange: plan.modeChange }),
    ...(plan.stage === undefined ? {} : { stage: plan.stage }),
  };
}
