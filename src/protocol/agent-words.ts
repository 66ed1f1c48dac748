import type { StateDetail, StateReason } from './agent.js';

/** A JSON string literal's text, or the literal as it is when it does not parse (clipped mid-escape). */
function unquote(literal: string): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return literal.slice(1, -1);
  }
}

const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
const SCREEN = new RegExp(`^screen (\\S+) line \\d+: (${QUOTED})(?: about (${QUOTED}))?`);

/**
 * The parts of a screen detector's evidence (`screen claude/permission-dialog line 31: "Do you
 * want to proceed?" about "echo hi > out.txt"`, see core/state/detectors/screen-detector.ts `evidenceOf`): the rule, the row
 * it matched and, when the rule captures it, what the dialog asks about (a command).
 */
export function screenEvidence(
  evidence: string | undefined,
): { rule: string; text: string; about?: string } | undefined {
  const m = SCREEN.exec(evidence ?? '');
  if (!m?.[1] || !m[2]) return undefined;
  return { rule: m[1], text: unquote(m[2]), ...(m[3] ? { about: unquote(m[3]) } : {}) };
}

/** A status record's `msg="…"` or a Notification hook's quoted message. */
const QUOTED_BY_AGENT = new RegExp(`^(?:status .*?\\bmsg=|hook Notification \\w+ )(${QUOTED})`);

/** A PermissionRequest hook's tool and what it asks about (`hook PermissionRequest run_shell_command "touch x"`). */
const HOOK_ABOUT = new RegExp(`^hook PermissionRequest (\\S+) (${QUOTED})`);

/** Reasons for which the screen row a detector matched is the agent asking the user something. */
const WAITING: ReadonlySet<string> = new Set<StateReason>([
  'permission',
  'question',
  'trust',
  'auth',
  'usage_limit',
]);

/**
 * The agent's own words behind its state: the detail's message, what a status record or hook
 * quoted in the evidence (`msg="approve Bash: echo hi > out.txt"`), the tool and command of a
 * PermissionRequest hook (`run_shell_command: touch x`), or, when it waits for the
 * user, the screen row a detector matched ("Do you want to proceed? (echo hi > out.txt)").
 * Notifications and the dashboard show these.
 */
export function agentWords(
  detail: Pick<StateDetail, 'message' | 'evidence'> & { reason?: string | undefined },
): string | undefined {
  if (detail.message !== undefined) return detail.message;
  const m = QUOTED_BY_AGENT.exec(detail.evidence ?? '');
  if (m?.[1]) return unquote(m[1]);
  const asked = HOOK_ABOUT.exec(detail.evidence ?? '');
  if (asked?.[1] && asked[2]) return `${asked[1]}: ${unquote(asked[2])}`;
  const screen = screenEvidence(detail.evidence);
  if (!screen || !WAITING.has(detail.reason ?? '')) return undefined;
  return screen.about === undefined ? screen.text : `${screen.text} (${screen.about})`;
}

/**
 * What the state rests on, said once: the evidence already names its source (`screen …`,
 * `hook …`, `status 7501 …`, `stream …`), so the source is added only when it does not.
 */
export function stateEvidence(detail: Pick<StateDetail, 'source' | 'evidence' | 'reason'>): string {
  const what = detail.evidence ?? detail.reason;
  const s = detail.source;
  if (s === undefined || what === s || what.startsWith(`${s} `)) return what;
  return `${s} ${what}`;
}

/**
 * What a waiting agent's evidence says its dialog asks about: a PermissionRequest hook's quoted
 * command or path, or the `about` a screen detector read; undefined when it names none.
 */
export function askedAbout(evidence: string | undefined): string | undefined {
  const asked = HOOK_ABOUT.exec(evidence ?? '');
  if (asked?.[2]) return unquote(asked[2]);
  return screenEvidence(evidence)?.about;
}

/**
 * What a waiting agent's dialog is about, as its clients show it: the pending request's target,
 * else what its evidence names. Clients send it as `expect.about`, and the daemon compares the
 * screen's with it, so both must read it the same way.
 */
export function announcedAbout(detail: Pick<StateDetail, 'request' | 'evidence'>): string | undefined {
  return detail.request?.about ?? askedAbout(detail.evidence);
}
