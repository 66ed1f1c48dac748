import type { ProfileName } from '../../protocol/agent.js';
import type { KeyName } from '../../protocol/keys.js';
import type { SpawnSpec } from '../../protocol/host.js';
import type { Signal, SignalSource } from '../../protocol/signals.js';
import type { PermissionMode, PermissionOrigin } from '../../protocol/permission-words.js';

/** Options of `wtp new <agent CLI>` that a profile turns into its CLI's arguments. */
export interface LaunchOptions {
  model?: string | undefined;
  permissionMode?: string | undefined;
}

/** What one hook call of an agent CLI tells: a state signal, and the session id to resume later. */
export interface HookReading {
  signal: Signal | null;
  sessionId: string | null;
  event: string;
  /**
   * The call names a session just begun with nothing in it (SessionStart at startup or after
   * `/clear`): not one a restart may resume yet (`--resume` of an empty session exits 1).
   */
  fresh?: true;
  /** The call ends a turn: with the turn's last assistant message, when its payload has one. */
  turnEnd?: TurnEndMessage;
}

/** A turn's end as a vendor record tells it: its last assistant message (all of it), or null. */
export interface TurnEndMessage {
  message: string | null;
  /** Where it was read, for `wtp why`: `hook Stop last_assistant_message`. */
  from: string;
}

/**
 * How a profile's turns end: its hooks bring the turn's last assistant message, which
 * decides between idle and needs_input (question). A turn's end another source tells first (a
 * status record) is held up to `waitMs` for it.
 */
export interface TurnEndSpec {
  waitMs: number;
  /** Where the message is read from, in words (docs, `wtp profiles`). */
  from: string;
  /**
   * Its own session file, for a CLI whose hook brings no message (Copilot CLI): the file of a
   * session (made from the session id, never from a path a payload gives; null: none), and the
   * turn's last message in its text. Read by the daemon (TurnTranscripts), not by the hook.
   */
  transcript?: {
    file(env: Readonly<Record<string, string | undefined>>, home: string, sessionId: string): string | null;
    /**
     * The turn's last message (null: none yet), and how many turn ends the file records: a file
     * that records fewer than the turn ends told does not have this turn yet.
     */
    lastMessage(text: string): { message: string | null; ends: number };
    /** Where, in words, for `wtp why`. */
    from: string;
  };
}

/** A structured output stream the host reads signals from (Claude Code's `-p` stream-json). */
export type StreamName = NonNullable<NonNullable<SpawnSpec['watch']>['stream']>;

/** Reads a structured output stream (decoded text, any chunking) into signals. */
export interface StreamReader {
  feed(text: string): Signal[];
  /** The session id the stream named, once it has (for a later resume). */
  readonly sessionId: string | null;
}

/**
 * One key to press in an agent's dialog: a name `wtp send --key` knows (`enter`, `esc`, `right`…),
 * or `{ raw }`: literal characters written as keystrokes (a dialog's `2` or `p`). A sequence's
 * keys are separate presses: a sender writes each on its own (Gemini merges keys that arrive
 * within ~30 ms) and, for a dialog with stages, waits for the next stage's screen.
 */
export type DialogKey = KeyName | { raw: string };

/**
 * Where a dialog's "always" option is: the first numbered option after option 1 whose label
 * matches `option` (or, on a dialog without numbers, the first row that matches; its first capture
 * group is the label), chosen with its number's key (`number`) or with fixed keys.
 */
export interface AlwaysOption {
  option: RegExp;
  keys: 'number' | readonly DialogKey[];
  /**
   * The option opens a second stage that says what it holds for (OpenCode: "This will allow edit
   * until OpenCode is restarted." / "Confirm   Cancel"): once `keys` are pressed, the screen must
   * show `stage` (matched across rows, frames removed; its match, spaces squashed, is the scope
   * reported), then `confirm` is pressed — or `cancel`, when it is a mode change the user did not
   * accept (nothing granted).
   */
  stage?: { text: RegExp; confirm: readonly DialogKey[]; cancel: readonly DialogKey[] };
}

/** An option that changes the session's mode: by its label, or by its label on a kind of dialog. */
export type ModeChange = RegExp | { option: RegExp; dialog: RegExp };

/**
 * How a vendor's permission dialog is answered, as its recorded screens show it
 * (test/fixtures/screens/<vendor>/<version>/permission-*.screen).
 */
