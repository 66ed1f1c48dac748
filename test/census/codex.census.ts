import { afterAll, beforeAll, describe, it } from 'vitest';
import { CODEX_VERSION } from '../support/codex-cli.js';
import { saveCensus, walk, type CensusPass, type CensusRig, type CensusScreen } from './census.js';
import { codexRig, KINDS, PASSES, startUntrusted } from './codex.kinds.js';

/**
 * The census of Codex CLI's dialogs (`npm run census -- codex`): see census.ts and codex.kinds.ts.
 * WTP_CENSUS_KINDS and WTP_CENSUS_PASSES (comma-separated kind names, `mode:cols[:changed]`
 * passes) narrow it.
 */
const only = (v: string | undefined): string[] | null => (v ? v.split(',').map((s) => s.trim()) : null);
const kindsWanted = only(process.env.WTP_CENSUS_KINDS);
const passesWanted = only(process.env.WTP_CENSUS_PASSES);
const passName = (p: CensusPass): string => `${p.mode}:${p.cols}${p.changed ? ':changed' : ''}`;

/** The corpus file with the tool its dialog is for (`tool:`, after `reason:`), as the census asked it. */
function withTool(screen: CensusScreen): CensusScreen {
  const kind = KINDS.find((k) => screen.text.includes(`\ncensus: ${k.name} `));
  if (kind?.dialogTool === undefined || !screen.text.startsWith('state: needs_permission\n')) return screen;
  return { ...screen, text: screen.text.replace(/^(reason: .*\n)/m, `$1tool: ${kind.dialogTool}\n`) };
}

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

describe(`the census of Codex CLI ${CODEX_VERSION}'s dialogs`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await codexRig());
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
      for (const line of saveCensus('codex', CODEX_VERSION, screens.map(withTool).map(asTrust)))
        console.log(`[census] ${line}`);
    }
  });
});
