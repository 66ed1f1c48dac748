/** Longest part of a title kept in an agent name: room is left in its 48 characters for suffixes. */
const MAX_SLUG = 32;

/**
 * A task title as a name part: lower-case ASCII letters and digits joined by single dashes (accents
 * dropped), at most 32 characters; "task" when nothing is left. Such a name passes the name rules
 * and is safe as a tmux window name, a folder name and in a git branch (`wtp/<name>`).
 */
export function titleSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '');
  return slug === '' ? 'task' : slug;
}

/**
 * The name of the agent of a task run: the title's slug, `-a<k>` for attempt k of a best of N,
 * `-r<n>` for the n-th try of a retried attempt (`login-a1`, `login-a1-r2`), then `-2`, `-3`, …
 * until `taken` says it is free (`api`, `api-2`).
 */
export function taskAgentName(
  task: { title: string; attempts: number },
  attempt: number,
  tryNo: number,
  taken: (name: string) => boolean,
): string {
  const base = `${titleSlug(task.title)}${task.attempts > 1 ? `-a${attempt}` : ''}${tryNo > 1 ? `-r${tryNo}` : ''}`;
  if (!taken(base)) return base;
  for (let n = 2; ; n++) if (!taken(`${base}-${n}`)) return `${base}-${n}`;
}
