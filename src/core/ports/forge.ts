import type { CheckRun, ForgeKind, PrState, ReviewDecision } from '../../protocol/forge.js';

/**
 * What the core needs from a forge, through its own CLI: `gh` for GitHub, `glab` for
 * GitLab, found on the daemon's PATH and run with argument arrays in the agent's worktree (where
 * the CLI finds the repository from its remotes). A missing CLI is FORGE_CLI_MISSING; a failing
 * one FORGE_FAILED with its exit code and error output.
 */
export interface ForgeCli {
  /** Resolves when the forge's CLI is on the PATH (FORGE_CLI_MISSING otherwise); runs nothing. */
  check(kind: ForgeKind): Promise<void>;
  /** The open pull request whose head branch is `head`, or null. */
  findOpen(kind: ForgeKind, cwd: string, head: string): Promise<{ number: number; url: string } | null>;
  /** Opens a pull request; the body goes through a file or stdin where the CLI takes one. */
  create(kind: ForgeKind, cwd: string, req: NewPullRequest): Promise<{ number: number; url: string }>;
  /** The pull request as the forge has it now. */
  view(kind: ForgeKind, cwd: string, number: number): Promise<ForgePullRequest>;
}

export interface NewPullRequest {
  title: string;
  body: string;
  base: string;
  head: string;
  draft: boolean;
}

/** A pull request as the forge reports it, in the core's words. */
export interface ForgePullRequest {
  number: number;
  url: string;
  title: string;
  state: PrState;
  draft: boolean;
  reviewDecision: ReviewDecision | null;
  checks: CheckRun[];
  /** The head commit the forge has, when it says. */
  headCommit: string | null;
  /** When it was merged (epoch ms), when it was. */
  mergedAt: number | null;
  mergeCommit: string | null;
}