export interface DialogAnswers {
  /** The keys that approve this one request. */
  approve: readonly DialogKey[];
  /**
   * How the dialog's "approve and stop asking" option is found on screen, or null when the CLI's
   * dialogs have none. What it holds for is never assumed: it is the option's own text as the
   * dialog draws it (`alwaysChoice` in core/state/dialog-options.ts), which differs per dialog
   * (a command prefix, a folder, a host, or a session-wide mode).
   */
  always: AlwaysOption | null;
  /**
   * Options that change the session's permission mode ("switch to accept edits … for this
   * session", "switch to auto mode"): such an option grants more than the request, so `--always`
   * refuses it unless the user accepts the mode change. A pattern of the option's label, or the
   * label on a dialog whose rows match `dialog` (Gemini CLI's "Allow for this session" switches
   * to auto-edit on "Apply this change?", and is a plain session rule on a shell command).
   */
  modeChange?: readonly ModeChange[];
  /** The keys that deny the request. */
  deny: readonly DialogKey[];
  /**
   * A stage the deny keys may open instead of denying at once (OpenCode: denying a subagent's
   * request asks what to do differently): its text on screen (frames removed), and the keys that
   * deny from there.
   */
  denyStage?: { text: RegExp; confirm: readonly DialogKey[] };
  /**
   * The gap its dialogs need between two keys of a sequence, when more than the answerer's 50 ms:
   * OpenCode applies a selection (Right) on its next render, and an Enter that comes first (a
   * loaded machine) chooses the option selected before.
   */
  keyGapMs?: number;
  /**
   * Its folder-trust prompt (`needs_permission` with reason `trust`), answered by choosing the
   * option whose label matches (arrows from the cursor, then Enter); `always` is the option that
   * also remembers the folder, where the prompt has one. Undefined: answered in its terminal.
   */
  trust?: {
    approve: RegExp;
    deny: RegExp;
    always?: RegExp;
    /**
     * `number`: its options are numbered and chosen by their number's key (one key, pressed again
     * when a TUI drops it as the prompt mounts: Gemini CLI's); otherwise by arrows from the cursor.
     */
    keys?: 'number';
  };
  /**
   * How the user's reason goes with a denial: `prompt` = denying returns the agent to its prompt
   * and the reason is sent there as the next prompt; `none` = there is no way to give one.
   */
  denyMessage: 'prompt' | 'none';
}

/** What one source says of an agent CLI's permission mode: the CLI's own name for it, and the evidence. */
export interface ModeReading {
  /** The CLI's name for the mode (`auto`, `acceptEdits`, `yolo`, `on-request/workspace-write`). */
  native: string;
  /** What said so, for `wtp why`: `--permission-mode acceptEdits`, a screen row, a settings key and file. */
  evidence: string;
}

/** The mode an agent starts in, and what made it so (its arguments, environment, settings or the default). */
export interface StartMode extends ModeReading {
  origin: Exclude<PermissionOrigin, 'session'>;
}

/**
 * How an agent CLI's effective permission mode is read, pure: the vendor's own mode
 * names, its default, and the readers of its arguments, hook bodies and screen mode line. Its
 * settings files are read by its setup (`VendorSetup.startMode`), which has the files.
 */
export interface PermissionModeSpec {
  /** The CLI's name in texts (`Claude Code`). */
  product: string;
  /** Each of the CLI's mode names (as hooks, screens, arguments and settings say them) → the neutral mode. */
  modes: Readonly<Record<string, PermissionMode>>;
  /** The mode the CLI runs in when nothing says otherwise, for its version (null: unknown). */
  vendorDefault(version: string | null): StartMode;
  /** The mode its arguments set (as the CLI reads them: the last one wins), or null. */
  fromArgs(args: readonly string[]): StartMode | null;
  /** The mode a hook body names (Claude Code's `permission_mode`), or null. */
  fromHook?(body: Record<string, unknown>): string | null;
  /** The mode its screen's mode line names (the visible rows), or null when none is shown. */
  fromScreen?(lines: readonly string[]): ModeReading | null;
  /**
   * Whether what the CLI shows while it runs (hooks, its mode line) tells the mode of an agent
   * started in mode `start`; false: it does not (Copilot's footer still says "Manual Approval"
   * under `--allow-all-tools`), and the start mode stands. Undefined: always.
   */
  followsLive?(start: string): boolean;
  /** How to start it so that it asks, for `wtp doctor`: `wtp new claude --permission-mode default`. */
  askWith: string;
}

