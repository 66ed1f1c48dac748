import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import {
  PERMISSION_MODES,
  PERMISSION_ORIGINS,
  PERMISSION_SOURCES,
  UNASKED_ACTIONS,
} from './permission-words.js';

export * from './permission-words.js';

export const permissionModeSchema = z
  .enum(PERMISSION_MODES)
  .describe(
    'default: asks before it edits files or runs commands; accept_edits: edits without asking; auto: runs what it judges safe without asking (a classifier, a sandbox); plan: plans only; dont_ask: never asks, refuses what its allow rules do not permit; bypass: edits and runs commands without asking; unknown',
  );

/** An agent's effective permission mode: what it is, what it does unasked, and who said so. */
export const agentPermissionSchema = z.object({
  mode: permissionModeSchema,
  native: z
    .string()
    .nullable()
    .describe(
      "The CLI's own name for it (acceptEdits, auto_edit, yolo, on-request/workspace-write…); null: none",
    ),
  withoutAsking: z
    .enum(UNASKED_ACTIONS)
    .describe(
      'What the agent does without asking, beyond reading and its allow rules: nothing, edits, commands (those it judges safe), everything',
    ),
  origin: z
    .enum(PERMISSION_ORIGINS)
    .describe(
      "What made it so: its arguments, environment, settings, its vendor's default, or session (the CLI reports another mode than it started in: shift+tab, a command)",
    ),
  originDetail: z
    .string()
    .describe(
      'That in words: `--permission-mode acceptEdits`, `permissions.defaultMode "auto" in ~/.claude/settings.json`, `Claude Code 2.1.330\'s default`',
    ),
  source: z
    .enum(PERMISSION_SOURCES)
    .describe('What last told it: hook (its payload), screen (its mode line), or how it was started'),
  evidence: z
    .string()
    .describe('What that source said: `hook UserPromptSubmit permission_mode "auto"`, a screen row'),
  since: isoTimeSchema.describe('Since when it is in this mode (its process start, or the change)'),
});
export type AgentPermission = z.infer<typeof agentPermissionSchema>;
