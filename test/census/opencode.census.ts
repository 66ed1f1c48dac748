import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { OPENCODE_VERSION } from '../support/opencode-cli.js';
import { saveCensus, walk, type CensusPass, type CensusRig, type CensusScreen } from './census.js';
import { KINDS, opencodeRig, outside, PASSES } from './opencode.kinds.js';

/**
 * The census of OpenCode's dialogs (`npm run census -- opencode`): see census.ts. WTP_CENSUS_KINDS
 * and WTP_CENSUS_PASSES (comma-separated kind names, `mode:cols[:changed][:deep]` passes) narrow it.
 */
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string =>
  `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}${p.deep ? ':deep' : ''}`;

describe(`the census of OpenCode ${OPENCODE_VERSION}'s dialogs`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await opencodeRig());
  }, 180_000);

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
        await walk(rig, pass, kinds, screens, (line) => console.log(`[census ${passName(pass)}] ${line}`));
        rmSync(outside(rig.home.path('proj', 'x')), { recursive: true, force: true });
      }
    } finally {
      for (const line of saveCensus('opencode', OPENCODE_VERSION, screens)) console.log(`[census] ${line}`);
    }
  });
});
