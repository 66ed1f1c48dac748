import { z } from 'zod';
import {
  FORGE_CLI_CHOICES,
  PR_BODY_FIELDS,
  remoteNameSchema,
  unknownPlaceholders,
} from '../protocol/forge.js';
import { MAX_FIX_CHECKS } from '../protocol/tasks.js';

const list = (names: string[]): string => names.map((n) => `{{${n}}}`).join(', ');

/** Config `forge`: pushing agents' branches, pull requests through gh or glab, their polling. */
export const forgeConfigSchema = z
  .strictObject({
    cli: z
      .enum(FORGE_CLI_CHOICES)
      .default('auto')
      .describe(
        "The forge's CLI for pull requests: gh (GitHub), glab (GitLab), or auto: glab when the remote's host name contains gitlab, else gh",
      ),
    remote: remoteNameSchema.default('origin').describe('The git remote `wtp push` and `wtp pr` push to'),
    pollIntervalMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(120_000)
      .describe(
        "How often each open pull request's state, review decision and checks are asked for (only while one is open)",
      ),
    maxPollIntervalMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(1_800_000)
      .describe('After failed polls the interval doubles, up to this'),
    cliTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(3_600_000)
      .default(60_000)
      .describe('A gh or glab call still running then is killed (its process group: SIGTERM, then SIGKILL)'),
    pushTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .max(86_400_000)
      .default(600_000)
      .describe('A git push still running then is killed (its process group: SIGTERM, then SIGKILL)'),
    bodyTemplate: z
      .string()
      .min(1)
      .max(20_000)
      .superRefine((t, ctx) => {
        const unknown = unknownPlaceholders(t);
        if (unknown.length === 0) return;
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder(s) ${list(unknown)}; known: ${list(Object.keys(PR_BODY_FIELDS))}`,
        });
      })
      .optional()
      .describe(
        `The pull request body, as text with placeholders (${list(Object.keys(PR_BODY_FIELDS))}); replaced once, never run. Default: the task prompt, commits, diff stat and test result`,
      ),
    fixChecks: z
      .number()
      .int()
      .min(0)
      .max(MAX_FIX_CHECKS)
      .default(0)
      .describe(
        "How many times a task's agent gets its pull request's failing checks as feedback by itself, for tasks that say none (0: never; `wtp feedback --from-checks` sends them by hand)",
      ),
  })
  .prefault({})
  .describe('Pushing agents’ branches and pull requests through gh or glab (docs/worktrees.md)');
