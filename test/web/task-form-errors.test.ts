import { describe, expect, it } from 'vitest';
import { createTaskRequestSchema } from '../../src/protocol/tasks.js';
import { zodIssues } from '../../src/protocol/zod-issues.js';
import { fieldErrors } from '../../web/src/tasks/task-form-errors.js';

const FIELDS = ['title', 'prompt', 'workspace', 'profile', 'model', 'after', 'priority', 'attempts'];

/** What the daemon answers for this add-task body, as the form shows it (web/src/tasks/task-form-errors.ts). */
function shown(body: Record<string, unknown>): Record<string, string> {
  const r = createTaskRequestSchema.safeParse(body);
  if (r.success) return {};
  return fieldErrors(zodIssues(r.error, 'body'), FIELDS);
}

describe('the add-task form’s words for the daemon’s objections', () => {
  it('says what each field needs, from the issue’s kind and path, not the daemon’s English', () => {
    expect(shown({ title: '', prompt: '' })).toEqual({
      title: 'Give the task a title',
      prompt: 'Say what the agent should do',
    });
    expect(shown({ title: 't'.repeat(201), prompt: 'p', priority: 5000, attempts: 0 })).toEqual({
      title: 'Keep the title to one line of at most 200 characters',
      priority: 'Priority is at most 1000',
      attempts: 'At least 1 attempt',
    });
    expect(shown({ title: 't', prompt: 'p', priority: 1.5, workspace: 'a b', profile: 'nope' })).toEqual({
      priority: 'Priority is a whole number',
      workspace: 'A workspace name is 1-48 letters, digits, "-" or "_", starting with a letter or digit',
      profile: 'Pick a profile from the list',
    });
  });

  it('keeps our own refinements’ words, and puts problems of no field above the buttons', () => {
    expect(shown({ title: 't', prompt: 'p', model: '-x' }).model).toMatch(/must not start with "-"/);
    expect(shown({ title: 't', prompt: 'p', owner: 'me' })).toEqual({ '': expect.stringContaining('owner') });
    expect(shown({ title: 't', prompt: 'p', attempts: 1, variants: [{}, {}] })).toEqual({
      '': 'variants: 2 variants for 1 attempts: give at most one variant per attempt',
    });
  });
});
