import type { Issue } from '../../../src/protocol/error-catalog.js';

/** How a field's problem of one kind (zod's issue code) reads; `*` for any other kind. */
type Wording = Partial<Record<string, (i: Issue) => string>>;

/**
 * The add-task form's words for the daemon's objections, by field (the request's key) and kind.
 * A `custom` problem is one of our own refinements, already written for people: it shows as is.
 */
const FIELDS: Record<string, Wording> = {
  title: {
    too_small: () => 'Give the task a title',
    too_big: (i) => `Keep the title to one line of at most ${i.maximum} characters`,
  },
  prompt: {
    too_small: () => 'Say what the agent should do',
    too_big: (i) => `The prompt is too long: at most ${i.maximum} characters`,
  },
  workspace: {
    '*': () => 'A workspace name is 1-48 letters, digits, "-" or "_", starting with a letter or digit',
  },
  profile: { '*': () => 'Pick a profile from the list' },
  model: {
    too_small: () => 'Name a model, or leave the field empty',
    too_big: (i) => `A model name is at most ${i.maximum} characters`,
  },
  after: {
    too_big: (i) => `At most ${i.maximum} dependencies`,
    '*': () => 'Pick the tasks it waits for from the list',
  },
  priority: {
    too_small: (i) => `Priority is at least ${i.minimum}`,
    too_big: (i) => `Priority is at most ${i.maximum}`,
    '*': () => 'Priority is a whole number',
  },
  attempts: {
    too_small: (i) => `At least ${i.minimum} attempt`,
    too_big: (i) => `At most ${i.maximum} attempts side by side`,
    '*': () => 'A whole number of attempts',
  },
  status: { '*': () => 'Choose ready or backlog' },
};

/** The form field an issue's path names (`body.title` → title, `body.after.2` → after), or ''. */
export function fieldOf(path: string): string {
  const m = /^body\.([^.]+)/.exec(path);
  return m?.[1] ?? '';
}

/** The human words for one problem of the form: by field and kind, else the daemon's message. */
export function issueWords(issue: Issue): string {
  const wording = FIELDS[fieldOf(issue.path)];
  const say = issue.code === 'custom' ? undefined : (wording?.[issue.code ?? ''] ?? wording?.['*']);
  return say ? say(issue) : issue.message;
}

/** The daemon's validation problems by form field; problems of no field (or of none we show) under ''. */
export function fieldErrors(issues: readonly Issue[], fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const f = fieldOf(issue.path);
    const key = fields.includes(f) ? f : '';
    const words = key === '' && f !== '' ? `${f}: ${issueWords(issue)}` : issueWords(issue);
    if (!out[key]?.split('; ').includes(words)) out[key] = out[key] ? `${out[key]}; ${words}` : words;
  }
  return out;
}
