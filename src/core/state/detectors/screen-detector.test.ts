import { describe, expect, it } from 'vitest';
import { DETECTORS } from './detector-data.js';
import { parseCorpusScreen } from './screen-corpus.js';
import {
  compareVersions,
  detectScreen,
  evidenceOf,
  parseVersion,
  selectRuleSet,
  type DetectorTable,
} from './screen-detector.js';

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

describe('versions', () => {
  it('parses and compares dotted versions', () => {
    expect(parseVersion('2.1.330 (Claude Code)')).toEqual([2, 1, 330]);
    expect(parseVersion('synthetic')).toBeNull();
    expect(parseVersion(null)).toBeNull();
    expect(compareVersions([2, 1, 25], [2, 1, 3])).toBe(1);
    expect(compareVersions([2, 1], [2, 1, 0])).toBe(0);
    expect(compareVersions([1, 9], [2])).toBe(-1);
  });

  const sets = [
    { versions: { to: '2.0.0' }, rules: [] },
    { versions: { from: '2.0.0', to: '2.1.25' }, rules: [] },
    { versions: { from: '2.1.25' }, rules: [] },
  ];
  it('selects the set whose range holds the version (from inclusive, to exclusive)', () => {
    expect(selectRuleSet(sets, '1.0.5')).toBe(sets[0]);
    expect(selectRuleSet(sets, '2.0.0')).toBe(sets[1]);
    expect(selectRuleSet(sets, '2.1.24')).toBe(sets[1]);
    expect(selectRuleSet(sets, '2.1.25')).toBe(sets[2]);
  });
  it('selects the newest set with no version or an unparsable one', () => {
    expect(selectRuleSet(sets, null)).toBe(sets[2]);
    expect(selectRuleSet(sets, 'synthetic')).toBe(sets[2]);
    expect(selectRuleSet([sets[1]!, sets[0]!], '9.9.9')).toBe(sets[1]);
  });
});

describe('detectScreen engine', () => {
  const table: DetectorTable = {
    demo: [
      {
        versions: {},
        rules: [
          // Deliberately listed idle-first: the engine still runs waiting, then busy, then idle.
          { id: 'prompt', state: 'idle', reason: 'at_prompt', within: 'bottom', all: [/^\$ ?$/] },
          { id: 'busy', state: 'working', any: [/working\.\.\./], unless: [/^paused$/] },
          { id: 'ask', state: 'needs_input', reason: 'question', all: [/^\s*Q: .+\?$/, /^\[answer\]$/] },
          { id: 'box', state: 'needs_permission', within: 'bottom', any: [/(?:^|\n)─+\n\| allow\? \|\n─+/] },
        ],
      },
    ],
  };
  const run = (lines: string[]) => detectScreen(table, 'demo', null, { lines });

  it('returns null for an unknown agent, an empty screen, a screen no rule knows', () => {
    expect(detectScreen(table, 'nobody', null, { lines: ['$'] })).toBeNull();
    expect(run([])).toBeNull();
    expect(run(['', '   ', ''])).toBeNull();
    expect(run(['splash'])).toBeNull();
  });

  it('runs waiting before busy before idle, whatever the table order', () => {
    expect(run(['working...', '$'])?.state).toBe('working');
    expect(run(['Q: go on?', '[answer]', 'working...', '$'])?.state).toBe('needs_input');
    expect(run(['$'])).toMatchObject({ state: 'idle', reason: 'at_prompt', rule: 'demo/prompt', line: 0 });
  });

  it('needs every pattern of an `all` rule', () => {
    expect(run(['Q: go on?'])).toBeNull();
  });

  it('honours `unless`', () => {
    expect(run(['working...', 'paused'])).toBeNull();
  });

  it('reports the 0-based row of the first pattern, trimmed and clipped', () => {
    const v = run(['', 'x', '  Q: ' + 'a'.repeat(200) + '?  ', '', '[answer]', '', '']);
    expect(v?.line).toBe(2);
    expect(v?.text.length).toBe(120);
    expect(v?.text.startsWith('Q: aaa')).toBe(true);
  });

  it('matches a pattern with \\n across rows, skipping empty rows', () => {
    // The reported row is the first one of the match that is more than a border.
    expect(run(['─────', '', '| allow? |', '─────'])).toMatchObject({ state: 'needs_permission', line: 2 });
  });

  it('looks only at the last 30 non-empty rows, and `bottom` at the last 12', () => {
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `row ${i}`);
    expect(run(['working...', ...filler(30)])).toBeNull();
    expect(run(['working...', ...filler(29)])?.state).toBe('working');
    expect(run(['$', ...filler(12)])).toBeNull();
  });

  it('writes evidence with the rule, the row and the text', () => {
    const v = run(['a', 'working...']);
    expect(v === null ? '' : evidenceOf(v)).toBe('screen demo/busy line 1: "working..."');
  });
});

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

describe('parseCorpusScreen', () => {
  it('reads headers, the expected state, the reason and the rows (blank rows kept)', () => {
    const s = parseCorpusScreen('state: idle\nreason: at_prompt\nnote: synthetic\n---\n\nrow 1   \n\n❯\n');
    expect(s).toEqual({
      headers: { state: 'idle', reason: 'at_prompt', note: 'synthetic' },
      expected: 'idle',
      reason: 'at_prompt',
      lines: ['', 'row 1', '', '❯'],
    });
  });

  it('accepts none and rejects an unknown state or a missing separator', () => {
    expect(parseCorpusScreen('state: none\n---\nx').expected).toBe('none');
    expect(() => parseCorpusScreen('state: sleeping\n---\nx')).toThrow(/unknown state/);
    expect(() => parseCorpusScreen('state: idle\nx')).toThrow(/---/);
    expect(() => parseCorpusScreen('note: x\n---\n')).toThrow(/state/);
  });
});
