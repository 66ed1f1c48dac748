import type { CheckRun } from '../../protocol/forge.js';
import type { PullRequestRecord } from './pr-record.js';

/** A forge's words, typed into an agent: one line, no control characters (no escape, no Enter). */
export function plain(text: string, max = 300): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const what = (pr: PullRequestRecord): string =>
  pr.forge === 'gitlab' ? `merge request !${pr.number}` : `pull request #${pr.number}`;

/**
 * The prompt that tells an agent its pull request's checks failed: which, with their links, on
 * which commit, and that its committed fix is pushed for it when it finishes its turn.
 */
export function checksFeedbackText(
  pr: PullRequestRecord,
  failing: readonly CheckRun[],
  extra?: string,
): string {
  const lines = failing.map((c) => {
    const name = plain(c.workflow ? `${c.workflow} / ${c.name}` : c.name, 200);
    const url = c.url ? ` ${plain(c.url, 300)}` : '';
    return `- ${name}: ${plain(c.conclusion, 40)}${url}`;
  });
  return [
    `The checks of ${what(pr)} (${plain(pr.url, 300)}) failed on commit ${pr.headCommit.slice(0, 10)}:`,
    ...lines,
    'Find out why they fail, fix it and commit the fix; your branch is pushed for you when you finish.',
    ...(extra === undefined || extra.trim() === '' ? [] : [extra.trim()]),
  ].join('\n');
}
