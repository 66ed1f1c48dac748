import { DEFAULT_PR_BODY, PR_BODY_FIELDS, type PrBodyField } from '../../protocol/forge.js';
import type { DiffFile, TestRun } from '../ports/git.js';
import { utf8Length } from '../model/text.js';

/** GitHub refuses a body over 65,536 characters: a longer one is cut, saying so. */
export const MAX_BODY_BYTES = 60_000;
const TEST_TAIL_LINES = 20;

/**
 * Fills `{{name}}` placeholders once: the values are text and are never read for placeholders
 * again (a commit subject saying `{{tests}}` stays as it is). Unknown names (refused by the
 * config's schema) are left as written.
 */
export function renderTemplate(template: string, values: Record<PrBodyField, string>): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) =>
    name in PR_BODY_FIELDS ? values[name as PrBodyField] : whole,
  );
}

/** `- <short sha> <subject>` per commit, oldest first. */
export function commitsText(commits: readonly { sha: string; subject: string }[]): string {
  if (commits.length === 0) return '(none)';
  return commits.map((c) => `- ${c.sha.slice(0, 10)} ${c.subject}`).join('\n');
}

/** One line per file with its added and removed lines, then a total. */
export function diffstatText(files: readonly DiffFile[]): string {
  if (files.length === 0) return '(no changes)';
  const lines = files.map((f) => {
    const path = f.oldPath ? `${f.oldPath} → ${f.path}` : f.path;
    return `- \`${path}\` (${f.status}) +${f.insertions} −${f.deletions}`;
  });
  const ins = files.reduce((n, f) => n + f.insertions, 0);
  const del = files.reduce((n, f) => n + f.deletions, 0);
  return `${lines.join('\n')}\n\n${files.length} file(s), +${ins} −${del}`;
}

/** The test command and how it went; the end of its output when it failed. */
export function testsText(run: TestRun | null, why: string): string {
  if (run === null) return `not run (${why})`;
  const how = run.timedOut ? 'timed out' : run.exitCode === 0 ? 'passed' : `failed (exit ${run.exitCode})`;
  const head = `\`${run.command}\` ${how}`;
  if (run.exitCode === 0 && !run.timedOut) return head;
  const tail = run.output.trimEnd().split('\n').slice(-TEST_TAIL_LINES).join('\n');
  return tail === '' ? head : `${head}:\n\n\`\`\`\n${tail.replaceAll('```', "'''")}\n\`\`\``;
}

/** The body with its placeholders filled, cut at {@link MAX_BODY_BYTES} with a note. */
export function prBody(template: string | undefined, values: Record<PrBodyField, string>): string {
  // A NUL (a test's output may hold one) can reach no program, as an argument or in a file it reads as text.
  const body = renderTemplate(template ?? DEFAULT_PR_BODY, values)
    .replaceAll('\0', '')
    .replace(/^\s*\n/, '');
  if (utf8Length(body) <= MAX_BODY_BYTES) return body;
  const note = '\n\n(cut: the description was longer than a forge takes)\n';
  let cut = body.slice(0, MAX_BODY_BYTES - 200);
  while (utf8Length(cut) > MAX_BODY_BYTES - 200) cut = cut.slice(0, Math.floor(cut.length * 0.9));
  return cut + note;
}

/**
 * The title: the one asked for, else the task's title, else the only commit's subject, else the
 * branch; one line, at most 256 characters.
 */
export function prTitle(o: {
  asked: string | undefined;
  task: string | null;
  commits: readonly { subject: string }[];
  branch: string;
}): string {
  const first = o.commits.length === 1 ? o.commits[0]?.subject : undefined;
  const raw = o.asked ?? o.task ?? first ?? o.branch;

  const line = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return (line === '' ? o.branch : line).slice(0, 256);
}
