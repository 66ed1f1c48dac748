import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/protocol/errors.js';
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
});
