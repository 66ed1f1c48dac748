import type { PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { defaultEvidence, hasFlag, lastOption, modeLine } from '../permission-modes.js';
import { stringAt } from '../settings-mode.js';

/**
 * Qwen Code's approval modes, as 0.24.4's bundle reads them (`--approval-mode
 * plan|default|auto-edit|auto|yolo`, else `-y/--yolo`, else the settings' `tools.approvalMode`,
 * else `auto`, an LLM classifier that approves what it judges safe; an untrusted folder forces
 * `default`, and folder trust is off by default). Every hook body carries `permission_mode`;
 * its footer names the mode (`⏸ Ask permissions (shift + tab to cycle)`, `auto-accept edits …`,
 * `Auto mode …`, `YOLO mode …`, `plan mode …`), and shift+tab cycles it.
 */
export const QWEN_MODES = {
  default: 'default',
  plan: 'plan',
  'auto-edit': 'accept_edits',
  auto: 'auto',
  yolo: 'bypass',
} as const;

/** Its arguments: `--approval-mode`, else `-y/--yolo`. */
export function qwenArgsMode(args: readonly string[]): StartMode | null {
  const mode = lastOption(args, '--approval-mode');
  if (mode !== null) return { native: mode, evidence: `--approval-mode ${mode}`, origin: 'args' };
  for (const flag of ['--yolo', '-y']) {
    if (hasFlag(args, flag)) return { native: 'yolo', evidence: flag, origin: 'args' };
  }
  return null;
}

/** `tools.approvalMode` of a settings file. */
export const qwenSettingsMode = (doc: Record<string, unknown>): string | null =>
  stringAt(doc, 'tools.approvalMode');

const INDICATORS: Readonly<Record<string, string>> = {
  '⏸ Ask permissions': 'default',
  'plan mode': 'plan',
  'auto-accept edits': 'auto-edit',
  'Auto mode': 'auto',
  'YOLO mode': 'yolo',
};

const FOOTER =
  /(?:^|· )(⏸ Ask permissions|plan mode|auto-accept edits|Auto mode|YOLO mode) \((?:shift \+ )?tab to cycle\)/;

export const qwenPermissions: PermissionModeSpec = {
  product: 'Qwen Code',
  modes: QWEN_MODES,
  vendorDefault: (version) => ({
    native: 'auto',
    evidence: defaultEvidence('Qwen Code', version),
    origin: 'vendor_default',
  }),
  fromArgs: qwenArgsMode,
  fromHook: (body) =>
    typeof body.permission_mode === 'string' && body.permission_mode !== '' ? body.permission_mode : null,
  fromScreen: (lines) => modeLine(lines, FOOTER, (m) => INDICATORS[m[1] ?? ''] ?? null),
  askWith: 'wtp new qwen --permission-mode default',
};
