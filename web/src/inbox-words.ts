import type { AgentView, StateReason } from '../../src/protocol/agent.js';
import { agentWords, screenEvidence } from '../../src/protocol/agent-words.js';
import { requestWords } from '../../src/protocol/request-words.js';

/** What an agent in the inbox asks: a line to read, and the command or text it is about, if known. */
export interface Ask {
  text: string;
  about?: string;
}

/** What the screen rules' ids (`<agent>/<id>`, src/vendors/<name>/detectors.ts) stand for. */
const SCREEN_ASKS: Record<string, string> = {
  'plan-approval': 'asks you to approve its plan',
  trust: 'asks whether you trust this folder',
  'trust-dialog': 'asks whether you trust this folder',
};

/** Crashes by reason (core/lifecycle): how the process ended is added when known. */
const CRASHES: Partial<Record<StateReason, string>> = {
  crash_loop: 'keeps crashing',
  spawn_failed: 'could not start',
};

const quoted = (s: string): string => `“${s}”`;

function exit(d: AgentView['stateDetail']): string {
  if (d.signal) return ` (${d.signal})`;
  return d.exitCode === undefined || d.exitCode === null ? '' : ` (exit ${d.exitCode})`;
}

/**
 * The inbox's line for an agent that needs the user: what its request says first (the tool, and
 * the command or file it is about; a question's text, whose options the inbox lists), else from
 * whichever signal told it: the agent's own words (a status record's or hook's message), the
 * dialog a screen detector matched (its question, and the command it is about when the rule
 * captured it), the tool a hook or stream named, or the reason.
 */
export function askOf(a: AgentView): Ask {
  const asked = fromRequest(a);
  if (asked !== undefined) return asked;
  const d = a.stateDetail;
  if (a.state === 'crashed') {
    const how = `${CRASHES[d.reason] ?? 'crashed'}${exit(d)}`;
    return { text: d.message ? `${how}: ${d.message}` : how };
  }
  if (d.reason === 'usage_limit') {
    return { text: `hit a usage limit${d.resetsAt ? `, resets ${d.resetsAt}` : ''}` };
  }
  const screen = d.source === 'screen' ? screenEvidence(d.evidence) : undefined;
  if (screen) {
    // The dialog's question when the matched row is one, else what the rule stands for.
    const known = SCREEN_ASKS[screen.rule.slice(screen.rule.indexOf('/') + 1)];
    const text = screen.text.endsWith('?')
      ? `asks ${quoted(screen.text)}`
      : (known ?? `${fallback(a)}; the screen shows ${quoted(screen.text)}`);
    return screen.about === undefined ? { text } : { text, about: screen.about };
  }
  const words = agentWords(d);
  if (words) return { text: words };
  switch (d.reason) {
    case 'trust':
      return { text: 'asks whether you trust this folder' };
    case 'auth':
      return { text: 'asks you to sign in' };
  }
  return { text: a.state === 'needs_permission' && d.tool ? `asks to use ${d.tool}` : fallback(a) };
}

const fallback = (a: AgentView): string =>
  a.state === 'needs_permission' ? 'asks for permission' : 'asks a question';

/** The request's words: the tool (its target shown apart), or the question (its options shown apart). */
function fromRequest(a: AgentView): Ask | undefined {
  const r = a.stateDetail.request;
  if (r === undefined || (a.state !== 'needs_permission' && a.state !== 'needs_input')) return undefined;
  const about = r.about === undefined ? {} : { about: r.about };
  if (r.kind === 'permission' && r.tool !== undefined) {
    return { text: `asks ${requestWords({ kind: r.kind, tool: r.tool }) ?? ''}`, ...about };
  }
  if (r.kind === 'question' && r.question !== undefined) {
    return { text: `asks ${requestWords({ kind: r.kind, question: r.question }) ?? ''}` };
  }
  // A target without its tool (a screen's): the dialog's own words say the rest.
  if (r.about === undefined) return undefined;
  const rest = askOf({ ...a, stateDetail: { ...a.stateDetail, request: undefined } });
  return { ...rest, about: rest.about ?? r.about };
}