/** A vendor's decision hook (ProfileSpec.decisionHook). */
export interface DecisionHook {
  events: readonly string[];
  request(body: Record<string, unknown>): { tool?: string; about?: string; complete?: boolean } | null;
  respond(action: 'approve' | 'deny', message: string, event: string): Record<string, unknown> | null;
  /**
   * The CLI draws its dialog while this hook call waits and takes the first answer, the hook's or
   * its screen's (Claude Code's PermissionRequest): a call no rule decides is held for the user's
   * answer (core/agents/held-decisions.ts), which then goes to the CLI through the hook.
   */
  user?: UserChannel;
}

/** How a decision hook carries the user's answer (DecisionHook.user). */
export interface UserChannel {
  /** How long a call is held: less than the hook's own timeout in the CLI's settings. */
  holdMs: number;
  /** Tools whose answer needs more than allow or deny (a question's reply): left to the screen. */
  screenOnly: readonly string[];
  /** Whether a call whose tool is not screen-only is held (false: the CLI waits for it before its dialog). */
  holds(body: Record<string, unknown>): boolean;
  /** The response for the user's answer; a deny without a message stops the turn, as the dialog's own does. */
  respond(action: 'approve' | 'deny', message: string | undefined): Record<string, unknown>;
}

/**
 * What wezterm-parallel knows about an agent CLI (data, no I/O): the vendor-neutral contract.
 * Each profile's spec lives in its folder `src/vendors/<name>/` and reaches the core through a
 * ProfileCatalog that the composition roots build and inject; the parts that touch files (hooks,
 * trust) are the vendor's `setup.ts`, run by adapters/profiles.
 */
/** A folder or file of a CLI's own state: `~/…` (the agent's HOME), moved by a variable when it is set. */
export interface SandboxStatePath {
  path: string;
  /** The variable that moves it (CODEX_HOME): its value, with `sub` appended, replaces `path`. */
  env?: string;
  sub?: string;
  /** A file (~/.claude.json): shown only when it is there; a folder is made when it is missing. */
  file?: boolean;
}

/** What a CLI needs of the machine when it runs sandboxed (docs/sandbox.md). */
export interface ProfileSandbox {
  /** Its model API hosts (`api.anthropic.com`, `*.googleapis.com:443`). */
  hosts: readonly string[];
  /** Variables that point it at another API (ANTHROPIC_BASE_URL): when one is set, its host replaces `hosts`. */
  baseUrlEnv?: readonly string[];
  /**
   * Its own state and cache, hidden from other CLIs' agents. Its sandboxed agents write it only where
   * its setup moved it into the agent's own folder (its variable); the user's stays read-only.
   */
  state: readonly SandboxStatePath[];
  /** Subfolders of the agent's own folder (its setup's files) it writes (`gemini-home`). */
  agentDirs?: readonly string[];
  /** Files of its own that may hold credentials, read-only for its agents and hidden from other CLIs' (`~/.claude.json`). */
  secrets?: readonly string[];
}

