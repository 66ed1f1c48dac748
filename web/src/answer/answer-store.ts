import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AgentView } from '../../../src/protocol/agent.js';
import type { AnswerAction } from '../../../src/protocol/answers.js';
import type { ProfileInfo } from '../../../src/protocol/profiles.js';
import { client, errorText, AppError } from '../api.js';
import { askOf } from '../inbox-words.js';

/** States an answer is given in (approve / always / deny: a permission; answer: a question). */
export const ANSWERABLE = new Set<AgentView['state']>(['needs_permission', 'needs_input']);

/** What one click asks for. */
export interface AnswerOrder {
  action: AnswerAction;
  /** answer: the option or the text. */
  text?: string;
  /** deny: why, sent to the agent as its next prompt. */
  message?: string;
  /** always: press the option even when it changes the session's permission mode. */
  acceptModeChange?: boolean;
}

/** The outcome of the last answer given to an agent from this page. */
export interface Outcome {
  ok: boolean;
  /** What happened, as the page says it. */
  text: string;
  /** The error's code, when refused. */
  code?: string;
  /** The agent's stateSince when the answer was given: a later wait hides a success. */
  since: string;
  agent: string;
  /** ANSWER_CHANGES_MODE: the "always" option's text, which the user may still choose to press. */
  modeOption?: string;
}

interface AgentAnswers {
  busy: boolean;
  outcome?: Outcome;
}

// One store for the page: the inbox, the fleet row and the terminal header show the same answer
// in flight (their buttons are disabled together) and the same outcome.
const entries = new Map<string, AgentAnswers>();
const listeners = new Set<() => void>();
let version = 0;

function set(id: string, value: AgentAnswers): void {
  entries.set(id, value);
  version += 1;
  for (const l of listeners) l();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The answer state of an agent (in flight, last outcome), kept live. */
export function useAgentAnswers(id: string): AgentAnswers {
  useSyncExternalStore(subscribe, () => version);
  return entries.get(id) ?? { busy: false };
}

/** Every outcome, newest first (the inbox lists those of agents no longer in it). */
export function useOutcomes(): [string, Outcome][] {
  useSyncExternalStore(subscribe, () => version);
  return [...entries]
    .flatMap(([id, e]) => (e.outcome ? [[id, e.outcome] as [string, Outcome]] : []))
    .reverse();
}

/** Forgets an agent's outcome (its close button). */
export function dismissOutcome(id: string): void {
  set(id, { busy: entries.get(id)?.busy ?? false });
}

/**
 * The command or path the page shows the agent asks about: the pending request's, else the one its
 * screen showed. Sent as `expect.about`, so the daemon refuses an answer to another dialog.
 */
export function shownAbout(a: AgentView): string | undefined {
  return a.stateDetail.request?.about ?? askOf(a).about;
}

/**
 * Answers the dialog the agent is shown in (`POST /agents/:agent/answer`, via dashboard, with the
 * state, since when and the target shown as `expect`); records the outcome.
 */
export async function answer(a: AgentView, order: AnswerOrder): Promise<void> {
  if (entries.get(a.id)?.busy) return;
  set(a.id, { busy: true });
  const about = shownAbout(a);
  let outcome: Outcome;
  try {
    const r = await client.call('answerAgent', {
      params: { agent: a.id },
      body: {
        ...order,
        via: 'dashboard',
        // What the page shows: the state since when, and its target; any change refuses the answer.
        expect: { state: a.state, since: a.stateSince, ...(about === undefined ? {} : { about }) },
      },
    });
    outcome = { ok: true, text: doneText(order, r.scope, r.ms, r.keys), since: a.stateSince, agent: a.name };
  } catch (err) {
    const code = err instanceof AppError ? err.code : undefined;
    outcome = { ok: false, text: refusalText(err), since: a.stateSince, agent: a.name };
    if (code) outcome.code = code;
    const option = err instanceof AppError ? err.details?.['option'] : undefined;
    if (code === 'ANSWER_CHANGES_MODE' && typeof option === 'string') {
      outcome.modeOption = option;
      outcome.text = `“${option}” changes the session’s permission mode, more than this request: nothing was pressed.`;
    }
  }
  set(a.id, { busy: false, outcome });
}

function doneText(order: AnswerOrder, scope: string | null, ms: number, keys: readonly string[]): string {
  const left = `it left the dialog in ${(ms / 1000).toFixed(1)} s`;
  // The reply to a question its turn ended with: typed at its prompt, not a dialog's keys.
  if (order.action === 'answer' && keys[0] === 'text') {
    return `Replied “${order.text ?? ''}” as its next prompt: it started a new turn in ${(ms / 1000).toFixed(1)} s`;
  }
  switch (order.action) {
    case 'approve':
      return `Approved: ${left}`;
    case 'always':
      return `Approved${scope ? `, pressed “${scope}”` : ' always'}: ${left}`;
    case 'deny':
      return `Denied: ${left}${order.message ? '; your message goes to it as its next prompt' : ''}`;
    case 'answer':
      return `Answered “${order.text ?? ''}”: ${left}`;
  }
}

/** The error's message and code; what the screen shows now, or the options, when the daemon says. */
export function refusalText(err: unknown): string {
  const text = errorText(err);
  if (!(err instanceof AppError)) return text;
  const now = err.details?.now as
    { state?: string; reason?: string; about?: string; text?: string } | undefined;
  if (now && typeof now.state === 'string') {
    const parts = [now.state.replace(/_/g, ' ')];
    if (now.reason && now.reason !== 'permission') parts.push(`(${now.reason})`);
    if (now.about) parts.push(`about ${now.about}`);
    if (now.text) parts.push(`“${now.text}”`);
    return `${text} — its screen now shows: ${parts.join(' ')}`;
  }
  const options = err.details?.options;
  if (Array.isArray(options)) return `${text} — the options: ${options.join(', ')}`;
  return text;
}

/** Whether an outcome is still worth showing next to the agent: a success hides once it waits again. */
export function current(outcome: Outcome | undefined, a: AgentView): Outcome | undefined {
  if (!outcome) return undefined;
  if (outcome.ok && ANSWERABLE.has(a.state) && a.stateSince !== outcome.since) return undefined;
  return outcome;
}

let profiles: Promise<ProfileInfo[]> | null = null;

/** The profiles' answer declarations (`GET /profiles`, once per page): `answers` by profile name. */
export function useProfileAnswers(): Map<string, ProfileInfo['answers']> | null {
  const [known, setKnown] = useState<Map<string, ProfileInfo['answers']> | null>(null);
  useEffect(() => {
    let live = true;
    profiles ??= client.call('listProfiles').then((r) => r.profiles);
    profiles.then(
      (list) => live && setKnown(new Map(list.map((p) => [p.name, p.answers]))),
      () => {
        profiles = null; // asked again by the next view that needs it
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return known;
}
