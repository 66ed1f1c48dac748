import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODEX_VERSION } from '../support/codex-cli.js';
import type { CensusRig } from '../census/census.js';
import { CODEX_REFUSED, codexRig, KINDS } from '../census/codex.kinds.js';
import { conform } from '../census/conform.js';

/**
 * Every dialog and question of Codex CLI's census, answered on the pinned CLI from `wtp` with each
 * answer it offers, and what each answer caused checked in what the model got back
 * (test/census/conform.ts): in its asking mode (on-request), and in its Plan mode, where its
 * question is.
 */
describe(`Codex CLI ${CODEX_VERSION}: every census dialog answered (tmux)`, () => {
  let rig: CensusRig;
  let close: (() => Promise<void>) | undefined;
  const log = (line: string) => console.log(`[conform codex] ${line}`);

  beforeAll(async () => {
    ({ rig, close } = await codexRig());
  }, 120_000);

  afterAll(async () => {
    await close?.();
  }, 60_000);

  it('denies, approves and approves always, each with its effect', { timeout: 600_000 }, async () => {
    const counts = await conform(rig, KINDS, { mode: 'on-request', refused: CODEX_REFUSED }, log);
    // Each command's and the MCP tool's dialog draws its "always" option (its census screens).
    expect(counts).toEqual({ deny: 5, approve: 5, always: 5, reply: 0, 'no-always': 0 });
  });

  it('replies to its question and answers its plan prompt in Plan mode', { timeout: 600_000 }, async () => {
    // Its plan prompt (plan-exit) too: approving it sends the model "Implement the plan." (the
    // rig's `implement:` result); Esc stays in Plan mode and sends nothing; it has no "always".
    const kinds = KINDS.filter((k) => k.name === 'question' || k.name === 'plan-exit');
    const counts = await conform(rig, kinds, { mode: 'plan', refused: CODEX_REFUSED }, log);
    expect(counts).toEqual({ deny: 1, approve: 1, always: 0, reply: 1, 'no-always': 1 });
  });
});
