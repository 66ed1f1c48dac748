import type { VendorDefinition } from '../vendor.js';
import { claudeUsage } from './usage.js';
import { CLAUDE_RULES } from './detectors.js';
import { CLAUDE_DECISION_HOOK, readClaudeHook } from './hooks.js';
import { claudePermissions } from './modes.js';
import { ClaudeStreamReader, isClaudeStreamJson, withoutOption } from './stream-json.js';

/**
 * Claude Code (docs/research/claude-code-2.1.330.md): OSC 7501 status records, http hooks through
 * a per-agent `--settings` file (setup.ts), `-p --output-format stream-json` for headless runs,
 * recorded screens, resume by session id.
 */
export const vendor: VendorDefinition = {
  order: 30,
  usage: claudeUsage,
  testedVersions: ['2.1.330'],
  detectors: CLAUDE_RULES,
  profile: {
    name: 'claude',
    vendor: 'anthropic',
    binary: 'claude',
    install: 'npm i -g @anthropic-ai/claude-code',
    // Sandboxed (docs/sandbox.md): the Messages API; its config folder, which then holds its global
    // state too (setup.ts: CLAUDE_CONFIG_DIR, made from ~/.claude.json), and its cache.
    sandbox: {
      hosts: ['api.anthropic.com:443'],
      baseUrlEnv: ['ANTHROPIC_BASE_URL'],
      state: [{ path: '~/.claude', env: 'CLAUDE_CONFIG_DIR' }, { path: '~/.cache/claude' }],
      secrets: ['~/.claude.json'],
    },
    signals: ['status', 'hook', 'stream', 'screen', 'process'],
    hooks: 'a per-agent --settings file with http hooks to the daemon (command hooks without TCP)',
    trust: 'projects.<cwd>.hasTrustDialogAccepted in ~/.claude.json ($CLAUDE_CONFIG_DIR/.claude.json)',
    resume: '--resume <session_id> from its hooks (once the session has had a prompt)',
    detector: 'claude',
    // "❯ 1. Yes" / "2. Yes, and always allow access to <dir> from this project" / "3. Yes, and
    // switch to auto mode"; "Esc to cancel · Tab to amend". Esc leaves it at its prompt.
    dialogs: {
      approve: ['enter'],
      // "Yes, and …" after option 1: its text says for what (a folder, a command prefix, a host) —
      // or it switches the session's mode (Write/Edit: "switch to accept edits … for this session").
      always: { option: /^Yes, and\b/, keys: 'number' },
      modeChange: [/\bswitch to\b/i, /\bfor this session\b/i],
      deny: ['esc'],
      denyMessage: 'prompt',
      // "Quick safety check…": `No, exit` (preselected) / `Yes, I trust this folder`; no option remembers more.
      trust: { approve: /^Yes, I trust this folder\b/, deny: /^No, exit\b/ },
    },
    // Its own names. Rules decide through its PermissionRequest hook (decisionHook); its deny rules
    // also reach it as `permissions.deny` in the --settings file (setup.ts).
    toolClasses: {
      Bash: ['Bash'],
      Write: ['Write'],
      Edit: ['Edit', 'MultiEdit', 'NotebookEdit'],
      Read: ['Read', 'Glob', 'Grep', 'LS'],
      WebFetch: ['WebFetch'],
    },
    nativeApprovals: true,
    broadFlags: [
      ['--permission-mode', 'bypassPermissions'],
      ['--permission-mode=bypassPermissions'],
      ['--dangerously-skip-permissions'],
    ],
    // Its own variables (docs.anthropic.com, Claude Code settings): the API, its settings folder,
    // switches. Bedrock and Vertex credentials (AWS_*, GOOGLE_*) only when the config passes them.
    env: [
      'ANTHROPIC_*',
      'CLAUDE_*',
      'DISABLE_AUTOUPDATER',
      'DISABLE_TELEMETRY',
      'DISABLE_ERROR_REPORTING',
      'DISABLE_BUG_COMMAND',
      'DISABLE_COST_WARNINGS',
      'DISABLE_NON_ESSENTIAL_MODEL_CALLS',
      'MAX_THINKING_TOKENS',
      'MCP_TIMEOUT',
      'MCP_TOOL_TIMEOUT',
      'MAX_MCP_OUTPUT_TOKENS',
      'BASH_DEFAULT_TIMEOUT_MS',
      'BASH_MAX_TIMEOUT_MS',
      'BASH_MAX_OUTPUT_LENGTH',
      'USE_BUILTIN_RIPGREP',
    ],
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--permission-mode', m],
    resumeArgs: (id) => ['--resume', id],
    forkArgs: (id) => ['--resume', id, '--fork-session'],
    permissionModes: ['default', 'manual', 'acceptEdits', 'plan', 'auto', 'dontAsk', 'bypassPermissions'],
    permissions: claudePermissions,
    readHook: readClaudeHook,
    // Its Stop hook carries the turn's last message, ~50 ms before its `done` record.
    turnEnd: { waitMs: 1_000, from: "its Stop hook's last_assistant_message" },
    dialogHook: 'PermissionRequest',
    decisionHook: CLAUDE_DECISION_HOOK,
    stream: {
      name: 'claude-stream-json',
      applies: isClaudeStreamJson,
      // Its stream tells all our hooks would: a headless run goes without the hooks' --settings.
      profileArgs: (args) => withoutOption(args, '--settings'),
      reader: (now) => new ClaudeStreamReader(now),
    },
  },
};
