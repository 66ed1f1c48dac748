import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/protocol/errors.js';
import { STATE_REASON_WORDS, STATE_REASONS } from '../src/protocol/state-reasons.js';
import { generatedFiles } from '../tools/generated-files.js';
import { REPO } from './support/harness.js';

describe('generated files', () => {
  it.each(Object.entries(generatedFiles()))('%s matches the code', (path, content) => {
    let current: string | null = null;
    try {
      current = readFileSync(join(REPO, path), 'utf8');
    } catch {
      current = null;
    }
    expect(current, `${path} is out of date: run npm run gen`).toBe(content);
  });

  it('docs/errors.md lists every error code exactly once', () => {
    const doc = readFileSync(join(REPO, 'docs/errors.md'), 'utf8');
    const listed = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(ERROR_CODES);
  });

  it('docs/states.md lists every state reason exactly once, with its meaning', () => {
    const doc = readFileSync(join(REPO, 'docs/states.md'), 'utf8');
    const region =
      /<!-- generated:reasons [^\n]*-->([\s\S]*?)<!-- \/generated:reasons -->/.exec(doc)?.[1] ?? '';
    const rows = [...region.matchAll(/^\| `([a-z_]+)` \| [^|]+ \| (.+) \|$/gm)];
    expect(rows.map((m) => m[1])).toEqual(STATE_REASONS);
    for (const [, reason, meaning] of rows)
      expect(meaning).toBe(STATE_REASON_WORDS[reason as keyof typeof STATE_REASON_WORDS]);
  });
});
