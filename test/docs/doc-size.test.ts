import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/harness.js';

const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');

/** Words as `wc -w` counts them: runs of characters between ASCII white space. */
const words = (text: string): number => text.split(/[ \t\n\v\f\r]+/).filter(Boolean).length;

/** At most this many words: past it, a long table or a detail belongs in the guide the section links. */
const LIMITS: Record<string, number> = {
  'docs/ARCHITECTURE.md': 6000,
  'README.md': 2000,
};

/** docs/ARCHITECTURE.md's sections, in order, each a `## N. Title` heading. */
const ARCHITECTURE_SECTIONS = [
  'Overview',
  'Design principles',
  'Decisions and trade-offs',
  'Project structure and module dependencies',
  'Components',
  'Data flow',
  'Data models',
  'API',
  'Security and threat model',
  'Storage',
  'Configuration',
  'Background jobs',
  'Integrations',
  'Performance',
  'Scalability',
  'Monitoring and observability',
  'Testing',
  'Deployment and CI',
  'Disaster recovery',
  'Error handling',
  'Limitations and tech debt',
  'Evolution',
  'Comparison to similar systems',
  'Key files',
  'Last checked at commit',
];

/** The `## ` headings of a Markdown text, outside fenced code. */
const sections = (markdown: string): string[] =>
  markdown
    .replace(/^```[\s\S]*?^```$/gm, '')
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3).trim());

describe('the size of README.md and docs/ARCHITECTURE.md', () => {
  it('words() counts as wc -w does', () => {
    expect(words('')).toBe(0);
    expect(words('  one\ttwo\n\nthree — | a |  ')).toBe(7);
    expect(words('`wtp ls`: p50 1,655 ms')).toBe(5);
  });

  it.each(Object.entries(LIMITS))('%s has at most %i words', (doc, limit) => {
    expect(words(read(doc))).toBeLessThanOrEqual(limit);
  });

  it('README.md starts with its two commands, npm start and npm test', () => {
    const [title, fence, start, test] = read('README.md').split('\n').filter(Boolean);
    expect(title).toBe('# wezterm-parallel');
    expect(fence).toBe('```sh');
    expect(start).toMatch(/^npm ci && npm start\b/);
    expect(test).toMatch(/^npm ci && npm test\b/);
  });

  it('docs/ARCHITECTURE.md keeps its sections, numbered, in order', () => {
    expect(sections(read('docs/ARCHITECTURE.md'))).toEqual(
      ARCHITECTURE_SECTIONS.map((title, i) => `${i + 1}. ${title}`),
    );
  });
});
