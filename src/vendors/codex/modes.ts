import type { PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { defaultEvidence, hasFlag, lastOption } from '../permission-modes.js';

/**
 * Codex CLI's permission mode is two settings, when it asks (`approval_policy`: `on-request` or `never`
 * in 0.169) and its sandbox (`sandbox_mode`), named here `<approval>/<sandbox>`. Observed on the real
 * 0.169.0 (offline, a trusted folder, `echo hi > out.txt`): with neither set, and with `-a never`, it
 * wrote the file without asking; with `-s read-only` the command ran and failed in the sandbox,
 * unasked. Its shift+tab "Plan mode" is a collaboration mode: the same command ran in it unasked, so
 * the screen is not read for the mode. Our hooks (notify) carry no mode.
 */

export const CODEX_APPROVALS = ['on-request', 'never', 'on-failure', 'untrusted'] as const;
export const CODEX_SANDBOXES = ['read-only', 'workspace-write', 'danger-full-access'] as const;

/** `<approval>/<sandbox>` → the neutral mode. */
export const CODEX_MODES = {
  'on-request/read-only': 'default',
  'on-request/workspace-write': 'auto',
  'on-request/danger-full-access': 'bypass',
  'on-failure/read-only': 'default',
  'on-failure/workspace-write': 'auto',
  'on-failure/danger-full-access': 'bypass',
  'untrusted/read-only': 'default',
  'untrusted/workspace-write': 'default',
  'untrusted/danger-full-access': 'default',
  'never/read-only': 'dont_ask',
  'never/workspace-write': 'bypass',
  'never/danger-full-access': 'bypass',
  'approve-for-me/workspace-write': 'auto',
} as const;

/** What sets Codex's two settings, each with its evidence (null: not set there). */
export interface CodexSettings {
  approval: { value: string; evidence: string } | null;
  sandbox: { value: string; evidence: string } | null;
}

const unquote = (v: string): string => v.trim().replace(/^(["'])(.*)\1$/, '$2');

/** `-c key=value` / `--config key=value` overrides of a key, the last one winning. */
function configOverride(args: readonly string[], key: string): string | null {
  let value: string | null = null;
  for (let i = 0; i < args.length - 1; i++) {
    const a = args[i] ?? '';
    if (a === '--') break;
    if (a !== '-c' && a !== '--config') continue;
    const m = new RegExp(`^${key}\\s*=(.*)$`).exec(args[i + 1] ?? '');
    if (m) value = unquote(m[1] ?? '');
  }
  return value;
}

/** What its arguments set: the bypass flags, `--approve-for-me`, `-a`, `-s`, `-c approval_policy=…`. */
export function codexArgsSettings(args: readonly string[]): CodexSettings {
  for (const flag of ['--dangerously-bypass-approvals-and-sandbox', '--yolo']) {
    if (hasFlag(args, flag)) {
      return {
        approval: { value: 'never', evidence: flag },
        sandbox: { value: 'danger-full-access', evidence: flag },
      };
    }
  }
  if (hasFlag(args, '--approve-for-me')) {
    return {
      approval: { value: 'approve-for-me', evidence: '--approve-for-me' },
      sandbox: { value: 'workspace-write', evidence: '--approve-for-me' },
    };
  }
  const a = lastOption(args, '-a', '--ask-for-approval');
  const ac = configOverride(args, 'approval_policy');
  const s = lastOption(args, '-s', '--sandbox');
  const sc = configOverride(args, 'sandbox_mode');
  return {
    approval:
      a !== null
        ? { value: a, evidence: `--ask-for-approval ${a}` }
        : ac !== null
          ? { value: ac, evidence: `-c approval_policy=${ac}` }
          : null,
    sandbox:
      s !== null
        ? { value: s, evidence: `--sandbox ${s}` }
        : sc !== null
          ? { value: sc, evidence: `-c sandbox_mode=${sc}` }
          : null,
  };
}

/** `approval_policy` and `sandbox_mode` at the top of a config.toml (before its first table). */
export function codexConfigSettings(toml: string, file: string): CodexSettings {
  const out: CodexSettings = { approval: null, sandbox: null };
  for (const line of toml.split('\n')) {
    if (/^\s*\[/.test(line)) break;
    const m = /^\s*"?(approval_policy|sandbox_mode)"?\s*=\s*("[^"]*"|'[^']*')/.exec(line);
    if (!m) continue;
    const value = unquote(m[2] ?? '');
    const evidence = `${m[1] ?? ''} = "${value}" in ${file}`;
    if (m[1] === 'approval_policy') out.approval = { value, evidence };
    else out.sandbox = { value, evidence };
  }
  return out;
}

/** Its defaults in a trusted folder (the daemon pre-trusts the agent's folder; agents.preTrust). */
const DEFAULT_APPROVAL = 'on-request';
const DEFAULT_SANDBOX = 'workspace-write';

/**
 * The mode from what its arguments and its config set (the arguments first), each setting not set
 * by either taking its default; null when neither sets anything.
 */
export function codexStartMode(fromArgs: CodexSettings, fromConfig: CodexSettings): StartMode | null {
  const approval = fromArgs.approval ?? fromConfig.approval;
  const sandbox = fromArgs.sandbox ?? fromConfig.sandbox;
  if (approval === null && sandbox === null) return null;
  const evidence = [approval?.evidence, sandbox?.evidence].filter((e) => e !== undefined);
  return {
    native: `${approval?.value ?? DEFAULT_APPROVAL}/${sandbox?.value ?? DEFAULT_SANDBOX}`,
    evidence: [...new Set(evidence)].join(', '),
    origin: fromArgs.approval !== null || fromArgs.sandbox !== null ? 'args' : 'settings',
  };
}

export const codexPermissions: PermissionModeSpec = {
  product: 'Codex CLI',
  modes: CODEX_MODES,
  vendorDefault: (version) => ({
    native: `${DEFAULT_APPROVAL}/${DEFAULT_SANDBOX}`,
    evidence: defaultEvidence('Codex CLI', version, ' in a trusted folder'),
    origin: 'vendor_default',
  }),
  fromArgs: (args) => codexStartMode(codexArgsSettings(args), { approval: null, sandbox: null }),
  askWith: 'wtp new codex -- --sandbox read-only',
};
