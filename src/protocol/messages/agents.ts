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
} as const satisfies Partial<Record<ErrorCode, MessagePairs>>;
