import { z } from 'zod';
import { commandLineSchema, gitRefSchema } from './argument-strings.js';
import { isoTimeSchema } from './common.js';

/**
 * Delivery to a forge: the agent's branch pushed to a remote, a pull request (GitHub)
 * or merge request (GitLab) opened through the forge's own CLI (`gh`, `glab`), and its state,
 * review decision and checks polled back.
 */

/** The forges whose CLIs are driven: github (`gh`), gitlab (`glab`). */
export const FORGE_KINDS = ['github', 'gitlab'] as const;
export type ForgeKind = (typeof FORGE_KINDS)[number];

/** Which CLI the config asks for: auto (from the remote's URL), gh or glab. */
export const FORGE_CLI_CHOICES = ['auto', 'gh', 'glab'] as const;

export const PR_STATES = ['open', 'closed', 'merged'] as const;
export type PrState = (typeof PR_STATES)[number];

export const REVIEW_DECISIONS = ['approved', 'changes_requested', 'review_required'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** One check as the forge's CLI reports it, read as gh itself sums them up (`gh pr status`). */
export const CHECK_STATES = ['pass', 'fail', 'pending', 'skipped'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** All checks together: failing when one fails, else pending while one runs, else passing. */
export const CHECKS_SUMMARIES = ['none', 'pending', 'passing', 'failing'] as const;
export type ChecksSummary = (typeof CHECKS_SUMMARIES)[number];

/**
 * A git remote's name as wezterm-parallel passes it to git: letters, digits, `.`, `_`, `-` and
 * `/`, not starting with `-` or `.` (never read as an option, never a path of its own).
 */
export const remoteNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9._/-]{0,99}$/,
    'must be a remote name: letters, digits, ".", "_", "-" or "/", starting with a letter, digit or "_"',
  )
  .refine((s) => !s.includes('..') && !s.endsWith('/') && !s.endsWith('.lock'), 'is not a valid remote name');

/** A pull request title: one line (no control characters), not starting with `-`. */
export const prTitleSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must be one line without control characters')
  .refine((s) => s.trim() !== '', 'must not be blank');

export const checkRunSchema = z.object({
  name: z.string().describe('The check (GitHub: check run or status context; GitLab: its pipeline)'),
  workflow: z.string().nullable().describe('The GitHub Actions workflow it belongs to, when it does'),
  state: z.enum(CHECK_STATES).describe('Its outcome as gh sums it up; skipped: neutral and skipped runs'),
  conclusion: z
    .string()
    .describe('What the forge said, e.g. SUCCESS, FAILURE, IN_PROGRESS (GitHub), failed, running (GitLab)'),
  url: z.string().nullable().describe('Where the check’s details are'),
});
export type CheckRun = z.infer<typeof checkRunSchema>;

export const pullRequestSchema = z.object({
  forge: z.enum(FORGE_KINDS),
  number: z.number().int().describe('GitHub: #number; GitLab: !iid'),
  url: z.string(),
  remote: z.string().describe('The git remote the branch was pushed to'),
  head: z.string().describe('The branch proposed'),
  base: z.string().describe('The branch it is proposed for'),
  title: z.string(),
  draft: z.boolean(),
  state: z.enum(PR_STATES),
  reviewDecision: z
    .enum(REVIEW_DECISIONS)
    .nullable()
    .describe('What reviewers decided, when the forge says (null: no decision, or none required)'),
  checks: z.array(checkRunSchema),
  checksState: z.enum(CHECKS_SUMMARIES),
  headCommit: z.string().describe('The commit last pushed (what the checks run on)'),
  createdAt: isoTimeSchema,
  polledAt: isoTimeSchema.nullable().describe('When the forge was last asked; null: not yet'),
  pollError: z
    .string()
    .nullable()
    .describe('Why the last poll failed (polling backs off); null when it worked'),
  nextPollAt: isoTimeSchema
    .nullable()
    .describe('When the daemon asks next; null once the pull request is merged or closed'),
  mergedAt: isoTimeSchema.nullable(),
  fixRounds: z.number().int().describe('Times failing checks were sent to the agent as feedback'),
  awaitingFix: z
    .boolean()
    .describe('Failing checks were sent to the agent: its new commits are pushed when it finishes its turn'),
});
export type PullRequestView = z.infer<typeof pullRequestSchema>;

