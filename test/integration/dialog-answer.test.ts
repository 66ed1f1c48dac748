import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DETECTORS, PROFILES } from '../../src/vendors/registry.js';
import { parseCorpusScreen } from '../../src/core/state/detectors/screen-corpus.js';
import {
  detectScreen,
  evidenceOf,
  screenRows,
  type ScreenVerdict,
} from '../../src/core/state/detectors/screen-detector.js';
import { planDialogAnswer, sameAbout, type AnnouncedDialog } from '../../src/core/state/dialog-answer.js';
import type { ProfileName } from '../../src/protocol/agent.js';
import { askedAbout } from '../../src/protocol/agent-words.js';
import { MATRIX } from '../support/dialog-matrix.js';
import { scopePattern } from '../support/dialog-rounds.js';
import { REPO } from '../support/harness.js';

/**
 * Each vendor's declared dialog answers (ProfileSpec.dialogs) against its recorded screens
 * (test/fixtures/screens/<vendor>/<version>/): the announced dialog on screen → the keys; another
 * target, another dialog or no dialog → a refusal that says what is there now.
 */
const ROOT = join(import.meta.dirname, '..', 'fixtures', 'screens');
const VENDORS = ['claude', 'codex', 'gemini', 'qwen', 'opencode', 'copilot'] as const;

interface Recorded {
  name: string;
  headers: Record<string, string>;
  lines: readonly string[];
  verdict: ScreenVerdict | null;
}

