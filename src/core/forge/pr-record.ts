import type {
  CheckRun,
  ChecksSummary,
  ForgeKind,
  PrState,
  PullRequestView,
  ReviewDecision,
} from '../../protocol/forge.js';

/** An agent's pull request as the core keeps it (times are epoch ms); persisted with the agent. */
export interface PullRequestRecord {
  forge: ForgeKind;
  number: number;
  url: string;
  remote: string;
  head: string;
  base: string;
  title: string;
  draft: boolean;
  state: PrState;
  reviewDecision: ReviewDecision | null;
  checks: CheckRun[];
  /** The commit last pushed: what the checks run on. */
  headCommit: string;
  createdAt: number;
  polledAt: number | null;
  pollError: string | null;
  /** Polls that failed in a row (the interval doubles with each). */
  failures: number;
  mergedAt: number | null;
  mergeCommit: string | null;
  /** Times failing checks were sent to the agent as feedback. */
  fixRounds: number;
  /** The pushed commit whose failing checks were last sent (each commit's failures are sent once). */
  fedCommit: string | null;
  /** Failing checks were sent: the agent's new commits are pushed when it finishes its turn. */
  awaitingFix: boolean;
}

/** The checks together, as `gh pr status` sums them up: a failure wins, then a pending check. */
export function checksSummary(checks: readonly CheckRun[]): ChecksSummary {
  if (checks.length === 0) return 'none';
  if (checks.some((c) => c.state === 'fail')) return 'failing';
  if (checks.some((c) => c.state === 'pending')) return 'pending';
  return 'passing';
}

/** The names of the failing checks. */
export function failingChecks(checks: readonly CheckRun[]): string[] {
  return checks.filter((c) => c.state === 'fail').map((c) => c.name);
}

export function clonePullRequest(pr: PullRequestRecord): PullRequestRecord {
  return { ...pr, checks: pr.checks.map((c) => ({ ...c })) };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The API view; `nextPollAt` is the poller's (null once the pull request is merged or closed). */
export function toPullRequestView(pr: PullRequestRecord, nextPollAt: number | null): PullRequestView {
  return {
    forge: pr.forge,
    number: pr.number,
    url: pr.url,
    remote: pr.remote,
    head: pr.head,
    base: pr.base,
    title: pr.title,
    draft: pr.draft,
    state: pr.state,
    reviewDecision: pr.reviewDecision,
    checks: pr.checks.map((c) => ({ ...c })),
    checksState: checksSummary(pr.checks),
    headCommit: pr.headCommit,
    createdAt: iso(pr.createdAt) ?? '',
    polledAt: iso(pr.polledAt),
    pollError: pr.pollError,
    nextPollAt: pr.state === 'open' ? iso(nextPollAt) : null,
    mergedAt: iso(pr.mergedAt),
    fixRounds: pr.fixRounds,
    awaitingFix: pr.awaitingFix,
  };
}
