import { join } from 'node:path';
import { readJsonObject, writeFileAtomic } from './json-file.js';

/** Claude Code hook events that carry state (docs: hooks reference); SessionEnd is left to the process exit. */
export const CLAUDE_HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PermissionRequest',
  'Notification',
  'Stop',
  'StopFailure',
] as const;

/** How hook calls reach the daemon: http when possible, the `wtp hook` command always available. */
export interface HookTransport {
  http: { url: string; token: string } | null;
  command: { command: string; args: string[] };
}

/** Claude Code 2.1.330 skips http hooks for SessionStart ("HTTP hooks are not supported for SessionStart"). */
const COMMAND_ONLY: readonly string[] = ['SessionStart'];

/**
 * The per-agent `--settings` document: our hooks for every state-carrying event, added on top of
 * the user's own settings (Claude Code merges hooks across levels; nothing of the user's is
 * touched). HTTP hooks are preferred: no process is spawned per tool call. The command form
 * runs `wtp hook --agent ID`, which posts stdin to the daemon's unix socket.
 */
export function claudeSettings(t: HookTransport): Record<string, unknown> {
  const command = { type: 'command', ...t.command, async: true, timeout: 10 };
  const handler = (event: string): Record<string, unknown> =>
    t.http && !COMMAND_ONLY.includes(event)
      ? { type: 'http', url: t.http.url, headers: { Authorization: `Bearer ${t.http.token}` }, timeout: 5 }
      : command;
  const hooks = Object.fromEntries(
    CLAUDE_HOOK_EVENTS.map((e) => [e, [{ matcher: '', hooks: [handler(e)] }]]),
  );
  return { hooks };
}

/** Writes the settings file (0600) for one agent and returns its path. */
export function writeClaudeSettings(agentDir: string, t: HookTransport): string {
  const file = join(agentDir, 'claude-settings.json');
  writeFileAtomic(file, `${JSON.stringify(claudeSettings(t), null, 2)}\n`);
  return file;
}

/** Where Claude Code keeps its global state (trust, onboarding): ~/.claude.json or $CLAUDE_CONFIG_DIR/.claude.json. */
export function claudeStateFile(env: { home: string; configDir?: string | undefined }): string {
  return env.configDir ? join(env.configDir, '.claude.json') : join(env.home, '.claude.json');
}

/**
 * Pre-accepts the "Do you trust the files in this folder?" dialog for `cwd`: sets
 * `projects[cwd].hasTrustDialogAccepted` and keeps everything else in the file as it was
 * (atomic replace). Returns false (and changes nothing) when the file is not a JSON object.
 */
export function trustClaudeProject(stateFile: string, cwd: string): boolean {
  const doc = readJsonObject(stateFile);
  if (doc === null) return false;
  const projects = (typeof doc.projects === 'object' && doc.projects !== null ? doc.projects : {}) as Record<
    string,
    Record<string, unknown>
  >;
  const entry = projects[cwd] ?? {};
  if (entry.hasTrustDialogAccepted === true) return true;
  projects[cwd] = { ...entry, hasTrustDialogAccepted: true };
  doc.projects = projects;
  writeFileAtomic(stateFile, `${JSON.stringify(doc, null, 2)}\n`);
  return true;
}