/** Every recorded (not synthetic) screen of a vendor, as the answerer reads it, with its verdict. */
function recorded(vendor: string): Recorded[] {
  const out: Recorded[] = [];
  for (const version of readdirSync(join(ROOT, vendor)).filter((v) => /^\d/.test(v))) {
    const dir = join(ROOT, vendor, version);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.screen'))) {
      const screen = parseCorpusScreen(readFileSync(join(dir, f), 'utf8'));
      const detector = PROFILES.get(vendor as ProfileName).detector ?? vendor;
      // The rows as the answerer reads them (without the CLI's right-end decoration: Qwen's scrollbar).
      const lines = screenRows(DETECTORS, detector, version, screen.lines);
      const verdict = detectScreen(DETECTORS, detector, version, { lines });
      out.push({ name: `${vendor}/${version}/${f}`, headers: screen.headers, lines, verdict });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A permission dialog the rules know: one that names what it asks about, or whose "always"
 * option was recorded (an MCP tool's dialog names no target); not the catch-all's unknown dialogs.
 */
const permission = (r: Recorded): boolean =>
  r.headers['state'] === 'needs_permission' &&
  r.headers['unknown'] !== 'true' &&
  (r.headers['about'] !== undefined ||
    (r.headers['reason'] === 'permission' && (r.headers['always'] ?? 'none') !== 'none'));

const announcedBy = (about: string | undefined): AnnouncedDialog => ({
  state: 'needs_permission',
  reason: 'permission',
  tool: 'Bash',
  ...(about === undefined ? {} : { about }),
});

describe.each(VENDORS)('%s permission dialog', (vendor) => {
  const screens = recorded(vendor);
  const dialogs = screens.filter(permission);
  const idle = screens.filter((r) => r.headers['state'] === 'idle');
  const answers = PROFILES.get(vendor).dialogs;

  it('declares its answers and has recorded permission and idle screens', () => {
    expect(answers).toBeDefined();
    expect(dialogs.length).toBeGreaterThan(0);
    expect(idle.length).toBeGreaterThan(0);
  });

  it.each(dialogs.map((r) => [r.name, r] as const))('%s: the announced dialog → keys', (_n, r) => {
    const about = r.headers['about'];
    const announced = announcedBy(about);
    const base = { answers, announced, screen: r.verdict };
    /** What a plan says it answers: the dialog's target, when it names one. */
    const target = about === undefined ? {} : { about };
    expect(planDialogAnswer({ ...base, action: 'approve' })).toEqual({
      ok: true,
      keys: answers?.approve,
      about,
    });
    expect(planDialogAnswer({ ...base, action: 'deny' })).toEqual({ ok: true, keys: answers?.deny, about });
    // "Always" is what the dialog draws: the option's own text (header `always:`), never a label
    // assumed per vendor; an option that changes the session's mode (`always-mode: change`) is
    // refused unless the user accepts that.
    const drawn = r.headers['always'];
    const always = planDialogAnswer({ ...base, action: 'always', lines: r.lines });
    if (drawn === undefined || drawn === 'none') {
      expect(always).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' });
    } else if (r.headers['always-mode'] === 'change') {
      expect(always).toMatchObject({ ok: false, code: 'CHANGES_MODE', option: drawn });
      expect(
        planDialogAnswer({ ...base, action: 'always', lines: r.lines, acceptModeChange: true }),
      ).toMatchObject({ ok: true, scope: drawn, modeChange: true, ...target });
    } else {
      expect(always).toMatchObject({ ok: true, scope: drawn, modeChange: false, ...target });
      expect(always.ok && always.keys.length > 0).toBe(true);
    }
    // Announced by the screen itself (its evidence, as the state detail keeps it).
    const shown = r.verdict === null ? undefined : askedAbout(evidenceOf(r.verdict));
    expect(shown).toBe(about);
    expect(
      planDialogAnswer({
        ...base,
        announced: { state: 'needs_permission', about: shown },
        action: 'approve',
      }),
    ).toMatchObject({
      ok: true,
    });
    // Announced without a target (a status record, a hook that named none): the kind suffices.
    expect(
      planDialogAnswer({ ...base, announced: { state: 'needs_permission' }, action: 'approve' }),
    ).toMatchObject({
      ok: true,
    });
  });

  it.each(dialogs.map((r) => [r.name, r] as const))('%s: another target → DIALOG_CHANGED', (_n, r) => {
    const plan = planDialogAnswer({
      answers,
      action: 'approve',
      announced: announcedBy('rm -rf ~/work'),
      screen: r.verdict,
    });
    expect(plan).toEqual({
      ok: false,
      code: 'DIALOG_CHANGED',
      now: expect.objectContaining({
        state: 'needs_permission',
        ...(r.headers['about'] === undefined ? {} : { about: r.headers['about'] }),
      }) as unknown,
    });
    expect((plan as { now?: { about?: string } }).now?.about).toBe(r.headers['about']);
  });

  it.each(idle.map((r) => [r.name, r] as const))('%s: an idle screen → NOT_WAITING', (_n, r) => {
    const about = dialogs[0]?.headers['about'] ?? 'x';
    const plan = planDialogAnswer({
      answers,
      action: 'approve',
      announced: announcedBy(about),
      screen: r.verdict,
    });
    expect(plan).toEqual({
      ok: false,
      code: 'NOT_WAITING',
      now: expect.objectContaining({ state: 'idle' }) as unknown,
    });
  });

  it('an agent no longer announced as waiting → NOT_WAITING, whatever the screen', () => {
    const r = dialogs[0];
    const plan = planDialogAnswer({
      answers,
      action: 'approve',
      announced: { state: 'working' },
      screen: r?.verdict ?? null,
    });
    expect(plan).toMatchObject({ ok: false, code: 'NOT_WAITING', now: { state: 'needs_permission' } });
  });
});

describe('dialogs of another kind', () => {
  const all = VENDORS.flatMap((v) => recorded(v).map((r) => ({ vendor: v, ...r })));
  const others = all.filter(
    (r) =>
      r.headers['state'] === 'needs_input' ||
      (r.headers['state'] === 'needs_permission' && !permission(r) && r.headers['unknown'] !== 'true'),
  );

  it('has trust prompts, questions and the OpenCode confirm stage recorded', () => {
    expect(others.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'claude/2.1.330/trust-01.screen',
        'opencode/1.18.33/permission-always-01.screen',
      ]),
    );
  });

  it.each(others.map((r) => [r.name, r] as const))(
    '%s instead of the announced command → DIALOG_CHANGED',
    (_n, r) => {
      const plan = planDialogAnswer({
        answers: PROFILES.get(r.vendor).dialogs,
        action: 'approve',
        announced: announcedBy('touch fake-tool-ran.txt'),
        screen: r.verdict,
      });
      expect(plan).toMatchObject({ ok: false, code: 'DIALOG_CHANGED', now: { state: r.headers['state'] } });
    },
  );

  it.each(others.filter((r) => r.headers['state'] === 'needs_input').map((r) => [r.name, r] as const))(
    '%s when a permission without a target was announced → DIALOG_CHANGED',
    (_n, r) => {
      const plan = planDialogAnswer({
        answers: PROFILES.get(r.vendor).dialogs,
        action: 'approve',
        announced: { state: 'needs_permission' },
        screen: r.verdict,
      });
      expect(plan).toMatchObject({ ok: false, code: 'DIALOG_CHANGED', now: { state: 'needs_input' } });
    },
  );

  it.each(others.filter((r) => r.headers['reason'] === 'trust').map((r) => [r.name, r] as const))(
    '%s (a trust prompt) when a permission without a target was announced → DIALOG_CHANGED',
    (_n, r) => {
      const plan = planDialogAnswer({
        answers: PROFILES.get(r.vendor).dialogs,
        action: 'approve',
        announced: { state: 'needs_permission', reason: 'permission' },
        screen: r.verdict,
      });
      expect(plan).toMatchObject({ ok: false, code: 'DIALOG_CHANGED', now: { reason: 'trust' } });
    },
  );
});

describe('undeclared and partial declarations', () => {
  const dialog = recorded('codex').find(permission);
  const about = dialog?.headers['about'] ?? '';

  it('a profile without a declaration (aider) → NOT_SUPPORTED', () => {
    expect(PROFILES.get('aider').dialogs).toBeUndefined();
    const plan = planDialogAnswer({
      answers: undefined,
      action: 'approve',
      announced: announcedBy(about),
      screen: dialog?.verdict ?? null,
    });
    expect(plan).toMatchObject({
      ok: false,
      code: 'NOT_SUPPORTED',
      now: { state: 'needs_permission', about },
    });
  });

  it('"always" on a dialog without that option → NOT_SUPPORTED; approve still works', () => {
    const answers = { approve: ['enter'], always: null, deny: ['esc'], denyMessage: 'none' } as const;
    const base = { answers, announced: announcedBy(about), screen: dialog?.verdict ?? null };
    expect(planDialogAnswer({ ...base, action: 'always' })).toMatchObject({
      ok: false,
      code: 'NOT_SUPPORTED',
    });
    expect(planDialogAnswer({ ...base, action: 'approve' })).toMatchObject({ ok: true, keys: ['enter'] });
  });

  it('no screen verdict at all → NOT_WAITING with state none', () => {
    const plan = planDialogAnswer({
      answers: PROFILES.get('codex').dialogs,
      action: 'deny',
      announced: announcedBy(about),
      screen: null,
    });
    expect(plan).toEqual({ ok: false, code: 'NOT_WAITING', now: { state: 'none' } });
  });
});

describe('folder-trust prompts: answered by choosing their option by label, from where the cursor is', () => {
  const cases = [
    ['claude/2.1.330/trust-01.screen', 'approve', ['enter'], 'Yes, I trust this folder'],
    ['claude/2.1.330/trust-01.screen', 'deny', ['up', 'enter'], 'No, exit'],
    ['claude/2.1.330/trust-01.screen', 'always', null, null],
    ['codex/0.169.0/trust-01.screen', 'approve', ['enter'], 'Trust and continue'],
    ['codex/0.169.0/trust-01.screen', 'deny', ['down', 'enter'], 'Back to Agent Command Center'],
    ['copilot/1.0.102/trust-01.screen', 'approve', ['enter'], 'Yes'],
    [
      'copilot/1.0.102/trust-01.screen',
      'always',
      ['down', 'enter'],
      'Yes, and remember this folder for future sessions',
    ],
    ['copilot/1.0.102/trust-01.screen', 'deny', ['down', 'down', 'enter'], 'No (Esc)'],
    // Gemini CLI's are chosen by their number (one key: pressed again if dropped as it mounts).
    ['gemini/0.61.0/trust-01.screen', 'approve', [{ raw: '1' }], 'Trust folder (proj)'],
    ['gemini/0.61.0/trust-01.screen', 'deny', [{ raw: '3' }], "Don't trust"],
    ['gemini/0.61.0/trust-01.screen', 'always', null, null],
    ['qwen/0.24.4/trust-01.screen', 'approve', [{ raw: '1' }], 'Trust folder (trust-approve)'],
    ['qwen/0.24.4/trust-01.screen', 'deny', [{ raw: '3' }], "Don't trust (esc)"],
  ] as const;
  it.each(cases)('%s: %s → %j', (name, action, keys, label) => {
    const vendor = name.split('/')[0] as (typeof VENDORS)[number];
    const r = recorded(vendor).find((x) => x.name === name);
    const plan = planDialogAnswer({
      answers: PROFILES.get(vendor).dialogs,
      action,
      announced: { state: 'needs_permission', reason: 'trust' },
      screen: r?.verdict ?? null,
      lines: r?.lines ?? [],
    });
    if (keys === null) expect(plan).toMatchObject({ ok: false, code: 'NOT_SUPPORTED' });
    else expect(plan).toMatchObject({ ok: true, keys, about: label });
  });
});

describe('a dialog the rules see but do not know', () => {
  const overwrite = recorded('claude').find((r) => r.name.endsWith('permission-overwrite-01.screen'));
  // The same screen with a question no rule knows (a new dialog of a later release): still a dialog.
  const lines = (overwrite?.lines ?? []).map((l) =>
    l.replace('Do you want to overwrite ow.txt?', 'Shall Claude frobnicate ow.txt?'),
  );
  const verdict = detectScreen(DETECTORS, 'claude', '2.1.330', { lines });

  it('is reported as a dialog (needs_permission) that is unknown', () => {
    expect(verdict).toMatchObject({
      state: 'needs_permission',
      rule: 'claude/unknown-dialog',
      unknown: true,
    });
  });

  it.each(['approve', 'deny', 'always'] as const)('%s → UNKNOWN_DIALOG: nothing is pressed', (action) => {
    const plan = planDialogAnswer({
      answers: PROFILES.get('claude').dialogs,
      action,
      announced: { state: 'needs_permission', reason: 'permission' },
      screen: verdict,
      lines,
    });
    expect(plan).toMatchObject({ ok: false, code: 'UNKNOWN_DIALOG', now: { state: 'needs_permission' } });
  });
});

describe('sameAbout', () => {
  it('matches up to whitespace, a clipped prefix, or a relative and an absolute path', () => {
    expect(sameAbout('echo  hi > out.txt', 'echo hi > out.txt')).toBe(true);
    const long = `echo ${'a'.repeat(200)}`;
    expect(sameAbout(long, long.slice(0, 120))).toBe(true);
    expect(sameAbout('/tmp/repo/notes.txt', 'notes.txt')).toBe(true);
    expect(sameAbout('/home/me/shared', '~/shared')).toBe(true);
  });

  it('does not take a shorter command for a longer one', () => {
    expect(sameAbout('rm -rf /home/me', 'rm -rf /')).toBe(false);
    expect(sameAbout('echo hi > out.txt', 'echo hi > out.txt.bak')).toBe(false);
    expect(sameAbout('/tmp/repo/anothernotes.txt', 'notes.txt')).toBe(false);
    expect(sameAbout('rm -rf /x/y', 'y')).toBe(false);
    expect(sameAbout('/home/me/shared', '~/other')).toBe(false);
    expect(sameAbout('rm -rf /home/me/shared', '~/shared')).toBe(false);
  });

  it("resolves a path from the folder's parent against the agent's folder", () => {
    const folder = '/w/proj/lane';
    expect(sameAbout('/w/proj/outside/x.txt', '../outside/x.txt', folder)).toBe(true);
    expect(sameAbout('/w/outside/x.txt', '../../outside/x.txt', folder)).toBe(true);
    expect(sameAbout('/w/proj/lane/../outside/x.txt', '../outside/x.txt', folder)).toBe(true);
    // The same name in another folder is another file: a hook naming one is not the dialog's.
    expect(sameAbout('/w/proj/lane/outside/x.txt', '../outside/x.txt', folder)).toBe(false);
    expect(sameAbout('/w/outside/x.txt', '../outside/x.txt', folder)).toBe(false);
    expect(sameAbout('/w/proj/lane/sub/../outside/x.txt', '../outside/x.txt', folder)).toBe(false);
    // Under another root the CLI names it by its real path (the folder reached through a link).
    expect(sameAbout('/mnt/data/proj/outside/x.txt', '../outside/x.txt', folder)).toBe(true);
    // Without the folder, what follows the `..` must end the absolute path.
    expect(sameAbout('/w/proj/lane/outside/x.txt', '../outside/x.txt')).toBe(true);
    expect(sameAbout('/w/proj/other.txt', '../outside/x.txt')).toBe(false);
  });
});

describe('issue 29: a rule approves only what the screen shows whole', () => {
  const answers = PROFILES.get('qwen').dialogs;
  const rows = (about: string): ScreenVerdict => ({
    state: 'needs_permission',
    reason: 'permission',
    rule: 'qwen/confirmation',
    line: 20,
    text: 'Allow execution of: pytest?',
    about,
  });
  const long = `pytest${'a'.repeat(160)}pytest${'a'.repeat(114)} ;touch\${IFS}/path/MARK`;
  const plan = (
    announced: string,
    onScreen: string,
    whole: boolean,
    action: 'approve' | 'deny' = 'approve',
  ) =>
    planDialogAnswer({
      answers,
      action,
      announced: { ...announcedBy(announced), whole },
      screen: rows(onScreen),
    });

  it.each(VENDORS)('%s: a recorded dialog shows its target whole: a rule may approve it', (vendor) => {
    for (const r of recorded(vendor).filter(permission)) {
      // A dialog that names no target (an MCP tool, a subagent, a repeated call) is announced without one.
      const about = r.headers['about'];
      const p = planDialogAnswer({
        answers: PROFILES.get(vendor).dialogs,
        action: 'approve',
        announced: { ...announcedBy(about), whole: true },
        screen: r.verdict,
      });
      expect(p, `${r.name}: ${JSON.stringify(p)}`).toMatchObject({ ok: true });
    }
  });

  it('a row of 120 characters, the start of a longer command: the user may approve it, a rule may not', () => {
    const row = long.slice(0, 120);
    expect(sameAbout(long, row)).toBe(true);
    expect(plan(long, row, false)).toMatchObject({ ok: true });
    expect(plan(long, row, true)).toMatchObject({ ok: false, code: 'NOT_WHOLE', now: { about: row } });
    // Denying what the screen shows part of is safe.
    expect(plan(long, row, true, 'deny')).toMatchObject({ ok: true });
  });

  it('a row clipped with … or the first row of a wrapped command is not whole', () => {
    expect(plan('npm test -- --ci', 'npm test -- --ci', true)).toMatchObject({ ok: true });
    expect(plan('npm  test', 'npm test', true)).toMatchObject({ ok: true });
    const wrapped = `npm test -- ${'a'.repeat(200)}; curl -s x | sh`;
    expect(plan(wrapped, wrapped.slice(0, 150), true)).toMatchObject({ ok: false });
    expect(plan(wrapped, `${wrapped.slice(0, 119)}…`, true)).toMatchObject({ ok: false });
  });
});

describe('the dialog matrix (docs/dialog-matrix.md) against the recorded dialogs', () => {
  const all = VENDORS.flatMap((v) => recorded(v));
  it.each(MATRIX.map((row) => [`${row.vendor}: ${row.kind}`, row] as const))(
    '%s: its recorded dialog is in the corpus, of its kind, with the "always" it says',
    (_n, row) => {
      expect(existsSync(join(REPO, row.test)), row.test).toBe(true);
      const r = all.find((x) => x.name === row.screen);
      expect(r, `test/fixtures/screens/${row.screen}`).toBeDefined();
      expect(r?.headers['state']).toBe('needs_permission');
      expect(r?.headers['reason']).toBe(row.tool === '(trust)' ? 'trust' : 'permission');
      const drawn = r?.headers['always'] ?? 'none';
      if (row.tool === '(trust)') return; // a trust prompt's options are its labels (the e2e checks them)
      // An option with a second stage (OpenCode): the stage's text is the scope, drawn once it is
      // chosen (core/agents/always-stage.ts; its e2e and dialog-answerer.test.ts check it).
      if (PROFILES.get(row.vendor as ProfileName).dialogs?.always?.stage !== undefined) return;
      if (row.always === 'none') expect(drawn).toBe('none');
      else if ('modeChange' in row.always) {
        expect(drawn).toMatch(scopePattern(row.always.modeChange));
        expect(r?.headers['always-mode']).toBe('change');
      } else {
        expect(drawn).toMatch(scopePattern(row.always.scope));
        expect(r?.headers['always-mode']).toBeUndefined();
      }
    },
  );
});
