import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorLinks, anchorsOf, slug } from '../support/doc-anchors.js';
import { guides } from '../support/doc-files.js';
import { REPO } from '../support/harness.js';

const read = (file: string): string => readFileSync(join(REPO, file), 'utf8');

/** The documents whose anchor links are checked: README.md, the guides, the generated references and DEVELOPERS.md. */
const DOCUMENTS = [
  ...guides(),
  'docs/cli.md',
  'docs/config.md',
  'docs/environment.md',
  'docs/events.md',
  'docs/errors.md',
  'DEVELOPERS.md',
];

describe('anchor links', () => {
  it('slug() gives GitHub’s anchors', () => {
    expect(slug('14. Performance')).toBe('14-performance');
    expect(slug('Reliability: the soak')).toBe('reliability-the-soak');
    expect(slug('Push, pull requests and the checks that come back')).toBe(
      'push-pull-requests-and-the-checks-that-come-back',
    );
    expect(slug('`wtp new`')).toBe('wtp-new');
    expect(slug("Act on another machine's agents")).toBe('act-on-another-machines-agents');
    expect(slug('"The daemon is not running"')).toBe('the-daemon-is-not-running');
    expect(slug('Trying a second direction: `wtp fork`')).toBe('trying-a-second-direction-wtp-fork');
    expect(slug('An agent waits at its CLI’s trust dialog (`needs_permission`, trust)')).toBe(
      'an-agent-waits-at-its-clis-trust-dialog-needs_permission-trust',
    );
  });

  it('anchorsOf() numbers repeated headings as GitHub does, and skips code blocks', () => {
    const doc = '# A\n\n## Setup\n\n```sh\n# Setup\n```\n\n### Setup\n\n<a id="here"></a>\n';
    expect([...anchorsOf(doc)]).toEqual(['a', 'setup', 'setup-1', 'here']);
  });

  it.each(DOCUMENTS)('every #anchor in %s names a heading of its target', (doc) => {
    const broken = anchorLinks(read(doc)).flatMap(({ line, file, anchor }) => {
      const target = file === '' ? doc : normalize(join(dirname(doc), file));
      if (!target.endsWith('.md')) return [];
      if (!existsSync(join(REPO, target))) return [`${doc}:${line} → ${target} (no such file)`];
      return anchorsOf(read(target)).has(anchor) ? [] : [`${doc}:${line} → ${target}#${anchor}`];
    });
    expect(broken).toEqual([]);
  });
});
