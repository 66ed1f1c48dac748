import { afterAll, beforeAll, describe, it } from 'vitest';
import { COPILOT_VERSION } from '../support/copilot-cli.js';
import { saveCensus, walk, type CensusPass, type CensusRig, type CensusScreen } from './census.js';
import { copilotRig, KINDS, PASSES } from './copilot.kinds.js';

/**
 * The census of GitHub Copilot CLI's dialogs (`npm run census -- copilot`), offline (a
 * bring-your-own provider against a scripted Chat Completions API): see census.ts.
 * WTP_CENSUS_KINDS and WTP_CENSUS_PASSES (comma-separated kind names, `mode:cols[:changed]`
 * passes) narrow it.
 */
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string => `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}`;
/** The agent census.ts's walk names for a pass. */
const agentName = (p: CensusPass): string =>
  `c-${p.mode.replace(/\W/g, '').toLowerCase()}-${p.cols}${p.changed ? 'x' : ''}`;

/** The `tool:` header of a dialog whose words name the tool (census.ts writes none). */
function withTool(s: CensusScreen): CensusScreen {
  const kind = /^census: (\S+) /m.exec(s.text)?.[1];
  const named = KINDS.find((k) => k.name === kind)?.named;
  if (named === undefined || !/^state: needs_permission$/m.test(s.text)) return s;
  return { ...s, text: s.text.replace(/^reason: .*\n/m, (r) => `${r}tool: ${named}\n`) };
}

describe(`the census of GitHub Copilot CLI ${COPILOT_VERSION}'s dialogs`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await copilotRig());
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
        await rig.home.run(['stop', agentName(pass)], { timeoutMs: 60_000 });
      }
    } finally {
      const kept = screens.map(withTool);
      for (const line of saveCensus('copilot', COPILOT_VERSION, kept)) console.log(`[census] ${line}`);
    }
  });
});
