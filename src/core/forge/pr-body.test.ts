import { describe, expect, it } from 'vitest';
import { DEFAULT_PR_BODY, unknownPlaceholders, type PrBodyField } from '../../protocol/forge.js';
import { utf8Length } from '../model/text.js';
import {
  commitsText,
  diffstatText,
  MAX_BODY_BYTES,
  prBody,
  prTitle,
  renderTemplate,
  testsText,
} from './pr-body.js';

const values = (over: Partial<Record<PrBodyField, string>> = {}): Record<PrBodyField, string> => ({
  title: 'Health route',
  task: 'health',
  prompt: 'Add GET /health.',
  agent: 'api',
  branch: 'wtp/api',
  base: 'main',
  commits: '- 1a2b3c4d5e add route',
  diffstat: '- `routes.txt` (added) +1 −0',
  tests: '`npm test` passed',
  ...over,
});

describe('pull request bodies', () => {
  it('fills the default template from the task, commits, diff stat and test result', () => {
    const body = prBody(undefined, values());
    expect(body).toBe(
      [
        'Add GET /health.',
        '',
        '## Commits',
        '- 1a2b3c4d5e add route',
        '',
        '## Changes',
        '- `routes.txt` (added) +1 −0',
        '',
        '## Tests',
        '`npm test` passed',
        '',
        '---',
        'Opened by wezterm-parallel for agent `api` (branch `wtp/api` into `main`).',
        '',
      ].join('\n'),
    );
    expect(unknownPlaceholders(DEFAULT_PR_BODY)).toEqual([]);
  });

  it('replaces placeholders once: values are text, never read for placeholders or run', () => {
    const out = renderTemplate(
      '{{ title }} / {{commits}} / {{nope}}',
      values({ title: '{{tests}} $(rm -rf ~)' }),
    );
    expect(out).toBe('{{tests}} $(rm -rf ~) / - 1a2b3c4d5e add route / {{nope}}');
    expect(unknownPlaceholders('{{title}} {{ tittle }} {{agent}}')).toEqual(['tittle']);
  });

  it('starts at the first words without a task, drops NULs, and cuts what a forge would refuse', () => {
    expect(prBody(undefined, values({ prompt: '' })).startsWith('## Commits\n')).toBe(true);
    expect(prBody('{{tests}}', values({ tests: 'a\u0000b' }))).toBe('ab');
    const long = prBody('{{diffstat}}', values({ diffstat: 'é'.repeat(MAX_BODY_BYTES) }));
    expect(utf8Length(long)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(long.endsWith('(cut: the description was longer than a forge takes)\n')).toBe(true);
  });

  it('lists commits, files and the test result in words', () => {
    expect(commitsText([{ sha: 'a'.repeat(40), subject: 'one' }])).toBe(`- ${'a'.repeat(10)} one`);
    expect(commitsText([])).toBe('(none)');
    expect(
      diffstatText([
        { path: 'b.txt', oldPath: 'a.txt', status: 'renamed', insertions: 2, deletions: 1 },
        { path: 'c.txt', status: 'added', insertions: 3, deletions: 0 },
      ]),
    ).toBe('- `a.txt → b.txt` (renamed) +2 −1\n- `c.txt` (added) +3 −0\n\n2 file(s), +5 −1');
    expect(testsText(null, 'none asked for')).toBe('not run (none asked for)');
    const failed = testsText(
      { command: 'npm test', exitCode: 1, timedOut: false, output: 'ok 1\nnot ok 2 ```\n', ms: 5 },
      '',
    );
    expect(failed).toBe("`npm test` failed (exit 1):\n\n```\nok 1\nnot ok 2 '''\n```");
  });

  it('titles it as asked, else by its task, else by its only commit, else by its branch; one line', () => {
    const commits = [{ subject: 'add route' }];
    expect(prTitle({ asked: 'Mine', task: 'health', commits, branch: 'wtp/api' })).toBe('Mine');
    expect(prTitle({ asked: undefined, task: 'health\nmore', commits, branch: 'wtp/api' })).toBe(
      'health more',
    );
    expect(prTitle({ asked: undefined, task: null, commits, branch: 'wtp/api' })).toBe('add route');
    expect(
      prTitle({ asked: undefined, task: null, commits: [...commits, ...commits], branch: 'wtp/api' }),
    ).toBe('wtp/api');
  });
});
