import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measureDetectorAccuracy } from './detector-accuracy.js';
import type { RepoPaths } from './repo-paths.js';

/**
 * The detector-accuracy figure over a corpus of two of the real groups (one recorded, one
 * synthetic) plus a mislabelled recorded screen: per-state tallies, recorded and synthetic counted
 * apart, and the state under 100 % named.
 */
const REAL = join(import.meta.dirname, '..', 'test', 'fixtures', 'screens');

describe('measureDetectorAccuracy', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it('names every state under 100 % and counts recorded and synthetic groups apart', () => {
    root = mkdtempSync(join(tmpdir(), 'wtp-accuracy-'));
    const screens = join(root, 'test', 'fixtures', 'screens');
    cpSync(join(REAL, 'aider', 'synthetic'), join(screens, 'aider', 'synthetic'), { recursive: true });
    cpSync(join(REAL, 'qwen', '0.24.4'), join(screens, 'qwen', '0.24.4'), { recursive: true });
    mkdirSync(join(screens, 'qwen', '0.24.4'), { recursive: true });
    // A screen that is plainly not a permission dialog, labelled as one.
    writeFileSync(
      join(screens, 'qwen', '0.24.4', 'zz-wrong.screen'),
      'state: needs_permission\n---\nhello\n',
    );
    const paths = { root, binWtp: '', distWtp: '', nodePty: '' } satisfies RepoPaths;

    const r = measureDetectorAccuracy(paths);
    const extra = r.extra as {
      files: number;
      recorded: { groups: number; files: number; correct: number };
      synthetic: { groups: number; files: number; correct: number; accuracyPct: number };
      belowTarget: { agent: string; version: string; source: string; state: string; correct: string }[];
      groups: { agent: string; source: string; byState: Record<string, string> }[];
      failures: { file: string }[];
    };
    expect(r.meetsTarget).toBe(false);
    expect(extra.synthetic).toEqual({ groups: 1, files: 5, correct: 5, accuracyPct: 100 });
    expect(extra.recorded.groups).toBe(1);
    expect(extra.recorded.files).toBe(extra.files - 5);
    expect(extra.recorded.correct).toBe(extra.recorded.files - 1);
    const permission = extra.groups.find((g) => g.agent === 'qwen')?.byState.needs_permission ?? '';
    const [ok, total] = permission.split('/').map(Number);
    expect(total).toBe((ok ?? 0) + 1);
    expect(extra.belowTarget).toEqual([
      {
        agent: 'qwen',
        version: '0.24.4',
        source: 'recorded',
        state: 'needs_permission',
        correct: permission,
      },
    ]);
    expect(extra.failures.map((f) => f.file)).toEqual(['qwen/0.24.4/zz-wrong.screen']);
    expect(extra.groups.find((g) => g.agent === 'aider')?.source).toBe('synthetic');
  });
});
