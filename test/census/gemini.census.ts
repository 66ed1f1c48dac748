import { afterAll, beforeAll, describe, it } from 'vitest';
import { GEMINI_VERSION } from '../support/gemini-cli.js';
import { saveCensus, walk, type CensusPass, type CensusRig, type CensusScreen } from './census.js';
import { geminiRig, KINDS, PASSES, startUntrusted } from './gemini.kinds.js';

/**
 * The census of Gemini CLI's dialogs (`npm run census -- gemini`): see census.ts and
 * gemini.kinds.ts. WTP_CENSUS_KINDS and WTP_CENSUS_PASSES (comma-separated kind names,
 * `mode:cols[:changed]` passes) narrow it.
 */
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string => `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}`;

/**
 * A trust pass's start screen as the census declares it: the folder-trust prompt
 * (needs_permission, reason trust), named for it; walk() keeps every start screen as one to answer.
 */
function asTrust(screen: CensusScreen): CensusScreen {
  const pass = PASSES.find(
    (p) => p.trust === true && screen.text.includes(`\ncensus: start ${p.mode} ${p.cols}\n`),
  );
  if (pass === undefined) return screen;
  const text = screen.text
    .replace(/^state: needs_input\nreason: question\n/, 'state: needs_permission\nreason: trust\n')
    .replace(/^(note: census: )the start screen;/m, '$1the folder-trust prompt;');
  return {
    file: screen.file.replace(/^census-start-/, 'census-trust-'),
    text,
    disagrees: !text.includes('\nverdict: needs_permission(trust)\n'),
  };
}

describe(`the census of Gemini CLI ${GEMINI_VERSION}'s dialogs`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await geminiRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  it('keeps every screen a user must act on', { timeout: 3_600_000 }, async () => {
    const screens: CensusScreen[] = [];
    // What was gathered is kept even when a later pass fails (and the failure is still raised).
    try {
      for (const pass of PASSES) {
        if (passesWanted && !passesWanted.includes(passName(pass))) continue;
        const kinds = KINDS.filter(
          (k) =>
            (pass.kinds ?? [k.name]).includes(k.name) &&
            (kindsWanted === null || kindsWanted.includes(k.name)),
        );
        if (pass.trust === true) startUntrusted(rig);
        await walk(rig, pass, kinds, screens, (line) => console.log(`[census ${passName(pass)}] ${line}`));
      }
    } finally {
      for (const line of saveCensus('gemini', GEMINI_VERSION, screens.map(asTrust)))
        console.log(`[census] ${line}`);
    }
  });
});
