import { afterAll, beforeAll, describe, it } from 'vitest';
import { QWEN_VERSION } from '../support/qwen-cli.js';
import { saveCensus, walk, type CensusPass, type CensusRig, type CensusScreen } from './census.js';
import { KINDS, PASSES, qwenRig } from './qwen.kinds.js';

/**
 * The census of Qwen Code's dialogs (`npm run census -- qwen`): see census.ts. WTP_CENSUS_KINDS
 * and WTP_CENSUS_PASSES (comma-separated kind names, `mode:cols[:changed]` passes) narrow it.
 */
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string => `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}`;
/** The agent census.ts's walk names for a pass. */
const agentName = (p: CensusPass): string =>
  `c-${p.mode.replace(/\W/g, '').toLowerCase()}-${p.cols}${p.changed ? 'x' : ''}`;

describe(`the census of Qwen Code ${QWEN_VERSION}'s dialogs`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await qwenRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  it('keeps every screen a user must act on', { timeout: 3_600_000 }, async () => {
    const screens: CensusScreen[] = [];
    try {
      for (const pass of PASSES) {
        if (passesWanted && !passesWanted.includes(passName(pass))) continue;
        const kinds = KINDS.filter(
          (k) =>
            (pass.kinds ?? [k.name]).includes(k.name) &&
            (k.modes ?? [pass.mode]).includes(pass.mode) &&
            (kindsWanted === null || kindsWanted.includes(k.name)),
        );
        await walk(rig, pass, kinds, screens, (line) => console.log(`[census ${passName(pass)}] ${line}`));
        // A Qwen Code agent holds ~200 MB: each pass's goes once walked.
        await rig.home.run(['stop', agentName(pass)], { timeoutMs: 60_000 });
      }
    } finally {
      for (const line of saveCensus('qwen', QWEN_VERSION, screens)) console.log(`[census] ${line}`);
    }
  });
});
