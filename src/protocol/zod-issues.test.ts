import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { zodIssues } from './zod-issues.js';

describe('zodIssues', () => {
  it('gives each problem its dotted path, its kind (zod code) and the bound it broke', () => {
    const schema = z.strictObject({
      title: z.string().min(1),
      n: z.number().int().max(8),
      tags: z.array(z.string()),
    });
    const r = schema.safeParse({ title: '', n: 9, tags: [3] });
    expect(r.success ? [] : zodIssues(r.error, 'body')).toEqual([
      { path: 'body.title', message: expect.any(String), code: 'too_small', minimum: 1 },
      { path: 'body.n', message: expect.any(String), code: 'too_big', maximum: 8 },
      { path: 'body.tags.0', message: expect.any(String), code: 'invalid_type' },
    ]);
  });
});
