import { join } from 'node:path';
import type {
  HookEndpoints,
  SetupFiles,
  VendorSetup,
  VendorSetupContext,
} from '../../core/ports/vendor-setup.js';
import { readSettingsMode } from '../settings-mode.js';
import { copilotArgsMode, copilotEnvMode, copilotSettingsMode } from './modes.js';

/**
 * The hook events that carry state, by the PascalCase names that give the VS Code-compatible
 * payload with `hook_event_name` (camelCase payloads carry no event name). Not PreToolUse: a
 * preToolUse hook that exits other than 0 DENIES the tool (seen with 1.0.102: "Denied by
 * preToolUse hook … (hook errored)"); permissionRequest is the decision hook (copilotHooks).
 * Notification(permission_prompt) tells the dialog. SessionEnd is left to the process exit.
 */
export const COPILOT_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PostToolUse',
  'PostToolUseFailure',
  'Notification',
  'Stop',
  'ErrorOccurred',
] as const;

/** The per-agent plugin folder (in the agent's own folder) that `--plugin-dir` loads. */
const PLUGIN_DIR = 'copilot-plugin';
const PLUGIN_FILES = ['plugin.json', 'hooks.json'] as const;

/** A word for the POSIX shell, single-quoted (a Copilot command hook is one `bash` string). */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The plugin's hooks.json: `wtp hook --agent ID` (posts stdin to the daemon's socket) for every
 * state-carrying event, `|| true` so that a daemon that is down never makes Copilot treat the hook
 * as failed. Command hooks only: Copilot's `type: "http"` hooks were not run here.
 */
export function copilotHooks(t: HookEndpoints): Record<string, unknown> {
  const wtp = [t.command.command, ...t.command.args].map(shellWord).join(' ');
  const handler = { type: 'command', bash: `${wtp} || true`, timeoutSec: 10 };
  // The decision hook (hooks.ts COPILOT_DECISION_HOOK): `wtp hook --decide` prints one JSON
  // decision or nothing (Copilot denies on output it cannot read or an exit other than 0) and
  // always exits 0; it gives up before Copilot's limit (a timeout is no decision: the dialog).
  const deciding = { type: 'command', bash: `${wtp} --decide 2>/dev/null || true`, timeoutSec: 30 };
  return {
    version: 1,
    hooks: {
      ...Object.fromEntries(COPILOT_HOOK_EVENTS.map((e) => [e, [handler]])),
      permissionRequest: [deciding],
    },
  };
}

/** The `//` comment rows Copilot writes above the JSON of its managed config.json. */
const LEADING_COMMENTS = /^(?:[ \t]*\/\/[^\n]*\n|[ \t]*\n)*/;

/**
 * Marks `cwd` trusted for GitHub Copilot CLI: adds it to `trustedFolders` in
 * $COPILOT_HOME/config.json (default ~/.copilot), as the trust dialog's "Yes, and remember this
 * folder" does (seen with 1.0.102). Copilot manages that file and starts it with `//` comment rows:
 * they and every other key are kept. A file that is not such a JSON object is left alone (false).
 */
export function trustCopilotFolder(
  files: SetupFiles,
  env: { home: string; copilotHome?: string | undefined },
  cwd: string,
): boolean {
  const file = join(env.copilotHome ?? join(env.home, '.copilot'), 'config.json');
  const text = files.readText(file) ?? '';
  const header = LEADING_COMMENTS.exec(text)?.[0] ?? '';
  const body = text.slice(header.length).trim();
  let config: unknown = {};
  if (body !== '') {
    try {
      config = JSON.parse(body);
    } catch {
      return false;
    }
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return false;
  const o = config as Record<string, unknown>;
  const trusted = o.trustedFolders ?? [];
  if (!Array.isArray(trusted)) return false;
  if (trusted.includes(cwd)) return true;
  o.trustedFolders = [...(trusted as unknown[]), cwd];
  files.writeAtomic(file, `${header}${JSON.stringify(o, null, 2)}\n`);
  return true;
}

/** Its config.json, where `defaultPermissionMode` is read ($COPILOT_HOME, else ~/.copilot). */
function copilotConfigFile(ctx: Pick<VendorSetupContext, 'env' | 'home'>): string {
  return join(ctx.env.COPILOT_HOME ?? join(ctx.home, '.copilot'), 'config.json');
}

/**
 * GitHub Copilot CLI: a per-agent plugin (`--plugin-dir`, 0600 files) whose hooks.json posts our
 * hooks (nothing of the user's settings is touched), and the trust prompt pre-accepted.
 */
export const setup: VendorSetup = {
  prepare(ctx) {
    const dir = join(ctx.agentDir, PLUGIN_DIR);
    const manifest = { name: 'wtp-state-hooks', version: '1.0.0', hooks: 'hooks.json' };
    ctx.files.writeAtomic(join(dir, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    ctx.files.writeAtomic(
      join(dir, 'hooks.json'),
      `${JSON.stringify(copilotHooks(ctx.hookEndpoints()), null, 2)}\n`,
    );
    if (ctx.preTrust) {
      const ok = trustCopilotFolder(
        ctx.files,
        { home: ctx.home, copilotHome: ctx.env.COPILOT_HOME },
        ctx.agent.cwd,
      );
      if (!ok) {
        ctx.log.warn(
          { agent: ctx.agent.id },
          'copilot config.json is not a JSON object: its trust prompt is not pre-accepted',
        );
      }
    }
    return ['--plugin-dir', dir];
  },
  cleanup(agentDir, files) {
    for (const f of PLUGIN_FILES) files.remove(join(agentDir, PLUGIN_DIR, f));
  },
  // Its arguments, else COPILOT_ALLOW_ALL, else config.json's defaultPermissionMode (else manual).
  startMode: (ctx) =>
    copilotArgsMode(ctx.agent.args) ??
    copilotEnvMode(ctx.env) ??
    readSettingsMode(ctx, [
      { path: copilotConfigFile(ctx), key: 'defaultPermissionMode', read: copilotSettingsMode },
    ]),
};
