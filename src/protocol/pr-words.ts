import type { CheckRun, PullRequestView } from './forge.js';

/** `#12` on GitHub, `!12` on GitLab. */
export function prRef(pr: Pick<PullRequestView, 'forge' | 'number'>): string {
  return `${pr.forge === 'gitlab' ? '!' : '#'}${pr.number}`;
}

/** One glyph per check state, so they differ without colours too. */
export const CHECK_ICONS: Record<CheckRun['state'], string> = {
  pass: '✓',
  fail: '✗',
  pending: '…',
  skipped: '-',
};

const SUMMARY_ICONS = { none: '', pending: '…', passing: '✓', failing: '✗' } as const;

/**
 * A pull request in a few characters, for lists (`wtp ls`, the TUI): `#12 ✓` (checks passing),
 * `#12 ✗` (failing), `#12 …` (running), `#12` (no checks), `#12 merged`, `#12 closed`.
 */
export function prBadge(pr: PullRequestView): string {
  if (pr.state !== 'open') return `${prRef(pr)} ${pr.state}`;
  const icon = SUMMARY_ICONS[pr.checksState];
  return icon === '' ? prRef(pr) : `${prRef(pr)} ${icon}`;
}

/** The checks in words: `failing: tests, lint (1 of 3 passing)`, `passing (3)`, `pending (1 of 2 done)`, `none`. */
export function checksWords(pr: PullRequestView): string {
  const n = pr.checks.length;
  if (n === 0) return 'none';
  const passed = pr.checks.filter((c) => c.state === 'pass' || c.state === 'skipped').length;
  if (pr.checksState === 'failing') {
    const failing = pr.checks.filter((c) => c.state === 'fail').map((c) => c.name);
    return `failing: ${failing.join(', ')} (${passed} of ${n} passing)`;
  }
  if (pr.checksState === 'pending')
    return `pending (${n - pr.checks.filter((c) => c.state === 'pending').length} of ${n} done)`;
  return `passing (${n})`;
}

/** A review decision in words. */
export function reviewWords(pr: PullRequestView): string {
  return pr.reviewDecision === null ? '-' : pr.reviewDecision.replace('_', ' ');
}

/** `url` when it is an http(s) link, else null: a forge's words never become a `javascript:` link. */
export function httpUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\/[^\s"'<>\\]+$/i.test(url) ? url : null;
}
