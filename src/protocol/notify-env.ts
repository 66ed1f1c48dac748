/**
 * The variables the user's notification command (`notifications.command`) gets besides the daemon's
 * environment, each with its meaning. The code that sets them types its object by this table, so a
 * variable cannot be set without being declared here, nor declared without being set, and
 * docs/environment.md is generated from it.
 */
export const NOTIFY_COMMAND_ENV_VARS = {
  WTP_AGENT_ID: { meaning: 'The agent id (`ag-…`).' },
  WTP_AGENT_NAME: { meaning: 'The agent name.' },
  WTP_WORKSPACE: { meaning: "The agent's workspace." },
  WTP_STATE: { meaning: 'The state the agent entered (`needs_permission`, `idle`, `crashed`, …).' },
  WTP_OLD_STATE: { meaning: 'The state it left.' },
  WTP_REASON: {
    meaning:
      'Why it is in that state (`permission`, `turn_done`, `crash_loop`, …: docs/states.md lists them all); absent when none.',
  },
  WTP_EVIDENCE: {
    meaning: 'What the signal behind the state said (as `wtp why` shows it); absent when none.',
  },
  WTP_EVENT_SEQ: { meaning: "The event log's sequence number of the state change (`wtp events`)." },
  WTP_EXIT_CODE: { meaning: "The process's exit code, when it exited or crashed." },
  WTP_SIGNAL: { meaning: 'The signal that ended the process, when one did.' },
  WTP_TITLE: { meaning: 'The notification\'s title, e.g. "api needs your permission".' },
  WTP_MESSAGE: {
    meaning: 'Its message: what the agent asks, or what to do next, with the workspace; no NUL bytes.',
  },
  WTP_URGENCY: {
    meaning:
      "How urgent it is, as the desktop notification's urgency: `critical` (a permission asked, a crash), `normal` (a question, a sign-in, folder trust, a usage limit, an error), `low` (a finished turn, an interrupt, an exit).",
  },
  WTP_AT: { meaning: 'When the state changed (ISO 8601, UTC).' },
} as const satisfies Record<string, { meaning: string }>;

export type NotifyCommandEnvName = keyof typeof NOTIFY_COMMAND_ENV_VARS;
