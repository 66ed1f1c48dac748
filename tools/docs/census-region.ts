import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import type { ProfileName } from '../../src/protocol/agent.js';
import { PROFILES, VENDORS } from '../../src/vendors/registry.js';
import { fillRegions } from './architecture-regions.js';
import { code, table } from './markdown.js';

/**
 * docs/answers.md's census counts, from the census screens in the corpus
 * (test/fixtures/screens/<vendor>/<version>/census-*.screen, written by `npm run census`): per
 * vendor and version, the kinds of request that ask for permission, how many of those its
 * decision channel answers (approve and deny; a tool its channel leaves to the screen excepted),
 * and the questions and start screens, which the screen answers.
 */
interface CensusFile {
  kind: string;
  state: string;
  tool: string | undefined;
}

function censusFiles(dir: string): CensusFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.startsWith('census-') && f.endsWith('.screen'));
  } catch {
    return [];
  }
  return names.sort().map((f) => {
    const { headers } = parseCorpusScreen(readFileSync(join(dir, f), 'utf8'));
    const kind = headers['census']?.split(' ')[0];
    if (kind === undefined || headers['state'] === undefined)
      throw new Error(`${join(dir, f)}: a census screen without its census and state headers`);
    return { kind, state: headers['state'], tool: headers['census-tool'] };
  });
}

const distinct = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

export function censusTable(root: string): string {
  const rows: string[][] = [];
  for (const vendor of VENDORS.map((v) => v.profile.name).sort()) {
    const base = join(root, 'test/fixtures/screens', vendor);
    let versions: string[];
    try {
      versions = readdirSync(base).filter((v) => /^\d/.test(v));
    } catch {
      continue;
    }
    for (const version of versions.sort()) {
      const files = censusFiles(join(base, version));
      if (files.length === 0) continue;
      const user = PROFILES.get(vendor as ProfileName).decisionHook?.user;
      const asking = files.filter((f) => f.state === 'needs_permission');
      const byChannel = (f: CensusFile): boolean => {
        if (user === undefined) return false;
        if (f.tool === undefined)
          throw new Error(`${vendor} ${version}: census kind ${f.kind} has no census-tool header`);
        return !user.screenOnly.includes(f.tool);
      };
      const permission = distinct(asking.map((f) => f.kind));
      const channel = distinct(asking.filter(byChannel).map((f) => f.kind));
      const input = distinct(files.filter((f) => f.state === 'needs_input').map((f) => f.kind));
      rows.push([
        vendor,
        version,
        String(permission.length),
        String(channel.length),
        String(permission.length - channel.length),
        input.length === 0 ? '—' : input.map(code).join(', '),
        String(files.length),
      ]);
    }
  }
  return table(
    [
      'CLI',
      'version',
      'kinds that ask permission',
      'through its channel',
      'on its screen',
      'questions and start screens (screen)',
      'screens kept',
    ],
    rows,
  );
}

/** docs/answers.md as it is, with its census region as the corpus says. */
export function answersDoc(root: string): string {
  const text = readFileSync(join(root, 'docs/answers.md'), 'utf8');
  return fillRegions(text, { census: censusTable(root) }, 'docs/answers.md');
}
