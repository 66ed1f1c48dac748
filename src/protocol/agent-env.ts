/**
 * The variables wezterm-parallel sets in an agent's environment, with who gets them. The code that
 * sets them types its object as `AgentEnv`, so a new name must be declared here first, and
 * docs/environment.md is generated from this table.
 */
export const AGENT_ENV_VARS = {
  WTP_AGENT_ID: {
    who: 'every agent (and its host)',
    meaning: 'The agent id (`ag-…`): what `wtp` commands, the API and hook calls accept.',
  },
  WTP_AGENT_NAME: { who: 'every agent', meaning: 'The agent name, unique in its workspace.' },
  TERM: {
    who: 'every agent (set by its host)',
    meaning: "The terminal type: the pane's own `TERM` in a WezTerm or tmux pane, `xterm-256color` headless.",
  },
  WTP_PORT: {
    who: 'agents in a git worktree (and the setup script run there)',
    meaning:
      "First port of the agent's own range (`git.portBase`, `git.portsPerAgent` ports per agent), for dev servers that must not collide.",
  },
  WTP_PORT_END: {
    who: 'agents in a git worktree (and the setup script run there)',
    meaning: 'Last port of that range (`WTP_PORT` + `git.portsPerAgent` − 1).',
  },
  WTP_WORKTREE: {
    who: 'agents in a git worktree (and the setup script run there)',
    meaning: "The worktree's folder (the agent's cwd).",
  },
  WTP_BRANCH: {
    who: 'agents in a git worktree on a branch (and the setup script)',
    meaning: "The worktree's branch (`wtp/<name>` unless `--branch`); absent on a detached HEAD.",
  },
  WTP_TASK_ID: { who: 'agents started for a task', meaning: 'The task id (`tk-…`).' },
  WTP_TASK_ATTEMPT: {
    who: 'agents started for a task',
    meaning: 'Which attempt of the task the agent runs (1 … `attempts`, for best of N).',
  },
  IS_SANDBOX: {
    who: 'sandboxed agents (`--sandbox`)',
    meaning:
      '`1`: the agent runs in a sandbox (docs/sandbox.md). Claude Code reads it (with it, `bypassPermissions` runs as root too).',
  },
  HTTP_PROXY: {
    who: 'sandboxed agents',
    meaning:
      "The sandbox's proxy (`http://127.0.0.1:<port>` inside): its CLI's API hosts and `sandbox.allowHosts` only.",
  },
  HTTPS_PROXY: { who: 'sandboxed agents', meaning: 'The same proxy, for `https://`.' },
  http_proxy: { who: 'sandboxed agents', meaning: '`HTTP_PROXY` in the spelling some tools read.' },
  https_proxy: { who: 'sandboxed agents', meaning: '`HTTPS_PROXY` in the spelling some tools read.' },
  NO_PROXY: {
    who: 'sandboxed agents',
    meaning:
      '`127.0.0.1,localhost,::1`: the loopback goes direct (its bridges lead to the allowed local servers).',
  },
  no_proxy: { who: 'sandboxed agents', meaning: '`NO_PROXY` in the spelling some tools read.' },
} as const satisfies Record<string, { who: string; meaning: string }>;

export type AgentEnvName = keyof typeof AGENT_ENV_VARS;
/** Variables set for an agent: only the names declared in `AGENT_ENV_VARS`. */
export type AgentEnv = { [K in AgentEnvName]?: string };

/** Variables that describe the daemon's own terminal, not the agent's: the host removes them. */
export const DROPPED_TERMINAL_VARS = [
  'TMUX',
  'TMUX_PANE',
  'WEZTERM_PANE',
  'WEZTERM_UNIX_SOCKET',
  'COLUMNS',
  'LINES',
] as const;
