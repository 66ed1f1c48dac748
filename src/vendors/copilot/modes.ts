import type { PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { defaultEvidence, hasFlag, lastOption, modeLine } from '../permission-modes.js';
import { stringAt } from '../settings-mode.js';

/**
 * GitHub Copilot CLI's permission modes, as 1.0.102 documents and shows them (`copilot --help`, its
 * footer): a permission policy (`manual`, the default: writes and commands asked; `assisted`, an LLM
 * judge approves what it deems safe; `allow-all`) and an execution mode (`interactive`, `plan`, or
 * `autopilot`, which only goes on by itself and asks as its policy says). The footer says both
 * (`Interactive · Manual Approval`). Observed on the real 1.0.102: `--allow-all-tools` approves every
 * tool yet the footer still says `Manual Approval`, so an agent started so (or with COPILOT_ALLOW_ALL)
 * keeps that mode whatever its footer says.
 */
export const COPILOT_MODES = {
  manual: 'default',
  assisted: 'auto',
  'allow-all': 'bypass',
  'allow-all-tools': 'bypass',
  plan: 'plan',
} as const;

/** The truthy spellings of COPILOT_ALLOW_ALL (`copilot help environment`). */
const TRUTHY = new Set(['true', '1', 'yes', 'on', 'y']);

/** Its arguments: the allow-all flags, `--assisted-approval`, plan mode. */
export function copilotArgsMode(args: readonly string[]): StartMode | null {
  for (const flag of ['--allow-all', '--yolo']) {
    if (hasFlag(args, flag)) return { native: 'allow-all', evidence: flag, origin: 'args' };
  }
  if (hasFlag(args, '--allow-all-tools')) {
    return { native: 'allow-all-tools', evidence: '--allow-all-tools', origin: 'args' };
  }
  if (hasFlag(args, '--assisted-approval')) {
    return { native: 'assisted', evidence: '--assisted-approval', origin: 'args' };
  }
  const mode = lastOption(args, '--mode');
  if (mode === 'plan') return { native: 'plan', evidence: '--mode plan', origin: 'args' };
  if (hasFlag(args, '--plan')) return { native: 'plan', evidence: '--plan', origin: 'args' };
  return null;
}

/** COPILOT_ALLOW_ALL, when it turns allow-all on. */
export function copilotEnvMode(env: Readonly<Record<string, string | undefined>>): StartMode | null {
  const v = env.COPILOT_ALLOW_ALL;
  return v !== undefined && TRUTHY.has(v.trim().toLowerCase())
    ? { native: 'allow-all-tools', evidence: `COPILOT_ALLOW_ALL=${v}`, origin: 'env' }
    : null;
}

/** `defaultPermissionMode` of its config.json. */
export const copilotSettingsMode = (doc: Record<string, unknown>): string | null =>
  stringAt(doc, 'defaultPermissionMode');

const POLICIES: Readonly<Record<string, string>> = {
  'Manual Approval': 'manual',
  'Assisted Permissions': 'assisted',
  'Allow All': 'allow-all',
};

const FOOTER =
  /(?:^|· )(Interactive|Plan|Autopilot|Shell) · (Manual Approval|Assisted Permissions|Allow All)\b/;

export const copilotPermissions: PermissionModeSpec = {
  product: 'GitHub Copilot CLI',
  modes: COPILOT_MODES,
  vendorDefault: (version) => ({
    native: 'manual',
    evidence: defaultEvidence('GitHub Copilot CLI', version),
    origin: 'vendor_default',
  }),
  fromArgs: copilotArgsMode,
  // Observed on 1.0.102: under --allow-all-tools its footer still says "Interactive · Manual Approval".
  followsLive: (start) => start !== 'allow-all-tools',
  fromScreen: (lines) =>
    modeLine(lines, FOOTER, (m) => (m[1] === 'Plan' ? 'plan' : (POLICIES[m[2] ?? ''] ?? null)), 6),
  askWith:
    'wtp new copilot without --allow-all-tools, --allow-all or --yolo (config defaultPermissionMode "manual")',
};
