import { describe, expect, it } from 'vitest';
import { detectScreen, evidenceOf } from '../../core/state/detectors/screen-detector.js';
import { DETECTORS } from '../registry.js';

const RULE = '─'.repeat(40);
/** Claude 2.1.330's bottom: rule, input row, rule, mode line. */
const box = (input = '', mode = '  ⏵⏵ auto mode on (shift+tab to cycle)'): string[] => [
  RULE,
  `❯${input === '' ? '' : ` ${input}`}`,
  RULE,
  mode,
];
const claude = (lines: string[], version: string | null = '2.1.330') =>
  detectScreen(DETECTORS, 'claude', version, { lines });

describe('claude rules', () => {
  it('a spinner above the prompt box is working, not idle', () => {
    expect(
      claude(['❯ say hi', '', '✽ Cogitating… (3s · ↓ 12 tokens)', ...box('', '  ⏵⏵ auto mode on')])?.state,
    ).toBe('working');
    expect(claude(['❯ say hi', '✻ Sautéing…', ...box('', '  ⏵⏵ auto mode on')])?.rule).toBe('claude/spinner');
  });

  it('the mode line "esc to interrupt" is working', () => {
    expect(claude(['❯ say hi', ...box('', '  ⏸ manual mode on · esc to interrupt')])?.rule).toBe(
      'claude/interrupt-hint',
    );
  });

  it('a finished turn is idle turn_done; a fresh prompt is idle at_prompt', () => {
    expect(claude(['● Hi!', '✻ Worked for 1m 2s · done 12:44 PM', ...box()])).toMatchObject({
      reason: 'turn_done',
    });
    expect(claude(['           Claude Code v2.1.330', ...box()])).toMatchObject({
      state: 'idle',
      reason: 'at_prompt',
    });
  });

  it('an old completion row under newer transcript does not decide the reason', () => {
    const lines = [
      '✻ Worked for 2s · done 12:41 PM',
      '❯ next',
      '● Answer.',
      '● Another paragraph.',
      ...box(),
    ];
    expect(claude(lines)?.reason).toBe('at_prompt');
  });

  it('an "Interrupted" row above the prompt box is idle interrupted', () => {
    const lines = [
      '❯ do a long thing',
      '● Starting…',
      '  ⎿  Interrupted · What should Claude do instead?',
      ...box(),
    ];
    expect(claude(lines)).toMatchObject({ state: 'idle', reason: 'interrupted' });
  });

  it('the permission dialog of older versions', () => {
    const lines = [
      '│ Do you want to make this edit to app.ts?',
      '│ ❯ 1. Yes',
      "│   2. Yes, and don't ask again this session (shift+tab)",
      '│   3. No, and tell Claude what to do differently (esc)',
    ];
    expect(claude(lines, '2.0.10')).toMatchObject({
      state: 'needs_permission',
      reason: 'permission',
      line: 0,
    });
  });

  it('a reply that asks "Do you want to proceed?" is not a dialog', () => {
    const lines = [
      '● I can delete the old files. Do you want to proceed?',
      '✻ Worked for 3s · done 1:02 PM',
      ...box(),
    ];
    expect(claude(lines)).toMatchObject({ state: 'idle', reason: 'turn_done' });
  });

  it('the plan approval dialog', () => {
    const lines = [
      'Claude has written up a plan and is ready to execute. Would you like to proceed?',
      '❯ 1. Yes',
    ];
    expect(claude(lines)).toMatchObject({ state: 'needs_permission', rule: 'claude/plan-approval' });
  });

  it('usage limits with the reset text as printed', () => {
    const hit = claude(["● You've hit your session limit · resets 3pm (Europe/Paris)", ...box()]);
    expect(hit).toMatchObject({
      state: 'needs_input',
      reason: 'usage_limit',
      resetsAt: '3pm (Europe/Paris)',
    });
    expect(evidenceOf(hit!)).toContain('resets 3pm (Europe/Paris)');
    expect(claude(['5-hour limit reached ∙ resets 3pm', ...box()])?.resetsAt).toBe('3pm');
    expect(claude(['Claude usage limit reached. Your limit will reset at 9am.', ...box()])?.resetsAt).toBe(
      '9am',
    );
    expect(claude(['Usage limit reached', ...box()])).toMatchObject({ reason: 'usage_limit' });
    expect(claude(['Usage limit reached', ...box()])?.resetsAt).toBeUndefined();
  });

  it('a usage-limit row in the transcript does not hide a new turn at work', () => {
    const lines = ["● You've hit your session limit · resets 3pm", '❯ go on', '✢ Improvising…', ...box()];
    expect(claude(lines)?.state).toBe('working');
  });

  it('a 429 API error right above the box is needs_input usage_limit; another error is idle error', () => {
    const err = (text: string) => [
      '❯ say hi',
      `● API Error: ${text}`,
      ...box('Resend your message to try again'),
    ];
    expect(claude(err('Request rejected (429) · rate limit'))).toMatchObject({
      state: 'needs_input',
      reason: 'usage_limit',
    });
    expect(claude(err('500 Internal Server Error'))).toMatchObject({ state: 'idle', reason: 'error' });
  });

  it('the trust dialog, and not once Claude has exited after "No, exit"', () => {
    const dialog = [
      ' Quick safety check: Is this a project you created or one you trust? (Like your own code',
      ' ❯ No, exit',
      '   Yes, I trust this folder',
      ' Enter to confirm · Esc to cancel',
    ];
    expect(claude(dialog)).toMatchObject({ state: 'needs_permission', reason: 'trust' });
    expect(claude([...dialog, "Claude Code didn't start because this folder isn't trusted."])).toBeNull();
  });

  it('a box without its borders (a splash, a half-drawn screen) is not idle', () => {
    expect(claude(['❯'])).toBeNull();
    expect(claude([RULE, '❯ x'])).toBeNull();
  });
});
