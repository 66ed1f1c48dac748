import type { AgentState } from '../../protocol/agent.js';
import type { DialogAnswers, DialogKey } from '../agents/profiles.js';
import type { ScreenVerdict } from './detectors/screen-detector.js';
import { alwaysChoice, chooseOption, cursorList, drawnOptions, type AlwaysChoice } from './dialog-options.js';

/** What the user answers a permission dialog with (`wtp approve [--always]`, `wtp deny`). */
export type DialogAction = 'approve' | 'always' | 'deny';

/** The dialog as it was announced to the user: the agent's state and what its evidence named. */
export interface AnnouncedDialog {
  state: AgentState;
  /** The state detail's reason (`permission`, `trust`…), when it has one. */
  reason?: string | undefined;
  /** The tool asked for (StateDetail.tool), when known. */
  tool?: string | undefined;
  /** The command or path asked about (from the evidence: `askedAbout`), when known. */
  about?: string | undefined;
  /**
   * An approval rule answers: the screen must show `about` whole — equal, not a clipped
   * prefix, not the first row of a wrapped one — or the dialog is left for the user (`NOT_WHOLE`).
   */
  whole?: boolean | undefined;
  /** The agent's folder: where a path its screen draws from the folder's parent (`../x`) starts. */
  folder?: string | undefined;
}

/** What the screen shows now, as a refusal says it. */
export interface DialogNow {
  state: ScreenVerdict['state'] | 'none';
  reason?: string;
  about?: string;
  /** The detector rule and the row it matched, when one fired. */
  rule?: string;
  text?: string;
}

export type DialogAnswerPlan =
  | {
      ok: true;
      /** The keys to press, in order, one press each. */
      keys: readonly DialogKey[];
      /** What the answered dialog asks about, as the screen shows it (for the audit). */
      about?: string;
      /** `always`: what the approval holds for: the option's own text as the dialog draws it. */
      scope?: string;
      /** `always`: the option changes the session's permission mode (accepted by the user). */
      modeChange?: boolean;
      /**
       * `always`: the keys open a second stage that says what the option holds for: the answer goes
       * on there (its text is the scope, and may be a mode change); `scope` is the first stage's.
       */
      stage?: AlwaysChoice['stage'];
    }
  | {
      ok: false;
      code:
        'DIALOG_CHANGED' | 'NOT_WAITING' | 'NOT_SUPPORTED' | 'NOT_WHOLE' | 'UNKNOWN_DIALOG' | 'CHANGES_MODE';
      now: DialogNow;
      /** CHANGES_MODE: the option that would be pressed, as drawn. */
      option?: string;
    };

/** The screen's verdict as a refusal reports it. */
export function dialogNow(verdict: ScreenVerdict | null): DialogNow {
  if (verdict === null) return { state: 'none' };
  return {
    state: verdict.state,
    ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
    ...(verdict.about === undefined ? {} : { about: verdict.about }),
    rule: verdict.rule,
    text: verdict.text,
  };
}

/** How long the detector lets an `about` be (screen-detector TEXT_MAX): a longer one is clipped. */
const ABOUT_CLIP = 120;

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `rel` resolved against the folder `from` (POSIX; `.` and `..` folded, `..` stops at `/`). */
function resolveIn(from: string, rel: string): string {
  const out: string[] = [];
  for (const part of `${from}/${rel}`.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '' && part !== '.') out.push(part);
  }
  return `/${out.join('/')}`;
}

/**
 * Whether the announced target and the one on screen are the same: equal up to whitespace, the
 * screen's clipped prefix of a longer one, or the same file named relative on screen and absolute
 * in a hook (`notes.txt` and `/repo/notes.txt`; an absolute path without spaces, never a command),
 * or under the home folder (`~/shared` and `/home/me/shared`). A path from the folder's parent
 * (`../outside/x.txt`) is resolved against `folder`, the agent's, when it is known.
 */
export function sameAbout(announced: string, onScreen: string, folder?: string): boolean {
  const a = squash(announced);
  const s = squash(onScreen);
  if (a === s) return true;
  if (onScreen.length >= ABOUT_CLIP && a.startsWith(s)) return true;
  const underPath = (abs: string, rel: string): boolean => {
    if (!/^\/\S*$/.test(abs)) return false;
    if (/^\.\.\//.test(rel) && folder !== undefined) {
      const [path, from] = [resolveIn('/', abs), resolveIn('/', folder)];
      if (path === resolveIn(from, rel)) return true;
      // Never a file in the folder itself; and where both start alike, only the exact file. Else
      // the CLI may name it through its real path (a folder reached by a symbolic link).
      if (path.startsWith(`${from}/`) || path.split('/')[1] === from.split('/')[1]) return false;
    }
    // Otherwise what follows the `..` must end the absolute path.
    const below = rel.replace(/^(?:\.\.\/)+(?=[^/]+\/)/, '');
    return below !== '' && abs.endsWith(`/${below}`);
  };
  // A path under the home folder drawn as `~/…` (OpenCode's outside folders).
  const underHome = (abs: string, tilde: string): boolean =>
    /^\/\S*$/.test(abs) && /^~\/\S+$/.test(tilde) && abs.endsWith(tilde.slice(1));
  return underPath(a, s) || underPath(s, a) || underHome(a, s) || underHome(s, a);
}

