import { ENV_VARS, OTHER_ENV_VARS, type EnvVarSpec } from '../../src/config/env.js';
import { AGENT_ENV_VARS, DROPPED_TERMINAL_VARS } from '../../src/protocol/agent-env.js';
import { code, generatedNote, table, text } from './markdown.js';

const row = (v: EnvVarSpec): string[] => [code(v.name), text(v.meaning), text(v.default)];

/** docs/environment.md: what wtp reads (src/config/env.ts) and what every agent gets (src/protocol/agent-env.ts). */
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
    generatedNote('src/config/env.ts and src/protocol/agent-env.ts (tools/docs/env-reference.ts)'),
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
    "An agent's environment is, in this order: the daemon's own environment (as `wtp up` was started; without",
    "npm's `npm_*` variables and the checkout's `node_modules/.bin` when started through `npm start`), the",
    "variables of its worktree, the agent's own `--env KEY=VALUE` (or a template's `env:`), and then its",
    'identity (`WTP_AGENT_ID`, `WTP_AGENT_NAME`), which nothing overrides; its host sets `TERM`. `WTP_HOME` is',
    'among the inherited variables only when the daemon has it.',
    `The host removes ${DROPPED_TERMINAL_VARS.map(code).join(', ')}: they describe the daemon's terminal,`,
    "not the agent's.",
    '',
    table(['variable', 'who gets it', 'meaning'], agents),
    '',
  ].join('\n')}`;
}
