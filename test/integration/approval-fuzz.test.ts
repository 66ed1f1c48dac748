import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decide } from '../../src/core/policies/decide.js';
import { FUZZ_RULES, generateCommand } from '../support/fuzz-commands.js';
import { decideCommand, fsPolicyContext, policyContext, ruleSet } from '../support/policy-rig.js';
import { Rng } from '../support/rng.js';

/**
 * Issue 29's property test of the approval rules, seeded and deterministic (a failure names the seed
 * and the command): compound commands generated from allowed, denied and unlisted pieces, joined by
 * every operator and construct and written every way that runs them — no allow rule approves one
 * holding a denied or unlisted simple command, and a deny rule catches every denied one wherever it
 * sits. Paths from `..`, absolute paths, `~` and links planted inside the folder pointing out — no
 * path rule matches outside the working folder.
 * A longer run: WTP_FUZZ_RUNS=20000 WTP_FUZZ_SEED=7 npx vitest run test/integration/approval-fuzz.test.ts
 */
const RUNS = Number(process.env['WTP_FUZZ_RUNS'] ?? 2_000);
const SEED = Number(process.env['WTP_FUZZ_SEED'] ?? 20_261_129);

describe(`approval rules under fuzz (seed ${SEED}, ${RUNS} commands)`, () => {
  const rules = ruleSet(FUZZ_RULES.allow, FUZZ_RULES.deny);
  const ctx = policyContext('/work/app');

  it('no allow rule approves a denied or unlisted command; a deny rule catches every denied one', async () => {
    const rng = new Rng(SEED);
    const bad: string[] = [];
    const seen = { approved: 0, denied: 0, left: 0 };
    for (let i = 0; i < RUNS; i++) {
      const g = generateCommand(rng);
      const d = await decideCommand(rules, g.text, ctx);
      seen[d.action === 'approve' ? 'approved' : d.action === 'deny' ? 'denied' : 'left']++;
      if (g.denied && d.action !== 'deny')
        bad.push(`#${i} not denied (${d.action}: ${d.reason}): ${JSON.stringify(g.text)}`);
      if (!g.denied && g.unlisted && d.action === 'approve') {
        bad.push(`#${i} approved (${d.rule}): ${JSON.stringify(g.text)}`);
      }
      // A request whose text is not known whole is never approved, whatever it is.
      if (i % 10 === 0 && (await decideCommand(rules, g.text, ctx, false)).action === 'approve') {
        bad.push(`#${i} approved though not complete: ${JSON.stringify(g.text)}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
    // Not vacuous: each outcome happens.
    expect(seen.approved).toBeGreaterThan(RUNS / 50);
    expect(seen.denied).toBeGreaterThan(RUNS / 5);
    expect(seen.left).toBeGreaterThan(RUNS / 20);
  }, 120_000);

  describe('paths', () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'wtp-path-fuzz-')));
    const proj = join(root, 'proj');
    const outside = join(root, 'outside');
    mkdirSync(join(proj, 'src', 'deep'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    // Links planted inside the folder: two pointing out, one pointing in.
    symlinkSync(outside, join(proj, 'out-link'));
    symlinkSync('/etc', join(proj, 'src', 'etc-link'));
    symlinkSync(join(proj, 'src'), join(proj, 'in-link'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const fs = fsPolicyContext(proj);

    /** The path's real location, found independently: node's resolve, then realpath of what exists. */
    const realLocation = (path: string): string => {
      let at = resolve(proj, path);
      const rest: string[] = [];
      while (!existsSync(at) && dirname(at) !== at) {
        rest.unshift(at.slice(dirname(at).length + 1));
        at = dirname(at);
      }
      return join(realpathSync(at), ...rest);
    };
    const insideProj = (real: string): boolean => real === proj || real.startsWith(`${proj}/`);

    const STEPS = [
      '..',
      '.',
      'src',
      'deep',
      'out-link',
      'in-link',
      'etc-link',
      'a.json',
      'x',
      'passwd.json',
      '',
    ];
    const STARTS = ['', `${proj}/`, `${root}/`, '/etc/', '/', `${outside}/`, './', '../'];
    const GLOBS = [
      'Write(*.json)',
      'Write(**)',
      'Write(src/**)',
      'Write(*)',
      'Write(in-link/**)',
      'Write(out-link/*)',
    ];

    it('no relative path rule matches a path outside the working folder', async () => {
      const rng = new Rng(SEED + 1);
      const bad: string[] = [];
      let approved = 0;
      for (let i = 0; i < RUNS / 2; i++) {
        const steps = Array.from({ length: 1 + rng.int(5) }, () => rng.pick(STEPS));
        const path = `${rng.pick(STARTS)}${steps.join('/')}`.replace(/^$/, '.');
        const glob = rng.pick(GLOBS);
        const d = await decide(ruleSet([glob]), { tool: 'write_file', about: path, complete: true }, fs);
        if (d.action !== 'approve') continue;
        approved++;
        const real = realLocation(path);
        if (!insideProj(real)) bad.push(`${glob} approved ${JSON.stringify(path)} → ${real}`);
      }
      for (const home of ['~/.ssh/config.json', '~/a.json', '~']) {
        const d = await decide(
          ruleSet(['Write(*.json)', 'Write(**)']),
          { tool: 'write_file', about: home, complete: true },
          fs,
        );
        if (d.action === 'approve') bad.push(`approved ${home}`);
      }
      expect(bad.slice(0, 10)).toEqual([]);
      expect(approved).toBeGreaterThan(RUNS / 50);
    }, 120_000);
  });
});
