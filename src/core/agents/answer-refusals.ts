import type { AgentState } from '../../protocol/agent.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { DialogNow } from '../state/dialog-answer.js';
import type { DrawnOption } from '../state/dialog-options.js';
import type { AnswerOrder } from './dialog-answerer.js';

/** Why an agent is not answered: what it is now, and what the user was shown only when they said (`expect`). */
export function notWaiting(
  agent: AgentRecord,
  action: AnswerOrder['action'],
  shown: AgentState | undefined,
): string {
  const asks = action === 'answer' ? 'a question (needs_input)' : 'permission (needs_permission)';
  const limit = agent.stateDetail.reason === 'usage_limit' ? ' (it waits for its usage limit to reset)' : '';
  const changed = shown !== undefined && shown !== agent.state ? ` (it was ${shown} when you looked)` : '';
  return `Agent "${agent.name}" does not wait for ${asks}: it is ${agent.state}${limit}${changed}; nothing was pressed.`;
}

/** What a refusal's details start with: the agent, its state now and what its screen shows now. */
export interface Refused {
  agent: string;
  state: AgentState;
  now: DialogNow | null;
}

/** The last answer given through wezterm-parallel to an agent's dialog. */
export interface GivenAnswer {
  /** When the dialog it answered began (the agent's stateSince then). */
  since: number;
  via: AnswerOrder['via'];
  action: AnswerOrder['action'];
  at: number;
}

const DONE: Record<AnswerOrder['action'], string> = {
  approve: 'approved',
  always: 'approved always',
  deny: 'denied',
  answer: 'answered',
};

/**
 * What became of the dialog a user was shown (`shownSince`), once the agent is no longer in it:
 * answered through wezterm-parallel (`by`: from where, `how`: from where, as what and when), or left
 * otherwise (in its terminal, or its CLI went on); `outcome` says which, `clause` adds it to another
 * refusal. Without `shownSince`, the dialog the last answer took the agent out of, when it waits
 * on none (`waiting`: it does) and nothing has changed since. Null when there is nothing to say.
 */
export function answeredAlready(
  agent: AgentRecord,
  last: GivenAnswer | undefined,
  shown: { since?: number | undefined; waiting: boolean },
  now: number,
): { by: string | null; how: string | null; outcome: string; clause: string } | null {
  const shownSince = shown.since;
  const leftByIt =
    !shown.waiting && last !== undefined && last.since < agent.stateSince && agent.stateSince <= last.at;
  const since = shownSince ?? (leftByIt ? last.since : undefined);
  if (since === undefined || agent.stateSince === since) return null;
  if (last !== undefined && last.since === since) {
    const ago = Math.max(0, Math.round((now - last.at) / 1000));
    const how = `from ${last.via} (${DONE[last.action]}, ${ago} s ago)`;
    return {
      by: last.via,
      how,
      outcome: `answered ${how}`,
      clause: ` The one you were shown was answered ${how}.`,
    };
  }
  if (shownSince === undefined) return null;
  const clause = ` It left the dialog you were shown without an answer through wezterm-parallel: it was answered in its terminal, or its CLI went on.`;
  return {
    by: null,
    how: null,
    outcome: 'left without an answer through wezterm-parallel (answered in its terminal, or its CLI went on)',
    clause,
  };
}

export function refusalText(agent: AgentRecord, code: string, action: string, option?: string): string {
  switch (code) {
    case 'UNKNOWN_DIALOG':
      return `Agent "${agent.name}" shows a dialog its CLI's screen rules do not know how to answer; nothing was pressed. Look at it (\`wtp peek ${agent.name}\`), then press its keys: \`wtp send ${agent.name} --key <key> --force\` (recorded as an answer), or answer in its terminal (\`wtp attach ${agent.name}\`).`;
    case 'CHANGES_MODE':
      return `Agent "${agent.name}"'s "always" option is ${JSON.stringify(option ?? '')}: it changes the session's permission mode, which is more than this request; nothing was pressed. Approve this one request (\`wtp approve ${agent.name}\`), or pass --accept-mode-change to press it.`;
    case 'NOT_SUPPORTED':
      return `Agent "${agent.name}"'s dialog has no "${action}" option; answer in its terminal (\`wtp attach ${agent.name}\`).`;
    case 'NOT_WAITING':
      return `Agent "${agent.name}" shows no permission dialog on its screen; nothing was pressed.`;
    case 'NOT_WHOLE':
      return `Agent "${agent.name}"'s screen shows only part of the request (cut or wrapped): an approval rule never approves it; nothing was pressed. Answer it yourself.`;
    default:
      return `The dialog on agent "${agent.name}"'s screen is not the one announced; nothing was pressed. Look again, then answer that.`;
  }
}

/** An option of a dialog a refusal left alone, with the command that presses it. */
export interface OptionToPress {
  n: number;
  label: string;
  press: string;
}

/**
 * The dialog's numbered options as a refusal lists them, each with the command that presses it
 * (recorded as the user's answer), so that no refusal leaves the user without a way on.
 */
export function optionsToPress(
  agent: AgentRecord,
  drawn: readonly DrawnOption[],
): { text: string; options: OptionToPress[] } | null {
  if (drawn.length === 0) return null;
  const options = drawn.map((o) => ({
    n: o.n,
    label: o.label,
    press: `wtp send ${agent.name} --key ${o.n} --force`,
  }));
  const listed = options.map((o) => `${o.n}. ${o.label} (\`${o.press}\`)`).join('; ');
  return { text: ` Its options: ${listed}.`, options };
}