/**
 * Whether the screen shows the announced target whole: equal up to runs of whitespace. A clipped
 * row (`…`), the first row of a wrapped command or a file named relative on screen is not.
 */
export function sameWhole(announced: string, onScreen: string): boolean {
  return squash(announced) === squash(onScreen);
}

/**
 * Decides how to answer an agent's permission dialog, verified and never blind: the
 * agent must still be announced as waiting for permission, the screen must show a permission
 * dialog of the same kind and, when the announcement named a target, that same target. Pure:
 * the caller reads the agent's state and its screen (`detectScreen`, as daemon/screen-record.ts
 * does) and sends the keys.
 */
export function planDialogAnswer(input: {
  answers: DialogAnswers | undefined;
  action: DialogAction;
  announced: AnnouncedDialog;
  screen: ScreenVerdict | null;
  /** The screen's rows the verdict was made on: where `always` reads its option. */
  lines?: readonly string[];
  /** `always` may press an option that changes the session's permission mode. */
  acceptModeChange?: boolean;
}): DialogAnswerPlan {
  const { answers, action, announced, screen } = input;
  const now = dialogNow(screen);
  if (answers === undefined) return { ok: false, code: 'NOT_SUPPORTED', now };
  if (announced.state !== 'needs_permission') return { ok: false, code: 'NOT_WAITING', now };
  if (screen === null || screen.state === 'idle' || screen.state === 'working') {
    return { ok: false, code: 'NOT_WAITING', now };
  }
  // A question, or another kind of permission dialog (a trust prompt): not the one announced.
  if (screen.state !== 'needs_permission') return { ok: false, code: 'DIALOG_CHANGED', now };
  // A dialog the rules see but cannot answer: only the user's own keys may (`wtp send --force`).
  if (screen.unknown === true) return { ok: false, code: 'UNKNOWN_DIALOG', now };
  if (announced.reason !== undefined && screen.reason !== undefined && announced.reason !== screen.reason) {
    return { ok: false, code: 'DIALOG_CHANGED', now };
  }
  // A folder-trust prompt is answered only as one: the user was told that is what it asks.
  if (screen.reason === 'trust') {
    if (announced.reason !== 'trust') return { ok: false, code: 'DIALOG_CHANGED', now };
    return planTrustAnswer(answers, action, screen, input.lines ?? [], now);
  }
  // A named target must be seen again: a dialog whose target the screen does not show is not verified.
  if (announced.about !== undefined) {
    if (screen.about === undefined || !sameAbout(announced.about, screen.about, announced.folder)) {
      return { ok: false, code: 'DIALOG_CHANGED', now };
    }
    if (announced.whole === true && action !== 'deny' && !sameWhole(announced.about, screen.about)) {
      return { ok: false, code: 'NOT_WHOLE', now };
    }
  }
  const about = screen.about === undefined ? {} : { about: screen.about };
  if (action === 'approve') return { ok: true, keys: answers.approve, ...about };
  if (action === 'deny') return { ok: true, keys: answers.deny, ...about };
  const always = alwaysChoice(answers, input.lines ?? [], screen.line);
  if (always === null) return { ok: false, code: 'NOT_SUPPORTED', now };
  if (always.modeChange && input.acceptModeChange !== true) {
    return { ok: false, code: 'CHANGES_MODE', now, option: always.text };
  }
  const stage = always.stage === undefined ? {} : { stage: always.stage };
  return {
    ok: true,
    keys: always.keys,
    scope: always.text,
    modeChange: always.modeChange,
    ...about,
    ...stage,
  };
}

/**
 * A folder-trust prompt, answered by choosing its option by label (its cursor may start on either:
 * Claude Code preselects "No, exit"): trust (approve), leave (deny), or trust and remember (always).
 */
function planTrustAnswer(
  answers: DialogAnswers,
  action: DialogAction,
  screen: ScreenVerdict,
  lines: readonly string[],
  now: DialogNow,
): DialogAnswerPlan {
  const want = answers.trust?.[action];
  const numbered = answers.trust?.keys === 'number' ? drawnOptions(lines, screen.line) : [];
  const byNumber = want === undefined ? undefined : numbered.find((o) => want.test(o.label));
  const list = cursorList(lines, screen.line);
  const chosen =
    byNumber !== undefined
      ? { keys: [{ raw: String(byNumber.n) }], label: byNumber.label }
      : want === undefined || list === null || numbered.length > 0
        ? null
        : chooseOption(list, want);
  if (chosen === null) return { ok: false, code: 'NOT_SUPPORTED', now };
  return {
    ok: true,
    keys: chosen.keys,
    about: chosen.label,
    ...(action === 'always' ? { scope: chosen.label, modeChange: false } : {}),
  };
}
