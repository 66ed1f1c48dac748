import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_VERSION } from '../support/claude-cli.js';
import type { CensusRig } from '../census/census.js';
import { CLAUDE_REFUSED, claudeRig, KINDS } from '../census/claude.kinds.js';
import { conform } from '../census/conform.js';

/**
 * Every dialog and question of Claude Code's census, answered on the pinned CLI from `wtp` with
 * each answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts).
 */
describe(`Claude Code ${CLAUDE_CODE_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ rig, close } = await claudeRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it(
    'denies, approves, approves always and replies, each with its effect',
    { timeout: 600_000 },
    async () => {
      const counts = await conform(rig, KINDS, { mode: 'default', refused: CLAUDE_REFUSED }, (line) =>
        console.log(`[conform claude] ${line}`),
      );
      expect(counts).toMatchObject({ deny: 12, approve: 12, reply: 1 });
      expect(counts.always + counts['no-always']).toBe(12);
    },
  );
});
