/**
 * The protocol's plain values, without zod: clients that must start fast (the CLI) import
 * these; the schemas in the sibling modules are built from them.
 */

/** Version of every `--json` document and of the HTTP API. Bump on breaking change. */
export const JSON_VERSION = 1 as const;

/**
 * Agent states (DESIGN §5). `running`: the process runs and nothing tells what it is doing —
 * always so for shell and cmd, and for an agent CLI until its first signal. The four activity
 * states come from signals (status protocol, hooks, screen) of agent-aware profiles.
 */
export const AGENT_STATES = [
  'starting',
  'running',
  'working',
  'needs_permission',
  'needs_input',
  'idle',
  'exited',
  'crashed',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** States in which the agent's process is (or is about to be) alive. */
export const LIVE_STATES: readonly AgentState[] = AGENT_STATES.filter(
  (s) => s !== 'exited' && s !== 'crashed',
);

/**
 * shell: $SHELL; cmd: the command given; the others run that agent's CLI (found on PATH). One
 * profile per folder of src/vendors/: the list is generated (profile-names.ts, `npm run gen`).
 */
export { AGENT_CLI_PROFILES, PROFILE_NAMES, PROFILE_VENDORS, type ProfileName } from './profile-names.js';

/** The version in what an agent CLI's `--version` prints (`2.1.330 (Claude Code)`, `codex-cli 0.169.0`). */
/**
 * What an agent is doing while its process is alive (DESIGN §5). Profiles that cannot tell
 * (shell, cmd) stay `running` instead. Here, not in signals.ts, so the CLI reads it without zod.
 */
export const ACTIVITY_STATES = ['working', 'needs_permission', 'needs_input', 'idle'] as const;
export type ActivityState = (typeof ACTIVITY_STATES)[number];

/**
 * How a user answers an agent that waits: `approve` / `always` / `deny` a permission
 * dialog, `answer` a question (`needs_input`).
 */
export const ANSWER_ACTIONS = ['approve', 'always', 'deny', 'answer'] as const;
export type AnswerAction = (typeof ANSWER_ACTIONS)[number];

/** Where an answer came from, as its audit event says (`policy`: an approval rule answered). */
export const ANSWER_VIA = ['cli', 'api', 'dashboard', 'plugin', 'tui', 'policy'] as const;
export type AnswerVia = (typeof ANSWER_VIA)[number];

/** What `wtp record-screen --state` takes: an activity state, or none (no rule should fire). */
export const RECORD_STATES = [...ACTIVITY_STATES, 'none'] as const;

export const CLI_VERSION_PATTERN = /(\d+\.\d+\.\d+(?:[-+][\w.]+)?)/;

/** `WTP_CLAUDE_BIN`: the environment variable (of the daemon) that names the program of an agent CLI profile. */
export const agentBinVar = (profile: string): string =>
  `WTP_${profile.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BIN`;

export const RESTART_POLICIES = ['never', 'on-failure', 'always'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** Where agent terminals live: WezTerm panes, tmux panes, or detached (no pane). */
export const BACKENDS = ['wezterm', 'tmux', 'headless'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What a user may ask for: a backend, or `auto` (WezTerm inside WezTerm, else tmux if installed, else headless). */
export const BACKEND_CHOICES = ['auto', ...BACKENDS] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export const DEFAULT_WORKSPACE = 'default';

/** How `wtp merge` brings an agent's branch home. */
export const MERGE_STRATEGIES = ['merge', 'squash', 'rebase'] as const;

/** Agent and workspace names: safe as git branch parts, tmux window names and file names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$/;

/** Task statuses (DESIGN §7). */
export const TASK_STATUSES = [
  'backlog',
  'ready',
  'running',
  'review',
  'done',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * How long a pending request's command or path may be (64 KiB): approval rules decide on the whole
 * of it, so it is kept whole up to this bound; a longer one is cut here and never `complete`.
 */
export const REQUEST_ABOUT_MAX = 65_536;
