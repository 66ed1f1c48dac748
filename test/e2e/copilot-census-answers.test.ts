import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COPILOT_VERSION } from '../support/copilot-cli.js';
import type { CensusRig } from '../census/census.js';
import { COPILOT_REFUSED, copilotRig, KINDS } from '../census/copilot.kinds.js';
import { conform } from '../census/conform.js';

/**
 * Every dialog and question of GitHub Copilot CLI's census, answered on the pinned CLI from `wtp`
 * with each answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts). Its asking mode is `interactive`; autopilot's warning (a kind of that
 * mode only) is not a dialog of it.
 */
const MODE = 'interactive';

describe(`GitHub Copilot CLI ${COPILOT_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await copilotRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it(
    'denies, approves, approves always and replies, each with its effect',
    { timeout: 600_000 },
    async () => {
      const kinds = KINDS.filter((k) => (k.modes ?? [MODE]).includes(MODE));
      const counts = await conform(rig, kinds, { mode: MODE, refused: COPILOT_REFUSED }, (line) =>
        console.log(`[conform copilot] ${line}`),
      );
      expect(counts).toMatchObject({ deny: 10, approve: 10, reply: 1 });
      expect(counts.always + counts['no-always']).toBe(10);
    },
  );
});
