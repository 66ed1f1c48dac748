import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import { MODE_LINES, PROFILES } from '../../src/vendors/registry.js';

/**
 * The permission mode each recorded screen's mode line names (issue 29): every screen of the corpus
 * (test/fixtures/screens/) with a `mode:` header — the CLI's name of the mode its mode line shows,
 * or `none` — is read by its vendor's reader as the host reads it (MODE_LINES). Screens recorded
 * before the header existed are left out (`wtp record-screen` writes it).
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'screens');

const dirs = (path: string): string[] =>
  readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

interface Case {
  name: string;
  agent: string;
  mode: string;
  lines: string[];
}

function corpus(): Case[] {
  if (!existsSync(ROOT)) return [];
  const cases: Case[] = [];
  for (const agent of dirs(ROOT)) {
    for (const version of dirs(join(ROOT, agent))) {
      for (const f of readdirSync(join(ROOT, agent, version))
        .filter((n) => n.endsWith('.screen'))
        .sort()) {
        const screen = parseCorpusScreen(readFileSync(join(ROOT, agent, version, f), 'utf8'));
        const mode = screen.headers['mode'];
        if (mode !== undefined)
          cases.push({ name: `${agent}/${version}/${f}`, agent, mode, lines: screen.lines });
      }
    }
  }
  return cases;
}

const CASES = corpus();

describe('permission mode lines of the screen corpus', () => {
  it('every vendor whose screen shows its mode has screens of more than one mode', () => {
    const readers = PROFILES.all().filter((p) => p.permissions?.fromScreen && p.detector !== null);
    expect(readers.map((p) => p.name).sort()).toEqual(['claude', 'copilot', 'gemini', 'qwen']);
    for (const p of readers) {
      const seen = new Set(
        CASES.filter((c) => c.agent === p.detector && c.mode !== 'none').map((c) => c.mode),
      );
      expect(seen.size, p.name).toBeGreaterThan(1);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const read = MODE_LINES[c.agent];
    const got = read?.(c.lines) ?? null;
    expect(got?.native ?? 'none', got?.evidence ?? 'no mode line read').toBe(c.mode);
  });
});
