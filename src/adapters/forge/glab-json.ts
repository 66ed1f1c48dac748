import { z } from 'zod';
import type { CheckRun } from '../../protocol/forge.js';
import type { ForgePullRequest } from '../../core/ports/forge.js';
import { clean, commitOrNull, timeOrNull } from './forge-text.js';

/**
 * `glab mr view <iid> --output=json`: GitLab's merge request document (REST API, Merge requests:
 * iid, title, state opened|closed|locked|merged, draft (work_in_progress before GitLab 14), web_url,
 * sha, merged_at, merge_commit_sha, squash_commit_sha, detailed_merge_status, head_pipeline).
 */
const pipelineSchema = z.looseObject({
  id: z.number().int(),
  status: z.string(),
  web_url: z.string().nullish(),
  sha: z.string().nullish(),
});

const mrSchema = z.looseObject({
  iid: z.number().int(),
  title: z.string(),
  state: z.string(),
  draft: z.boolean().optional(),
  work_in_progress: z.boolean().optional(),
  web_url: z.string(),
  sha: z.string().nullish(),
  merged_at: z.string().nullish(),
  merge_commit_sha: z.string().nullish(),
  squash_commit_sha: z.string().nullish(),
  detailed_merge_status: z.string().nullish(),
  head_pipeline: pipelineSchema.nullish(),
});

/** A pipeline's status (GitLab: created, waiting_for_resource, preparing, pending, running, success, failed, canceled, skipped, manual, scheduled). */
export function glabCheckState(status: string): CheckRun['state'] {
  if (status === 'success') return 'pass';
  if (status === 'failed' || status === 'canceled') return 'fail';
  if (status === 'skipped') return 'skipped';
  return 'pending';
}

const STATE: Record<string, ForgePullRequest['state']> = {
  opened: 'open',
  closed: 'closed',
  locked: 'closed',
  merged: 'merged',
};

const REVIEW: Record<string, ForgePullRequest['reviewDecision']> = {
  not_approved: 'review_required',
  requested_changes: 'changes_requested',
};

/** A merge request from `glab mr view --output=json`; null when it is not that document. */
export function parseGlabView(stdout: string): ForgePullRequest | null {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return null;
  }
  const r = mrSchema.safeParse(json);
  if (!r.success) return null;
  const v = r.data;
  const p = v.head_pipeline;
  const checks: CheckRun[] = p
    ? [
        {
          name: `pipeline #${p.id}`,
          workflow: null,
          state: glabCheckState(p.status),
          conclusion: clean(p.status),
          url: p.web_url ? clean(p.web_url) : null,
        },
      ]
    : [];
  return {
    number: v.iid,
    url: clean(v.web_url),
    title: clean(v.title),
    state: STATE[v.state] ?? 'open',
    draft: v.draft ?? v.work_in_progress ?? false,
    reviewDecision: REVIEW[v.detailed_merge_status ?? ''] ?? null,
    checks,
    headCommit: commitOrNull(v.sha),
    mergedAt: timeOrNull(v.merged_at),
    mergeCommit: commitOrNull(v.merge_commit_sha ?? v.squash_commit_sha),
  };
}
