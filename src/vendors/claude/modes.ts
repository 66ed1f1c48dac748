import type { ModeReading, PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { compareVersions, parseVersion } from '../../core/state/detectors/screen-detector.js';
import { defaultEvidence, hasFlag, lastOption, modeLine } from '../permission-modes.js';
import { stringAt } from '../settings-mode.js';

/**
 * Claude Code's permission modes, as 2.1.330 shows them (observed on the real binary:
 * docs/research/claude-code-2.1.330.md). Every hook body carries `permission_mode`; the mode line
 * under the prompt names it and changes at once with shift+tab (auto → manual → accept edits →
 * plan → auto; no hook fires until the next prompt). Started without `--permission-mode` and
 * without a settings `permissions.defaultMode`, 2.1.330 runs in `auto`: `echo hi > out.txt` ran
 * without a dialog.
 */

/** Its mode names (hooks, `--permission-mode`, settings) → the neutral mode. */
export const CLAUDE_MODES = {
  default: 'default',
  manual: 'default',
  acceptEdits: 'accept_edits',
  auto: 'auto',
  plan: 'plan',
  dontAsk: 'dont_ask',
  bypassPermissions: 'bypass',
} as const;

/** The release whose default was observed to be `auto` (older ones are assumed to ask). */
const AUTO_DEFAULT_SEEN = [2, 1, 330];

/**
 * The indicator words of its mode line (`⏵⏵ auto mode on (shift+tab to cycle)`, `⏸ manual mode
 * on · ? for shortcuts`, `⏵⏵ accept edits on`, `⏸ plan mode on`, `⏵⏵ bypass permissions on`,
 * `⏵⏵ don't ask on`: the binary's mode table) → its mode name.
 */
const INDICATORS: Readonly<Record<string, string>> = {
  'manual mode': 'default',
  'accept edits': 'acceptEdits',
  'plan mode': 'plan',
  'auto mode': 'auto',
  'bypass permissions': 'bypassPermissions',
  "don't ask": 'dontAsk',
};

const MODE_LINE =
  /^\s*(?:⏵⏵|⏸)\s+(manual mode|accept edits|plan mode|auto mode|bypass permissions|don't ask) on\b/;

/** The mode its arguments start it in: `--dangerously-skip-permissions`, else the last `--permission-mode`. */
export function claudeArgsMode(args: readonly string[]): StartMode | null {
  if (hasFlag(args, '--dangerously-skip-permissions')) {
    return { native: 'bypassPermissions', evidence: '--dangerously-skip-permissions', origin: 'args' };
  }
  const mode = lastOption(args, '--permission-mode');
  return mode === null ? null : { native: mode, evidence: `--permission-mode ${mode}`, origin: 'args' };
}

/** `permissions.defaultMode` of one settings document, or null. */
export const claudeSettingsMode = (doc: Record<string, unknown>): string | null =>
  stringAt(doc, 'permissions.defaultMode');

/** The mode line at the bottom of its screen, or null (a dialog hides it). */
export function claudeScreenMode(lines: readonly string[]): ModeReading | null {
  return modeLine(lines, MODE_LINE, (m) => INDICATORS[m[1] ?? ''] ?? null);
}

export const claudePermissions: PermissionModeSpec = {
  product: 'Claude Code',
  modes: CLAUDE_MODES,
  vendorDefault(version) {
    const v = parseVersion(version);
    if (v !== null && compareVersions(v, AUTO_DEFAULT_SEEN) < 0) {
      return {
        native: 'default',
        evidence: `Claude Code ${version ?? ''}'s default (assumed: only 2.1.330 was checked, which starts in auto)`,
        origin: 'vendor_default',
      };
    }
    return { native: 'auto', evidence: defaultEvidence('Claude Code', version), origin: 'vendor_default' };
  },
  fromArgs: claudeArgsMode,
  fromHook: (body) =>
    typeof body.permission_mode === 'string' && body.permission_mode !== '' ? body.permission_mode : null,
  fromScreen: claudeScreenMode,
  askWith: 'wtp new claude --permission-mode default',
};
