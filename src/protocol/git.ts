import { approvalsSchema } from './approval-schema.js';
import { z } from 'zod';
import { commandLineSchema, gitRefSchema } from './argument-strings.js';
import { absolutePathSchema, boolQuery } from './common.js';
import { MERGE_STRATEGIES } from './constants.js';

export const diffFileSchema = z.object({
  path: z.string(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'untracked']),
  insertions: z.number().int(),
  deletions: z.number().int(),
  oldPath: z.string().optional(),
});

export const agentDiffSchema = z.object({
  agent: z.string(),
  diff: z.object({
    base: z.string(),
    mergeBase: z.string(),
    files: z.array(diffFileSchema),
    patch: z.string().describe('Unified diff; empty with stat=true'),
    landed: z
      .boolean()
      .describe(
        'All of its work is committed and in the base already (squash-merged): no files, nothing to merge',
      ),
  }),
});

export const diffQuerySchema = z.strictObject({
  stat: boolQuery(false),
});

export const commitRequestSchema = z.strictObject({
  message: z.string().min(1).max(10_000).describe('The commit message'),
});

export { MERGE_STRATEGIES };

export const mergeRequestSchema = z.strictObject({
  strategy: z.enum(MERGE_STRATEGIES).default('merge'),
  into: gitRefSchema.optional().describe('Target branch (default: the agent base)'),
  test: commandLineSchema
    .optional()
    .describe('A command run in the agent worktree first (sh -c); merging only if it passes'),
  commit: z
    .string()
    .min(1)
    .max(10_000)
    .optional()
    .describe(
      'Commit uncommitted work in the worktree with this message first; without it, uncommitted work is refused',
    ),
});

export const mergeResultSchema = z.object({
  ok: z.boolean(),
  commit: z.string().nullable(),
  target: z.string(),
  conflicts: z.array(z.string()),
  test: z.object({ command: z.string(), exitCode: z.number().int(), output: z.string() }).nullable(),
  alreadyMerged: z
    .boolean()
    .describe(
      'Its work was in the target already (merged before by any strategy: merge, squash, rebase, cherry-pick): nothing was merged and `commit` is the target’s',
    ),
});

export const feedbackRequestSchema = z.strictObject({
  text: z.string().min(1).max(100_000).describe('Review comments, typed to the agent as a prompt'),
  force: z.boolean().default(false),
});

export const conflictsQuerySchema = z.strictObject({
  cached: boolQuery(false).describe(
    'true: the report the radar computed last (it runs once if it never has), without running git again',
  ),
});

export const pairSchema = z.object({
  a: z.string().describe("The first side: an agent's name, or the base branch"),
  b: z.string().describe("The second side: an agent's name, or the base branch"),
  aAgent: z.string().nullable().describe('The agent id of side a; null for the base branch'),
  bAgent: z.string().nullable().describe('The agent id of side b; null for the base branch'),
  conflicting: z.boolean(),
  conflicts: z.array(z.object({ path: z.string(), kind: z.string(), hunks: z.array(z.string()) })),
  overlapping: z.array(z.string()).describe('Files both sides changed that still merge cleanly'),
});

export const radarBranchSchema = z.object({
  agent: z.string().describe("The agent's name"),
  agentId: z.string(),
  branch: z.string(),
  running: z
    .boolean()
    .describe(
      'The agent is still at work (not idle, exited or crashed): its branch may change before a merge',
    ),
  uncommitted: z
    .boolean()
    .describe('Its worktree has uncommitted or untracked changes; they are compared as they are'),
  changed: z
    .boolean()
    .describe('false: no changes against its base at all, so it is in no pair and not in the merge order'),
});

export const conflictReportSchema = z.object({
  branches: z.array(radarBranchSchema).describe('Every agent branch the radar looked at'),
  pairs: z
    .array(pairSchema)
    .describe('Every pair of agent branches with changes, and each of them with its base'),
  mergeOrder: z.object({
    order: z
      .array(z.string())
      .describe(
        'Every agent with changes, in the order that merges with the fewest conflicts: finished ones first, then those still running',
      ),
    notes: z.array(z.string()),
  }),
});

export const gcRequestSchema = z.strictObject({
  dryRun: z.boolean().default(false).describe('Only say what would be removed'),
});

export const gcResultSchema = z.object({
  removed: z.array(
    z.object({ agent: z.string(), path: z.string(), branch: z.string().nullable(), bytes: z.number() }),
  ),
  kept: z.array(z.object({ agent: z.string(), why: z.string() })),
  bytesFreed: z.number(),
  dryRun: z.boolean(),
});

export const setupQuerySchema = z.strictObject({ repo: absolutePathSchema });

/** One agent CLI's configuration in a repository: what it runs or loads once it trusts the folder. */
export const repoConfigSchema = z.object({
  vendor: z.string().describe('The profile it is for (claude, codex, …)'),
  cli: z.string(),
  files: z.array(
    z.object({
      path: z.string().describe("Relative to the repository's top"),
      bytes: z.number().int(),
      text: z.string().nullable().describe('Its content; null when not shown (binary, or values of a .env)'),
      note: z.string().nullable(),
    }),
  ),
  hash: z.string().describe('sha256 of the exact content: what an approval names'),
  problem: z
    .string()
    .nullable()
    .describe(
      "Why it cannot be approved (a link out of the repository, too large): the CLI's own dialog then",
    ),
  approved: z.boolean(),
});
export type RepoConfigInfo = z.infer<typeof repoConfigSchema>;
export const setupInfoSchema = z.object({
  repo: z.string(),
  setup: z
    .object({
      commands: z.array(z.string()),
      test: z.string().nullable().describe('The test command (`test:`), approved with the setup script'),
      approvals: approvalsSchema
        .nullable()
        .default(null)
        .describe("The repository's approval rules (`approvals:`), approved with the setup script"),
      hash: z.string(),
      approved: z.boolean(),
    })
    .nullable(),
  submodules: z
    .object({
      repo: z.string().describe('The repository the approval is kept for (its main checkout)'),
      entries: z.array(z.object({ name: z.string(), path: z.string(), url: z.string() })),
      hash: z.string(),
      approved: z.boolean(),
    })
    .nullable()
    .default(null)
    .describe("The repository's submodules (.gitmodules): fetched into new worktrees only once approved"),
  configs: z
    .array(repoConfigSchema)
    .default([])
    .describe(
      "Agent CLIs' configuration in the folder: their trust prompt is pre-accepted only once approved",
    ),
});
export type SetupInfo = z.infer<typeof setupInfoSchema>;
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 shown by `wtp setup show`');
export const setupApproveSchema = z.strictObject({
  repo: absolutePathSchema,
  hash: sha256.optional().describe('The setup script’s hash, as shown (default: none approved by it)'),
  hashes: z
    .array(sha256)
    .max(50)
    .optional()
    .describe(
      'Hashes of what `wtp setup show` listed (setup, submodules, agent CLIs’ configuration) to approve',
    ),
});