export interface ProfileSpec {
  name: ProfileName;
  /** What the profile runs; null for shell and cmd (the user's shell, the given command). */
  binary: string | null;
  /** How to install the CLI when it is not found (a command to copy), for agent CLI profiles. */
  install?: string;
  /** The signals the profile supports, most trusted first (`wtp profiles`, docs). */
  signals: readonly SignalSource[];
  /** How our hooks are added for this agent only, or null. */
  hooks: string | null;
  /** How the trust prompt of a new working directory is pre-accepted, or null. */
  trust: string | null;
  /** How a restarted agent resumes its conversation, or null. */
  resume: string | null;
  /** Screen detector table name (the vendor's `detectors.ts`), or null. */
  detector: string | null;
  /** Arguments always passed before the user's. */
  defaultArgs: readonly string[];
  /**
   * Variables of the daemon's environment its CLI reads — its API keys, base URLs, settings folders
   * — by name or `PREFIX*`: passed to its agents only, over the allowlist every agent gets.
   */
  env?: readonly string[];
  /** What its agents may reach when sandboxed: its API hosts and its state folders (absent: nothing of its own). */
  sandbox?: ProfileSandbox;
  /** Arguments for `--model` / `--permission-mode`; undefined when the CLI has no such option. */
  modelArgs?: (model: string) => string[];
  permissionArgs?: (mode: string) => string[];
  /** Arguments that resume the session `id`. */
  resumeArgs?: (id: string) => string[];
  /**
   * Arguments that start a new conversation from a copy of the session `id` (`wtp fork`); the
   * source session is left as it is. Undefined: the CLI cannot fork one (the fork starts fresh).
   */
  forkArgs?: (id: string) => string[];
  /** Values `--permission-mode` accepts for this CLI (validated before anything starts). */
  permissionModes?: readonly string[];
  /**
   * Its CLI cannot start beside another start on the same data folder: the daemon spawns its
   * agents one at a time per folder, each once the one before is up (or START_TURN_MS passed).
   */
  startsAlone?: boolean;
  /** A working agent is called idle only once idle has held this long (default 0). */
  idleSettleMs?: number;
  /** Where its turns' last messages come from; undefined: its turn ends are not read. */
  turnEnd?: TurnEndSpec;
  /**
   * Whose usage quota the agent spends (the governor holds a vendor's tasks when one of its agents
   * hits a usage limit); null for shell and cmd. Aider talks to many vendors: its own key.
   */
  vendor: string | null;
  /** How its permission dialog is answered (`wtp approve` / `deny`); undefined: not declared. */
  dialogs?: DialogAnswers;
  /**
   * Its tool names by kind, so an approval rule's `Bash(…)` means "a shell command" on every
   * vendor: `{ Bash: ['run_shell_command'], Write: ['write_file'], … }` (kinds: Bash, Write, Edit,
   * Read, WebFetch). Undefined: rules can name only its own tools.
   */
  toolClasses?: Readonly<Record<string, readonly string[]>>;
  /**
   * Approval rules reach the CLI without its screen (Claude Code: every decision through its
   * PermissionRequest hook, `decisionHook`, and its deny rules also in its `--settings`): the
   * policy answerer leaves its dialogs alone.
   */
  nativeApprovals?: boolean;
  /**
   * Arguments that let the agent act without asking (each a sequence: `['-a', 'never']`), listed
   * by `wtp doctor`; the first is the one named when a blanket rule is refused.
   */
  broadFlags?: readonly (readonly string[])[];
  /**
   * A hook its CLI waits on before it shows a permission dialog, or as it draws it (Claude Code), or
   * before it runs a tool, through
   * which approval rules decide exactly (HookDecider): the events that carry a decision, how the
   * whole request is read from the hook's body (null: not one rules decide, e.g. a question), and
   * the response that answers it — null when that event cannot carry that action (Gemini CLI's
   * BeforeTool can deny, not approve): then there is no decision there, and the CLI goes on as
   * without one. Without a decision the response is empty and the CLI shows its dialog.
   */
  decisionHook?: DecisionHook;
  /**
   * The hook event its CLI sends for every permission dialog (Claude Code: `PermissionRequest`): a
   * dialog announced by another source without it means a hook call failed (HookWatch).
   */
  dialogHook?: string;
  /** How its effective permission mode is read; undefined: not read (shell, cmd, aider). */
  permissions?: PermissionModeSpec;
  /** Reads one hook call's JSON body (profiles whose `signals` include `hook`). */
  readHook?: (body: Record<string, unknown>, at: number) => HookReading;
  /** A structured output stream the host reads instead of the screen, when it `applies` to the arguments. */
  stream?: {
    name: StreamName;
    applies(args: readonly string[]): boolean;
    /** The profile arguments (from the setup) a streamed run keeps. */
    profileArgs(args: readonly string[]): string[];
    reader(now: () => number): StreamReader;
  };
}

/**
 * Every profile's spec, by name: built by the composition roots from the vendor folders
 * (src/vendors/registry.ts) and injected, so the core never names a vendor.
 */
export class ProfileCatalog {
  private readonly byName: ReadonlyMap<string, ProfileSpec>;

  constructor(private readonly specs: readonly ProfileSpec[]) {
    this.byName = new Map(specs.map((s) => [s.name, s]));
  }

  /** The spec of a profile (every ProfileName has a vendor folder, hence a spec). */
  get(name: ProfileName): ProfileSpec {
    const spec = this.byName.get(name);
    if (spec === undefined) throw new Error(`no spec for profile ${name}`);
    return spec;
  }

  /** Every spec, in the order lists show them. */
  all(): readonly ProfileSpec[] {
    return this.specs;
  }

  /** Whose quota agents of the profile spend, or null (see ProfileSpec.vendor). */
  vendorOf(name: string): string | null {
    return this.byName.get(name)?.vendor ?? null;
  }

  /** Whether the profile can tell working from idle (otherwise its agents stay `running`). */
  isAgentAware(name: ProfileName): boolean {
    return this.get(name).signals.some((s) => s !== 'process');
  }
}
