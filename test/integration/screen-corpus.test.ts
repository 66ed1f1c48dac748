import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../src/vendors/registry.js';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import { detectScreen, evidenceOf, verdictRequest } from '../../src/core/state/detectors/screen-detector.js';

/**
 * The regression corpus: every `test/fixtures/screens/<agent>/<version>/*.screen` is one case.
 * Claude's screens are recorded from the real CLI; the `synthetic` folders of the other agents are
 * written from peers' patterns (their `note:` says so). A failure is fixed in the rules, never by
 * relabelling a recorded screen.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'screens');

interface Case {
  name: string;
  agent: string;
  version: string;
  file: string;
}

function dirs(path: string): string[] {
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function corpus(): Case[] {
  if (!existsSync(ROOT)) return [];
  const cases: Case[] = [];
  for (const agent of dirs(ROOT)) {
    for (const version of dirs(join(ROOT, agent))) {
      const dir = join(ROOT, agent, version);
      for (const f of readdirSync(dir)
        .filter((n) => n.endsWith('.screen'))
        .sort()) {
        cases.push({ name: `${agent}/${version}/${f}`, agent, version, file: join(dir, f) });
      }
    }
  }
  return cases;
}

const CASES = corpus();

describe('screen corpus', () => {
  it('has recorded claude screens', () => {
    expect(CASES.filter((c) => c.agent === 'claude').length).toBeGreaterThan(0);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const screen = parseCorpusScreen(readFileSync(c.file, 'utf8'));
    // A folder that is not a version ("synthetic") selects the newest rule set.
    const verdict = detectScreen(DETECTORS, c.agent, c.version, { lines: screen.lines });
    const got = verdict === null ? 'none' : verdict.state;
    const why = verdict === null ? 'no rule fired' : evidenceOf(verdict);
    expect(got, why).toBe(screen.expected);
    if (screen.reason !== undefined) expect(verdict?.reason, why).toBe(screen.reason);
    // What a dialog asks about (the command it would run), when the screen shows one.
    expect(verdict?.about, why).toBe(screen.headers['about']);
    // The request the host reports with it: a permission dialog or a question, the tool when the
    // dialog's words name it (header `tool:`), its target, and whether the rules know the dialog.
    const kind = screen.reason === 'permission' || screen.reason === 'question' ? screen.reason : undefined;
    const { about, tool, unknown } = screen.headers;
    expect(verdict === null ? undefined : verdictRequest(verdict), why).toEqual(
      kind === undefined
        ? undefined
        : {
            kind,
            ...(tool === undefined ? {} : { tool }),
            ...(about === undefined ? {} : { about }),
            ...(unknown === 'true' ? { unknown: true } : {}),
          },
    );
  });
});
