import { z } from 'zod';
import type { CheckRun } from '../../protocol/forge.js';
import type { ForgePullRequest } from '../../core/ports/forge.js';
import { clean, commitOrNull, timeOrNull } from './forge-text.js';

/**
 * `gh pr view --json …` as gh 2.x prints it (cli/cli api/export_pr.go): `statusCheckRollup` is
 * null or an array of CheckRun objects (`__typename`, name, workflowName, status, conclusion,
 * startedAt, completedAt, detailsUrl) and StatusContext objects (context, state, targetUrl).
 */
export const GH_VIEW_FIELDS = [
  'number',
  'url',
  'title',
  'state',
  'isDraft',
  'reviewDecision',
  'statusCheckRollup',
  'headRefOid',
  'mergedAt',
  'mergeCommit',
] as const;

const checkSchema = z.looseObject({
  __typename: z.string().optional(),
  name: z.string().optional(),
  workflowName: z.string().nullish(),
  status: z.string().nullish(),
  conclusion: z.string().nullish(),
  detailsUrl: z.string().nullish(),
  context: z.string().optional(),
  state: z.string().nullish(),
  targetUrl: z.string().nullish(),
});

const viewSchema = z.looseObject({
  number: z.number().int(),
  url: z.string(),
  title: z.string(),
  state: z.string(),
  isDraft: z.boolean().optional(),
  reviewDecision: z.string().nullish(),
  statusCheckRollup: z.array(checkSchema).nullish(),
  headRefOid: z.string().nullish(),
  mergedAt: z.string().nullish(),
  mergeCommit: z.looseObject({ oid: z.string() }).nullish(),
});

export const ghListSchema = z.array(z.looseObject({ number: z.number().int(), url: z.string() }));

/** gh's own sum-up (api/queries_pr.go ChecksStatus): a StatusContext's state, else a CheckRun's conclusion once completed. */
export function ghCheckState(raw: string): CheckRun['state'] {
  if (raw === 'SUCCESS') return 'pass';
  if (raw === 'NEUTRAL' || raw === 'SKIPPED') return 'skipped';
  if (['ERROR', 'FAILURE', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED', 'STARTUP_FAILURE'].includes(raw))
    return 'fail';
  return 'pending'; // EXPECTED, REQUESTED, WAITING, QUEUED, PENDING, IN_PROGRESS, STALE
}

const REVIEW: Record<string, ForgePullRequest['reviewDecision']> = {
  APPROVED: 'approved',
  CHANGES_REQUESTED: 'changes_requested',
  REVIEW_REQUIRED: 'review_required',
};

const STATE: Record<string, ForgePullRequest['state']> = { OPEN: 'open', CLOSED: 'closed', MERGED: 'merged' };

/** A pull request from `gh pr view --json` output; null when it is not that document. */
export function parseGhView(stdout: string): ForgePullRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return null;
  }
  const r = viewSchema.safeParse(json);
  if (!r.success) return null;
  const v = r.data;
  const checks: CheckRun[] = (v.statusCheckRollup ?? []).map((c) => {
    const run = c.__typename === 'CheckRun' || c.context === undefined;
    const raw = run ? (c.status === 'COMPLETED' ? (c.conclusion ?? '') : (c.status ?? '')) : (c.state ?? '');
    return {
      name: clean(run ? (c.name ?? '?') : (c.context ?? '?')),
      workflow: run && c.workflowName ? clean(c.workflowName) : null,
      state: ghCheckState(raw.toUpperCase()),
      conclusion: clean(raw || 'PENDING'),
      url: clean((run ? c.detailsUrl : c.targetUrl) ?? '') || null,
    };
  });
  return {
    number: v.number,
    url: clean(v.url),
    title: clean(v.title),
    state: STATE[v.state.toUpperCase()] ?? 'open',
    draft: v.isDraft ?? false,
    reviewDecision: REVIEW[(v.reviewDecision ?? '').toUpperCase()] ?? null,
    checks,
    headCommit: commitOrNull(v.headRefOid),
    mergedAt: timeOrNull(v.mergedAt),
    mergeCommit: commitOrNull(v.mergeCommit?.oid),
  };
}
