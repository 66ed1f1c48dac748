import { SIGNAL_REASONS } from './signals.js';

/** The reasons the lifecycle gives: how the agent's process came, went or failed to come. */
export const LIFECYCLE_REASONS = [
  'created',
  'adopted',
  'setup_failed',
  'spawned',
  'spawn_failed',
  'host_timeout',
  'exited',
  'stopped',
  'pane_closed',
  'mux_gone',
  'host_lost',
  'restarting',
  'restarted_by_user',
  'crash_loop',
] as const;

/**
 * Why an agent is in its state (`stateDetail.reason`): a lifecycle reason; a signal's reason, or
 * `working` for a signal that names none; or `unknown`, which only reading writes (a reason another
 * version stored that this one does not know: see stored-state-detail.ts).
 */
export const STATE_REASONS = [...LIFECYCLE_REASONS, 'working', ...SIGNAL_REASONS, 'unknown'] as const;
export type StateReason = (typeof STATE_REASONS)[number];

/** What each reason means, in a line: docs/states.md's table of reasons is generated from it. */
export const STATE_REASON_WORDS: Record<StateReason, string> = {
  created: 'starting: just registered (`wtp new`, a template, a task run); its host is on its way',
  adopted:
    'starting: a running host this daemon did not know (its database lost or replaced) was adopted (`wtp orphans adopt`)',
  setup_failed:
    "crashed: the repository's setup script failed in the new worktree; the agent was never started",
  spawned: 'running: its host started the process',
  spawn_failed: 'crashed: its pane, its host or the process itself could not be started',
  host_timeout: 'crashed: its host did not connect within `agents.hostConnectTimeoutMs`',
  exited: 'exited: the process ended by itself (its exit code says how)',
  stopped:
    'exited: stopped on request (`wtp stop`, `wtp rm --force`), or it ended while the daemon shut down',
  pane_closed: 'exited: its pane was closed by hand: a stop, not a crash',
  mux_gone: 'exited: its pane went with its multiplexer (the tmux server was killed): not a stop',
  host_lost: 'crashed: its host vanished without an exit report, and the process with it',
  restarting: 'starting: it ended and its restart policy starts it again at `restartAt`',
  restarted_by_user: 'starting: restarted on request (`wtp restart`)',
  crash_loop: 'crashed: too many restarts in a short window; not restarted again',
  working: 'working: a signal says it is at work (a signal that gives no reason of its own)',
  permission: 'needs_permission: it asks to use a tool (`stateDetail.request` says which, when known)',
  question: 'needs_input: it asks a question, or its turn ended on one',
  auth: 'needs_input: it asks to sign in',
  trust: 'needs_permission: it asks whether it may trust the folder',
  usage_limit: "needs_input: the vendor's usage limit is reached; it waits for the reset (`resetsAt`)",
  error: 'idle: its turn ended with an error',
  turn_done: 'idle: it finished its turn',
  interrupted: 'idle: its turn was interrupted (Esc)',
  at_prompt: 'idle: at its prompt, waiting for the next one',
  unknown:
    'any state: a reason another version stored (an older database, a fleet peer) that this one does not know; `message` names it',
};
