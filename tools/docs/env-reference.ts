import { AGENT_ENV_ALLOWLIST, NEVER_PASSED } from '../../src/config/agent-environment.js';
import { ENV_VARS, OTHER_ENV_VARS, type EnvVarSpec } from '../../src/config/env.js';
import { PROFILES } from '../../src/vendors/registry.js';
import { AGENT_ENV_VARS, DROPPED_TERMINAL_VARS } from '../../src/protocol/agent-env.js';
import { NOTIFY_COMMAND_ENV_VARS } from '../../src/protocol/notify-env.js';
import { code, generatedNote, table, text } from './markdown.js';

const row = (v: EnvVarSpec): string[] => [code(v.name), text(v.meaning), text(v.default)];

/**
 * docs/environment.md: what wtp reads (src/config/env.ts), what every agent gets
 * (src/protocol/agent-env.ts) and what a notification command gets (src/protocol/notify-env.ts).
 */
export function environmentReference(): string {
  const read = Object.values(ENV_VARS).map(row);
  const agents = Object.entries(AGENT_ENV_VARS).map(([name, v]) => [
    code(name),
    text(v.who),
    text(v.meaning),
  ]);
  return `${[
    '# Environment variables',
    '',
    generatedNote(
      'src/config/env.ts, src/protocol/agent-env.ts and src/protocol/notify-env.ts (tools/docs/env-reference.ts)',
    ),
    '',
    '## What wezterm-parallel reads',
    '',
    'The CLI, the daemon and the hosts read these (`src/config/env.ts` is the only module that touches',
    '`process.env`). An empty value counts as unset.',
    '',
    table(['variable', 'meaning', 'when unset'], read),
    '',
    'Read from the copy of the environment handed on (the daemon passes it to agents and their tools):',
    '',
    table(['variable', 'meaning', 'when unset'], OTHER_ENV_VARS.map(row)),
    '',
    '## What every agent gets',
    '',
    "Agents (and whatever they run) get only part of the daemon's environment: an allowlist, not all of it, so",
    `the daemon's own secrets — ${NEVER_PASSED.map(code).join(', ')} with the fleet's password, tokens in its`,
    'environment, anything of its config — never reach them (`src/config/agent-environment.ts`).',
    "An agent's environment is, in this order:",
    '',
    "1. from the daemon's environment (as `wtp up` was started; without npm's `npm_*` variables and the",
    "   checkout's `node_modules/.bin` when started through `npm start`), the variables of the allowlist below;",
    "2. the variables its profile's CLI reads (its API keys, base URLs, settings folders: the table after it);",
    "3. the config's `agents.env`: `pass` (more variables of the daemon's environment, by name or `PREFIX*`),",
    '   `set` (values), and per profile `agents.env.profiles.<name>` (docs/config.md);',
    "4. the variables of its worktree, the agent's own `--env KEY=VALUE` (or a template's `env:`);",
    '5. its identity (`WTP_AGENT_ID`, `WTP_AGENT_NAME`), which nothing overrides; its host sets `TERM`.',
    '',
    "A repository's setup script runs with 1, 3 and 4. Hosts, and the tmux server that runs them, get 1 and 3",
    '(and `TMUX_TMPDIR`, `WEZTERM_UNIX_SOCKET`, `WEZTERM_CONFIG_FILE`). A pattern of `agents.env.pass` that would',
    `pass ${NEVER_PASSED.map(code).join(', ')} (\`WTP_*\`, \`*\`) is refused when the config is read. The user's`,
    "notification command (`notifications.command`, their own) gets the daemon's whole environment.",
    `The host removes ${DROPPED_TERMINAL_VARS.map(code).join(', ')}: they describe the daemon's terminal,`,
    "not the agent's.",
    '',
    table(
      ['variable', 'why'],
      AGENT_ENV_ALLOWLIST.map((v) => [code(v.name), text(v.why)]),
    ),
    '',
    "What each profile's CLI reads, passed to its agents only (Bedrock's `AWS_*` or a Codex provider's own",
    '`env_key` are not among them: pass them with `agents.env.profiles.<name>.pass`):',
    '',
    table(
      ['profile', 'variables'],
      PROFILES.all().map((p) => [code(p.name), p.env && p.env.length > 0 ? p.env.map(code).join(', ') : '—']),
    ),
    '',
    'What wezterm-parallel sets:',
    '',
    table(['variable', 'who gets it', 'meaning'], agents),
    '',
    '## What a notification command gets',
    '',
    "The user's `notifications.command` (docs/config.md) runs with the daemon's environment plus these, which say",
    'what happened (docs/states.md, Notifications); an absent value is an absent variable, never an empty one:',
    '',
    table(
      ['variable', 'meaning'],
      Object.entries(NOTIFY_COMMAND_ENV_VARS).map(([name, v]) => [code(name), text(v.meaning)]),
    ),
    '',
  ].join('\n')}`;
}
