/**
 * An agent's effective permission mode in one vocabulary for every vendor: the values
 * and their words, without zod (the CLI, the TUI and the dashboard import this; the schema is in
 * permission-mode.ts).
 */

/**
 * The neutral modes: `default` asks before it edits files or runs commands; `accept_edits` edits
 * without asking; `auto` decides by itself what is safe to run without asking (a classifier, a
 * sandbox); `plan` only plans; `dont_ask` never asks and refuses what its allow rules do not
 * permit; `bypass` edits and runs commands without asking; `unknown` when nothing tells.
 */
export const PERMISSION_MODES = [
  'default',
  'accept_edits',
  'auto',
  'plan',
  'dont_ask',
  'bypass',
  'unknown',
] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** What an agent does without asking, beyond reading and what its allow rules permit. */
export const UNASKED_ACTIONS = ['nothing', 'edits', 'commands', 'everything', 'unknown'] as const;
export type UnaskedActions = (typeof UNASKED_ACTIONS)[number];

/**
 * What last told the mode: the CLI itself (its hook payload, the mode line on its screen), or how
 * it was started (its arguments, environment, settings files, its vendor's default).
 */
export const PERMISSION_SOURCES = ['hook', 'screen', 'args', 'env', 'settings', 'vendor_default'] as const;
export type PermissionSource = (typeof PERMISSION_SOURCES)[number];

/**
 * What made it so: how it was started (arguments, environment, settings, the vendor's default), or
 * `session`: the CLI reports a mode other than the one it started in (shift+tab, a command, its own
 * switch — or a setting we do not read).
 */
export const PERMISSION_ORIGINS = ['args', 'env', 'settings', 'vendor_default', 'session'] as const;
export type PermissionOrigin = (typeof PERMISSION_ORIGINS)[number];

/** The live sources: the CLI itself says which mode it is in. */
export const LIVE_PERMISSION_SOURCES: readonly PermissionSource[] = ['hook', 'screen'];

/** What each mode lets the agent do without asking. */
export const UNASKED_BY_MODE: Readonly<Record<PermissionMode, UnaskedActions>> = {
  default: 'nothing',
  accept_edits: 'edits',
  auto: 'commands',
  plan: 'nothing',
  dont_ask: 'nothing',
  bypass: 'everything',
  unknown: 'unknown',
};

/** What a mode means, in words (`wtp why`, `wtp doctor`, the TUI, the dashboard). */
export const PERMISSION_MODE_WORDS: Readonly<Record<PermissionMode, string>> = {
  default: 'asks before it edits files or runs commands',
  accept_edits: 'edits files without asking; asks before commands',
  auto: 'runs the commands it judges safe without asking',
  plan: 'plans only: asks before it edits files or runs commands',
  dont_ask: 'never asks: refuses what its allow rules do not permit',
  bypass: 'edits files and runs commands without asking',
  unknown: 'not known whether it asks',
};

/** The modes in which an agent acts without asking (doctor warns, lists mark them). */
export function actsUnasked(mode: PermissionMode): boolean {
  const u = UNASKED_BY_MODE[mode];
  return u !== 'nothing' && u !== 'unknown';
}

/** An agent's permission as the API shows it (the fields the words need). */
export interface PermissionFacts {
  mode: PermissionMode;
  native: string | null;
  origin: PermissionOrigin;
  originDetail: string;
  source: PermissionSource;
}

/** `auto` or `auto (acceptEdits)` when the CLI's own word differs. */
export function modeName(p: Pick<PermissionFacts, 'mode' | 'native'>): string {
  const plain = (s: string): string => s.replace(/[_-]/g, '').toLowerCase();
  return p.native === null || plain(p.native) === plain(p.mode) ? p.mode : `${p.mode} (${p.native})`;
}

/** Where the mode comes from, in words: `Claude Code 2.1.330's default; from its hook`. */
export function permissionOriginWords(p: PermissionFacts): string {
  const seen =
    p.source === 'hook'
      ? 'from its hook'
      : p.source === 'screen'
        ? 'from its screen'
        : 'as started, not yet confirmed by the CLI';
  return `${p.originDetail}; ${seen}`;
}

/** One line: `auto — runs the commands it judges safe without asking (Claude Code's default; from its hook)`. */
export function permissionLine(p: PermissionFacts): string {
  return `${modeName(p)} — ${PERMISSION_MODE_WORDS[p.mode]} (${permissionOriginWords(p)})`;
}
