import type { PermissionModeSpec, StartMode } from '../../core/agents/profiles.js';
import { defaultEvidence, hasFlag } from '../permission-modes.js';

/**
 * OpenCode has no mode switch: what it asks for is its config's `permission` (per tool: `allow`,
 * `ask`, `deny`, or patterns) over its defaults, which allow everything but `doom_loop`, other folders
 * and `.env` files (1.18.33's bundle), so it edits and runs commands unasked unless configured
 * otherwise; `--auto` (also `--yolo`, `--dangerously-skip-permissions`) approves what is not denied.
 * Read here: `bash` and `edit` of the config layers it merges. Its footer names its agent (Build,
 * Plan), not a permission, and its plugin events carry no mode.
 */

/** Its mode names here (what its `bash` and `edit` permissions add up to) → the neutral mode. */
export const OPENCODE_MODES = {
  'auto-approve': 'bypass',
  allow: 'bypass',
  edits: 'accept_edits',
  ask: 'default',
  'read-only': 'plan',
} as const;

/** One config layer's `permission` value, and where it was found. */
export interface OpencodeLayer {
  where: string;
  origin: 'settings' | 'env';
  permission: unknown;
}

type Action = 'allow' | 'ask' | 'deny' | 'patterns';

/** What a layer's `permission` says of one tool (`bash`, `edit`), or null: nothing. */
function actionOf(permission: unknown, tool: string): Action | null {
  const norm = (v: unknown): Action | null =>
    v === 'allow' || v === 'ask' || v === 'deny'
      ? v
      : typeof v === 'object' && v !== null
        ? (norm((v as Record<string, unknown>)['*']) ?? 'patterns')
        : null;
  if (typeof permission === 'string') return norm(permission);
  if (typeof permission !== 'object' || permission === null) return null;
  const p = permission as Record<string, unknown>;
  return Object.hasOwn(p, tool) ? norm(p[tool]) : norm(p['*']);
}

/** The mode its arguments set: `--auto` and its aliases. */
export function opencodeArgsMode(args: readonly string[]): StartMode | null {
  for (const flag of ['--auto', '--yolo', '--dangerously-skip-permissions']) {
    if (hasFlag(args, flag)) return { native: 'auto-approve', evidence: flag, origin: 'args' };
  }
  return null;
}

/**
 * The mode its config layers (lowest first) add up to: each tool's action from the highest layer
 * that sets it; null when no layer sets `bash` or `edit`.
 */
export function opencodeLayersMode(layers: readonly OpencodeLayer[]): StartMode | null {
  let bash: { action: Action; layer: OpencodeLayer } | null = null;
  let edit: { action: Action; layer: OpencodeLayer } | null = null;
  for (const layer of layers) {
    const b = actionOf(layer.permission, 'bash');
    const e = actionOf(layer.permission, 'edit');
    if (b !== null) bash = { action: b, layer };
    if (e !== null) edit = { action: e, layer };
  }
  if (bash === null && edit === null) return null;
  const b = bash?.action ?? 'allow';
  const e = edit?.action ?? 'allow';
  const native = b === 'allow' ? 'allow' : e === 'allow' ? 'edits' : e === 'deny' ? 'read-only' : 'ask';
  const said = [bash, edit].flatMap((x, i) =>
    x === null ? [] : [`${i === 0 ? 'bash' : 'edit'} "${x.action}" in ${x.layer.where}`],
  );
  const fromEnv = [bash, edit].some((x) => x?.layer.origin === 'env');
  return {
    native,
    evidence: `permission ${[...new Set(said)].join(', ')}`,
    origin: fromEnv ? 'env' : 'settings',
  };
}

export const opencodePermissions: PermissionModeSpec = {
  product: 'OpenCode',
  modes: OPENCODE_MODES,
  vendorDefault: (version) => ({
    native: 'allow',
    evidence: `${defaultEvidence('OpenCode', version)} (permission "*": "allow")`,
    origin: 'vendor_default',
  }),
  fromArgs: opencodeArgsMode,
  askWith: 'permission {"bash": "ask", "edit": "ask"} in its opencode.json',
};
