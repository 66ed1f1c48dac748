import type { ErrorCode } from '../error-catalog.js';
import type { MessagePairs } from './pairs.js';

/** Agents, their dialogs and tasks, workspaces, profiles and templates. */
export const AGENT_MESSAGES = {
  AGENT_NOT_FOUND: [
    ['No agent is named "{ref}".', 'Did you mean "{suggestion}"?'],
    ['No agent is named "{ref}".', 'Run `wtp ls` to see the agents.'],
  ],
  AGENT_AMBIGUOUS: [['"{ref}" names agents in several places: {candidates}.', 'Name one of them as shown.']],
  WORKSPACE_NOT_FOUND: [
    [
      'The workspace of agent "{agent}" was removed while the agent was being created.',
      'Create the workspace again, then the agent.',
    ],
    ['No workspace is named "{ref}".', 'Did you mean "{suggestion}"?'],
    ['No workspace is named "{ref}".', 'Run `wtp workspace ls` to see the workspaces.'],
  ],
  TASK_NOT_FOUND: [['No task has the id or title "{task}".', 'Run `wtp task ls` to see the tasks.']],
  TASK_AMBIGUOUS: [
    [
      'Several tasks are titled "{task}": {candidates}.',
      "Name one by its id; `wtp task ls` shows each one's workspace and status.",
    ],
  ],
  AGENT_NAME_TAKEN: [
    [
      'An agent named "{name}" already exists in workspace "{workspace}".',
      'Give it another name with `--name`.',
    ],
  ],
  AGENT_RUNNING: [
    [
      'Agent "{agent}" is {state}, so it cannot be removed.',
      'Stop it first, or remove it with `wtp rm {agent} --force`.',
    ],
  ],
  AGENT_NOT_RUNNING: [
    [
      'Agent "{agent}" is {state}, not running.',
      'Wait until it runs, or, if it ended, start it again with `wtp restart {agent}`.',
    ],
  ],
  AGENT_IN_DIALOG: [
    [
      'Agent "{agent}" waits on a permission dialog about "{about}", and keys typed now would answer it unchecked.',
      'Answer it with `wtp approve {agent}` or `wtp deny {agent}` (checked against its screen), or pass `--force` to send these keys as your answer (recorded).',
    ],
    [
      'Agent "{agent}" waits on a permission dialog ({reason}), and keys typed now would answer it unchecked.',
      'Answer it with `wtp approve {agent}` or `wtp deny {agent}` (checked against its screen), or pass `--force` to send these keys as your answer (recorded).',
    ],
  ],
  AGENT_HAS_NO_WORKTREE: [
    [
      'Agent "{agent}" works outside git (it was created without a repository), so there is no branch to fork.',
      'Fork an agent created with `--repo <dir>` or in a workspace with a repository.',
    ],
  ],
  AGENT_CLI_BROKEN: [
    [
      '`{command} --version` timed out after {seconds} s: {said}.',
      'Run it in a terminal to see what is wrong, then repair or reinstall the CLI.',
    ],
    [
      '`{command} --version` failed (exit {exitCode}): {said}.',
      'Run it in a terminal to see what is wrong, then repair or reinstall the CLI.',
    ],
    [
      '`{command} --version` failed: {said}.',
      'Run it in a terminal to see what is wrong, then repair or reinstall the CLI.',
    ],
  ],
  AGENT_BUSY: [
    ['Agent "{agent}" is working ({evidence}).', 'Wait until it is idle, or pass `--force` to type anyway.'],
    ['Agent "{agent}" is working ({reason}).', 'Wait until it is idle, or pass `--force` to type anyway.'],
  ],
  ANSWER_NOT_SUPPORTED: [
    [
      'Agent "{agent}" runs {profile}, whose dialogs wezterm-parallel does not know how to answer.',
      'Answer in its terminal (`wtp attach {agent}`).',
    ],
    [
      'The question on agent "{agent}"\'s screen offers no numbered options to pick from.',
      'Answer it in its terminal (`wtp attach {agent}`).',
    ],
  ],
  ANSWER_NOT_AN_OPTION: [
    [
      '"{answer}" is not one of the options of agent "{agent}": {choices}.',
      "Give an option's number or label.",
    ],
  ],
  DIALOG_CHANGED: [
    [
      'Agent "{agent}" has waited on another dialog since {since}, and the one you were shown ({shown}) was {outcome}; nothing was pressed.',
      'Look again, then answer the new one.',
    ],
    [
      'Agent "{agent}" has waited on another dialog since {since}, not the one of {shown} you were shown; nothing was pressed.',
      'Look again, then answer that.',
    ],
    [
      'Agent "{agent}" now asks about "{about}", not "{shownAbout}"; nothing was {done}.',
      'Look again, then answer that.',
    ],
    [
      'Agent "{agent}" shows another dialog ({rule}: "{dialog}"), not a question; nothing was pressed.',
      'Look again, then answer that.',
    ],
    [
      'Agent "{agent}" shows a dialog now ({shows}), not its prompt: the reply would answer that, so nothing was typed.',
      'Look again (`wtp peek {agent}`).',
    ],
    [
      'The dialog on agent "{agent}"\'s screen is not the one announced; nothing was pressed.',
      'Look again, then answer that.',
    ],
  ],
  DIALOG_ALREADY_ANSWERED: [
    [
      'Agent "{agent}"\'s dialog was answered already {how}; it is {state} now, and nothing was pressed.',
      'Look at its screen again (`wtp peek {agent}`) before answering anything else.',
    ],
    [
      'Another answer to agent "{agent}"\'s dialog (via {by}) is being sent; nothing was pressed.',
      'Look at its screen again once it is done (`wtp peek {agent}`).',
    ],
  ],
  NO_IDLE_AGENTS: [
    [
      'No idle agent in workspace {workspace}: nothing was sent (skipped {leftOut}).',
      'Wait until one is idle (`wtp ls --state idle`), or type into one with `wtp send <agent> <text> --force`.',
    ],
    [
      'No idle agent in workspace {workspace}: nothing was sent (no live agent there).',
      'Start one with `wtp new`, or type into one with `wtp send <agent> <text> --force`.',
    ],
    [
      'No idle agent: nothing was sent (skipped {leftOut}).',
      'Wait until one is idle (`wtp ls --state idle`), or type into one with `wtp send <agent> <text> --force`.',
    ],
    [
      'No idle agent: nothing was sent (no live agent).',
      'Start one with `wtp new`, or type into one with `wtp send <agent> <text> --force`.',
    ],
  ],
  PROFILE_UNKNOWN: [
    ['Unknown profile "{profile}"; the known profiles are {known}.', 'Did you mean "{suggestion}"?'],
    [
      'Unknown profile "{profile}"; the known profiles are {known}.',
      'Use one of them (`wtp profiles` shows which are installed).',
    ],
  ],
  PROFILE_OPTION_UNSUPPORTED: [
    ['`--{option} {value}` is not a {profile} mode.', 'Use one of {known}.'],
    [
      '`--{option}` does not apply to the {profile} profile: {reason}.',
      'Leave it out, or use a profile it applies to (`wtp profiles` lists what each one takes).',
    ],
    [
      '`--{option}` does not apply to the {profile} profile.',
      'Leave it out, or use a profile it applies to (`wtp profiles` lists what each one takes).',
    ],
  ],
  COMMAND_MISSING: [
    ['The cmd profile needs a command to run.', 'Give it after `--`, as in `wtp new cmd -- npm run dev`.'],
  ],
  COMMAND_NOT_FOUND: [
    [
      'Cannot run the {profile} CLI "{program}" ({variable}): {missing}.',
      "Point {variable} at the {profile} program in the daemon's environment and restart the daemon (`wtp down`, then `wtp up`).",
    ],
    [
      'Cannot run the {profile} CLI "{command}": {missing}.',
      "Install it ({install}), or set {variable}=/path/to/{binary} in the daemon's environment and restart the daemon (`wtp down`, then `wtp up`).",
    ],
    [
      'Cannot run the {profile} CLI "{command}": {missing}.',
      "Set {variable}=/path/to/{binary} in the daemon's environment and restart the daemon (`wtp down`, then `wtp up`).",
    ],
    [
      'Cannot run "{command}" for pane "{pane}".',
      "Fix that pane's command in the template: a program on the daemon's PATH, or the path of an executable file.",
    ],
    [
      'Cannot run "{command}": {missing}.',
      "Give a program on the daemon's PATH (the environment of `wtp up`), or the path of an executable file.",
    ],
    [
      'Cannot run "{command}".',
      "Give a program on the daemon's PATH (the environment of `wtp up`), or the path of an executable file.",
    ],
  ],
  CWD_INVALID: [
    [
      'Agent "{agent}" cannot restart: its working directory {path} {why}, and nothing was started.',
      'Create the folder again, or remove the agent and start a new one elsewhere: `wtp rm {agent}`, then `{start}`.',
    ],
    ['The repository folder {repo} {why}.', 'Pass `--repo` a folder that exists and can be read.'],
    ['The working directory {path} {why}.', 'Pass `--cwd` a folder that exists and can be entered.'],
  ],
  TASK_MOVE_REFUSED: [
    [
      'Task "{title}" moved on meanwhile: it is {status} now.',
      'Look again (`wtp task show {task}`), then move it from there.',
    ],
    ['Task "{title}" cannot go from {from} to {to}.', 'From {from} it can go to {allowed}.'],
    [
      'Task "{title}" cannot go from {from} to {to}.',
      'A {from} task stays {from}: add a new task for more work.',
    ],
  ],
  TASK_ATTEMPT_NOT_FOUND: [
    ['Task "{title}" has no attempt {attempt}.', 'Run `wtp task show {task}` to see its attempts.'],
  ],
  TASK_ATTEMPT_NOT_READY: [
    [
      'Attempt {attempt} of task "{title}" is {status}.',
      'Only an attempt in review can be picked: wait until it is, or pick another.',
    ],
  ],
  WORKSPACE_EXISTS: [
    [
      'A {backend} workspace named "{name}" already exists outside wezterm-parallel.',
      'Pick another name, or close it first.',
    ],
    ['A tmux session "{workspace}" already exists.', 'Pick another name, or close that session first.'],
    [
      'A workspace named "{name}" already exists.',
      'Pick another name, or remove it first (`wtp workspace rm {name}`).',
    ],
    ['A workspace of that name already exists.', 'Pick another name.'],
  ],
  WORKSPACE_NOT_EMPTY: [
    [
      'Workspace "{workspace}" has {count} live agent(s): {agents}.',
      'Stop them first, or remove it with `wtp workspace rm {workspace} --force`.',
    ],
    [
      'Agents keep starting in workspace "{workspace}" while it is removed (its tasks being dispatched): {agents}.',
      'Try again.',
    ],
  ],
  WORKSPACE_REQUIRED: [
    [
      'No workspace works on {repository} (the git repository of the current directory).',
      'Make one with `wtp workspace new NAME --repo .`, then `{usage}`; or pass `--workspace`.',
    ],
    [
      'No workspace works on {cwd}.',
      'Make one with `wtp workspace new NAME --repo .`, then `{usage}`; or pass `--workspace`.',
    ],
  ],
  WORKSPACE_AMBIGUOUS: [['Workspaces {candidates} all work on {folder}.', 'Pick one with `--workspace`.']],
  TEMPLATE_NOT_FOUND: [
    [
      'The repository {repo} has no template "{name}" in {folder}.',
      "Only a repository's templates need approval; `wtp template ls` says where each one comes from.",
    ],
    ['No template is named "{name}"; the templates are {templates}.', 'Did you mean "{suggestion}"?'],
    [
      'No template is named "{name}"; the templates are {templates}.',
      'Run `wtp template ls` to see where each one comes from.',
    ],
    [
      'Cannot read the template file {path}.',
      'Check the path, or name a template instead (`wtp template ls`).',
    ],
    ['No such template was found.', 'Run `wtp template ls` to see the templates.'],
  ],
  TEMPLATE_NOT_APPROVED: [
    [
      'The template {path} changed since that hash was shown ({shown}); it is now {hash}.',
      'Review it again with `wtp template show {name} --repo {repoArg}`.',
    ],
    [
      'The repository\'s template "{name}" ({path}) is not approved, or changed since it was: nothing was created.',
      'Review it with `wtp template show {name} --repo {repoArg}`, then approve it with `wtp template approve {name} --repo {repoArg}`.',
    ],
  ],
  TEMPLATE_INVALID: [
    [
      'Template {file} has {count} problems; the first: {problem} (at {at}).',
      'Fix them, then check the file again with `wtp template validate {file}`.',
    ],
    [
      'Template {file} is invalid: {problem} (at {at}).',
      'Fix it, then check the file again with `wtp template validate {file}`.',
    ],
  ],
  SETUP_NOT_APPROVED: [
    [
      "The repository's content has not been approved ({pending}): nothing was run or fetched.",
      'Review it with `wtp setup show --repo {repo}`, then approve it with `wtp setup approve --repo {repo}`.',
    ],
    [
      "The repository's content changed since that hash ({shown}) was shown.",
      'Review it again with `wtp setup show --repo {repo}`.',
    ],
    [
      'The setup script of {repo} is not approved, or changed since it was.',
      'Review it with `wtp setup show --repo {repo}`, then approve it with `wtp setup approve --repo {repo}`.',
    ],
  ],
  SETUP_FAILED: [
    [
      'The setup command `{command}` timed out after {seconds} s in {path}.',
      'Fix the cause (its output is in `details.output`), then create the agent again.',
    ],
    [
      'The setup command `{command}` failed (exit {exitCode}) in {path}.',
      'Fix the cause (its output is in `details.output`), then create the agent again.',
    ],
    [
      'The setup command `{command}` failed ({signal}) in {path}.',
      'Fix the cause (its output is in `details.output`), then create the agent again.',
    ],
    [
      'The setup command `{command}` failed in {path}.',
      'Fix the cause (its output is in `details.output`), then create the agent again.',
    ],
  ],
  REPO_CONFIG_NOT_APPROVABLE: [
    [
      'This configuration of {repo} cannot be approved ({problem}).',
      "Answer the agent CLI's own trust dialog instead (`wtp approve NAME`).",
    ],
  ],
  ORPHAN_NOT_FOUND: [['No orphan host runs agent {agentId}.', 'Run `wtp orphans` to see them.']],
  ORPHAN_NOT_ADOPTABLE: [
    [
      'The {profile} agent of orphan host {agentId} is no longer running.',
      'Stop the host with `wtp orphans stop {agentId}`.',
    ],
    [
      'The orphan host {agentId} did not say what it runs (an older host).',
      'Stop it with `wtp orphans stop {agentId}`.',
    ],
  ],
  COST_DISABLED: [
    [
      'Usage is not read on this daemon (config `cost.enabled: false`).',
      'Set `cost.enabled: true` and restart the daemon (`wtp down && wtp up`).',
    ],
  ],
  HOOK_REJECTED: [
    [
      'No agent {agentId} takes hook calls.',
      'Send them only for an agent of this daemon whose CLI reports through hooks (`wtp ls` lists the agents).',
    ],
  ],
  REQUEST_OUTCOME_UNKNOWN: [
    [
      'The daemon received {method} {route} but the connection ended ({reason}) before it answered: it may or may not have been done.',
      'Check with `wtp ls` or `wtp status` (start the daemon with `wtp up` if it is down) before trying again.',
    ],
    [
      'The daemon received {method} {route} but did not answer in time: it may or may not have been done.',
      'Check with `wtp ls` or `wtp status` (start the daemon with `wtp up` if it is down) before trying again.',
    ],
  ],
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
