import type { PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { defaultEvidence, hasFlag, lastOption, modeLine } from '../permission-modes.js';
import { stringAt } from '../settings-mode.js';

/**
 * Gemini CLI's approval modes, as 0.61.0's bundle reads them
 * (`--approval-mode default|auto_edit|yolo|plan`, `-y/--yolo`, else the settings'
 * `general.defaultApprovalMode`, which may not be `yolo`, else `default`) and as its footer
 * shows them (ApprovalModeIndicator: `Shift+Tab to accept edits` in default mode,
 * `auto-accept edits Shift+Tab to plan`, `plan Shift+Tab to manual`, `YOLO Ctrl+Y`); shift+tab
 * cycles them while it runs. Its hooks carry no mode.
 */
export const GEMINI_MODES = {
  default: 'default',
  auto_edit: 'accept_edits',
  plan: 'plan',
  yolo: 'bypass',
} as const;

/** Its arguments: `--approval-mode`, else `-y/--yolo` (giving both is an error it refuses). */
export function geminiArgsMode(args: readonly string[]): StartMode | null {
  const mode = lastOption(args, '--approval-mode');
  if (mode !== null) return { native: mode, evidence: `--approval-mode ${mode}`, origin: 'args' };
  for (const flag of ['--yolo', '-y']) {
    if (hasFlag(args, flag)) return { native: 'yolo', evidence: flag, origin: 'args' };
  }
  return null;
}

/** `general.defaultApprovalMode` (or the older `tools.approvalMode`) of a settings file; `yolo` is ignored there. */
export function geminiSettingsMode(doc: Record<string, unknown>): string | null {
  const mode = stringAt(doc, 'general.defaultApprovalMode') ?? stringAt(doc, 'tools.approvalMode');
  return mode === 'yolo' ? null : mode;
}

const FOOTER =
  /^(?:(Shift\+Tab to accept edits)|(auto-accept edits) \S+ to (?:plan|manual)|(plan) \S+ to manual|(YOLO)\b)/;

export const geminiPermissions: PermissionModeSpec = {
  product: 'Gemini CLI',
  modes: GEMINI_MODES,
  vendorDefault: (version) => ({
    native: 'default',
    evidence: defaultEvidence('Gemini CLI', version),
    origin: 'vendor_default',
  }),
  fromArgs: geminiArgsMode,
  fromScreen: (lines) =>
    modeLine(
      lines,
      FOOTER,
      (m) => (m[1] ? 'default' : m[2] ? 'auto_edit' : m[3] ? 'plan' : m[4] ? 'yolo' : null),
      8,
    ),
  askWith: 'wtp new gemini --permission-mode default',
};