export const pushRequestSchema = z.strictObject({
  remote: remoteNameSchema.optional().describe('The remote (default: config forge.remote, origin)'),
  forceWithLease: z
    .boolean()
    .default(false)
    .describe(
      'Replace the remote branch (after a rebase or amend), only if it is still where this repository last saw it',
    ),
  commit: z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .describe('Commit uncommitted work with this message first; without it, uncommitted work is refused'),
  progress: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 letters, digits, "_" or "-"')
    .optional()
    .describe("An id: git's progress lines go to the WebSocket /api/v1/progress?op=<id> while it pushes"),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

export const pushResultSchema = z.object({
  agent: z.string(),
  remote: z.string(),
  branch: z.string(),
  commit: z.string().describe('The commit the remote branch has now'),
  status: z
    .enum(['new', 'updated', 'forced', 'up-to-date'])
    .describe('new branch, fast-forward, forced (--force-with-lease), or nothing to push'),
  upstream: z.string().describe('The upstream the branch tracks now, e.g. origin/wtp/api'),
  committed: z.string().nullable().describe('The commit made from uncommitted work first (commit)'),
});
export type PushResult = z.infer<typeof pushResultSchema>;

export const prCreateRequestSchema = pushRequestSchema.omit({ forceWithLease: true }).extend({
  title: prTitleSchema.optional().describe("Default: the task's title, else the first commit's subject"),
  base: gitRefSchema.optional().describe('The branch to propose it for (default: the agent’s base)'),
  draft: z.boolean().default(false),
  test: commandLineSchema
    .nullable()
    .optional()
    .describe(
      "A command run in the worktree whose result goes in the body (sh -c); default: the repository's approved test command; null: none",
    ),
});
export type PrCreateRequest = z.infer<typeof prCreateRequestSchema>;

export const prCreateResultSchema = z.object({
  agent: z.string(),
  pushed: pushResultSchema,
  pullRequest: pullRequestSchema,
  created: z.boolean().describe('false: an open pull request for the branch existed and was taken'),
  test: z
    .object({ command: z.string(), exitCode: z.number().int(), timedOut: z.boolean() })
    .nullable()
    .describe('The test command whose result is in the body, if one ran'),
});

export const prStatusQuerySchema = z.strictObject({});

export const prStatusSchema = z.object({
  agent: z.string(),
  pullRequest: pullRequestSchema,
});

export const prStatusListSchema = z.object({
  pullRequests: z.array(prStatusSchema).describe('Every agent with a pull request, oldest first'),
});

export const checksFeedbackRequestSchema = z.strictObject({
  text: z
    .string()
    .min(1)
    .max(20_000)
    .optional()
    .describe('Words of your own, typed after the list of failing checks'),
  force: z.boolean().default(false).describe('Type even while the agent is working'),
});

export const checksFeedbackResultSchema = z.object({
  bytes: z.number().int(),
  seq: z.number().int(),
  failing: z.array(z.string()).describe('The failing checks sent'),
  round: z.number().int().describe('How many times failing checks have been sent to this agent'),
});

/** Messages on the WebSocket `/api/v1/progress?op=<id>`: lines, then `done` once the operation ended. */
export const progressMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    line: z.string().describe("One progress line (git's --progress output)"),
    partial: z
      .boolean()
      .describe('git writes over this line next (it ended with a carriage return): a counter going on'),
  }),
  z.object({ type: z.literal('done') }),
]);
export type ProgressMessage = z.infer<typeof progressMessageSchema>;
export const progressQuerySchema = z.strictObject({ op: pushRequestSchema.shape.progress.unwrap() });

/** The placeholders of a pull request body template (`forge.bodyTemplate`), each `{{name}}`. */
export const PR_BODY_FIELDS = {
  title: 'the pull request title',
  task: 'the task’s title (empty without a task)',
  prompt: 'the task’s prompt (empty without a task)',
  agent: 'the agent’s name',
  branch: 'the branch proposed',
  base: 'the branch it is proposed for',
  commits: 'the branch’s commits, one “- <short sha> <subject>” line each (oldest first)',
  diffstat: 'the changed files with their added and removed lines, and a total',
  tests: 'the test command and its result (with the end of its output when it failed), or “not run”',
} as const;
export type PrBodyField = keyof typeof PR_BODY_FIELDS;

/** The body of a pull request when `forge.bodyTemplate` is not set. */
export const DEFAULT_PR_BODY = `{{prompt}}

## Commits
{{commits}}

## Changes
{{diffstat}}

## Tests
{{tests}}

---
Opened by wezterm-parallel for agent \`{{agent}}\` (branch \`{{branch}}\` into \`{{base}}\`).
`;

/** `{{name}}`s of a template that are not placeholders (a typo would be left in the body as it is). */
export function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !(n in PR_BODY_FIELDS)))];
}
