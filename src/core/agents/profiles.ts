import type { ProfileName } from '../../protocol/agent.js';
import type { SignalSource } from '../../protocol/signals.js';

/** Options of `wtp new <agent CLI>` that a profile turns into its CLI's arguments. */
export interface LaunchOptions {
  model?: string | undefined;
  permissionMode?: string | undefined;
}

/**
 * What wezterm-parallel knows about an agent CLI (data, no I/O). The adapters in
 * `adapters/profiles/` carry out the parts that touch files: hooks and trust.
 */
export interface ProfileSpec {
  name: ProfileName;
  /** What the profile runs; null for shell and cmd (the user's shell, the given command). */
  binary: string | null;
  /** The signals the profile supports, most trusted first (`wtp profiles`, docs). */
  signals: readonly SignalSource[];
  /** How our hooks are added for this agent only, or null. */
  hooks: string | null;
  /** How the trust prompt of a new working directory is pre-accepted, or null. */
  trust: string | null;
  /** How a restarted agent resumes its conversation, or null. */
  resume: string | null;
  /** Screen detector table name (detectors/detector-data.ts), or null. */
  detector: string | null;
  /** Arguments always passed before the user's. */
  defaultArgs: readonly string[];
  /** Arguments for `--model` / `--permission-mode`; undefined when the CLI has no such option. */
  modelArgs?: (model: string) => string[];
  permissionArgs?: (mode: string) => string[];
  /** Arguments that resume the session `id`. */
  resumeArgs?: (id: string) => string[];
  /** Values `--permission-mode` accepts for this CLI (validated before anything starts). */
  permissionModes?: readonly string[];
  /** A working agent is called idle only once idle has held this long (default 0). */
  idleSettleMs?: number;
  /**
   * Whose usage quota the agent spends (the governor holds a vendor's tasks when one of its agents
   * hits a usage limit); null for shell and cmd. Aider talks to many vendors: its own key.
   */
  vendor: string | null;
}

const SPECS: Record<ProfileName, ProfileSpec> = {
  shell: {
    name: 'shell',
    vendor: null,
    binary: null,
    signals: ['process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: null,
    defaultArgs: [],
  },
  cmd: {
    name: 'cmd',
    vendor: null,
    binary: null,
    signals: ['process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: null,
    defaultArgs: [],
  },
  claude: {
    name: 'claude',
    vendor: 'anthropic',
    binary: 'claude',
    signals: ['status', 'hook', 'stream', 'screen', 'process'],
    hooks: 'a per-agent --settings file with http hooks to the daemon (command hooks without TCP)',
    trust: 'projects.<cwd>.hasTrustDialogAccepted in ~/.claude.json ($CLAUDE_CONFIG_DIR/.claude.json)',
    resume: '--resume <session_id> from the SessionStart hook',
    detector: 'claude',
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--permission-mode', m],
    resumeArgs: (id) => ['--resume', id],
    permissionModes: ['default', 'manual', 'acceptEdits', 'plan', 'auto', 'dontAsk', 'bypassPermissions'],
  },
  codex: {
    name: 'codex',
    vendor: 'openai',
    binary: 'codex',
    // Codex 0.169 writes OSC 7501 records unasked (docs/research/codex-0.169.0.md). Its `notify`
    // hook is not used: it also fires for the side request that names the task, mid-turn.
    signals: ['status', 'screen', 'process'],
    hooks: null,
    trust: 'projects."<cwd>".trust_level = "trusted" in ~/.codex/config.toml',
    resume: null,
    detector: 'codex',
    // Main screen (easier to read); no background app-server daemon that outlives the agent.
    defaultArgs: ['--no-alt-screen', '--no-daemon'],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--ask-for-approval', m],
    permissionModes: ['on-request', 'never'],
    // It reports a short working → idle pair at startup and (research notes) around its task-title
    // request: idle must hold before a working agent is called idle.
    idleSettleMs: 1_500,
  },
  gemini: {
    name: 'gemini',
    vendor: 'google',
    binary: 'gemini',
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'gemini',
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
    permissionArgs: (m) => ['--approval-mode', m],
    permissionModes: ['default', 'auto_edit', 'plan', 'yolo'],
  },
  aider: {
    name: 'aider',
    vendor: 'aider',
    binary: 'aider',
    signals: ['screen', 'process'],
    hooks: null,
    trust: null,
    resume: null,
    detector: 'aider',
    defaultArgs: [],
    modelArgs: (m) => ['--model', m],
  },
};

export function profileSpec(name: ProfileName): ProfileSpec {
  return SPECS[name];
}

export function allProfiles(): ProfileSpec[] {
  return Object.values(SPECS);
}

/** Whose quota agents of the profile spend, or null (see ProfileSpec.vendor). */
export function vendorOf(name: string): string | null {
  return (SPECS as Record<string, ProfileSpec | undefined>)[name]?.vendor ?? null;
}

/** Whether the profile can tell working from idle (otherwise its agents stay `running`). */
export function isAgentAware(name: ProfileName): boolean {
  return SPECS[name].signals.some((s) => s !== 'process');
}
