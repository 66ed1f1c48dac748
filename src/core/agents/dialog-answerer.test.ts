import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentRecord, makeCore, type Harness } from '../../../test/support/core-fakes.js';
import { FAKE_SCREEN } from '../../../test/support/fake-ports.js';
import type { ProfileName, Screen } from '../../protocol/agent.js';
import type { StateDetail } from '../../protocol/agent.js';
import { DETECTORS } from '../../vendors/registry.js';
import { AppError } from '../errors.js';
import { parseCorpusScreen } from '../state/detectors/screen-corpus.js';
import { DialogAnswerer, type HookCall } from './dialog-answerer.js';

/**
 * The answerer's own rules with the core's registry and a recorded screen: keys one press at a
 * time, the audit written before the confirmation, a dialog that stays (ANSWER_NOT_TAKEN), a
 * dialog drawn after it was announced, a denial's message, refusals before any screen is read.
 */
const SCREENS = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'screens');

function recorded(path: string): Screen {
  const { lines } = parseCorpusScreen(readFileSync(join(SCREENS, path), 'utf8'));
  return { ...FAKE_SCREEN, lines: [...lines], rows: lines.length };
}

interface Rig {
  h: Harness;
  answerer: DialogAnswerer;
  typed: { at: number; text: string }[];
  prompts: string[];
  /** What the agent's screen shows, in turn (the last one stays). */
  screens: Screen[];
}

async function rig(
  profile: ProfileName,
  version: string,
  state: 'needs_permission' | 'needs_input',
  detail: StateDetail,
  /** Answers go through a held decision hook where the CLI has one (else: the screen at once). */
  o: { held?: boolean; hookCall?: HookCall } = {},
): Promise<Rig> {
  const h = await makeCore();
  const typed: Rig['typed'] = [];
  const prompts: string[] = [];
  const screens: Screen[] = [];
  const agent = agentRecord({ id: 'ag-1', name: 'a1', profile, version, state, stateDetail: detail });
  await h.core.registry.add(agent, []);
  const answerer = new DialogAnswerer({
    registry: h.core.registry,
    profileCatalog: h.core.profileCatalog,
    detectors: DETECTORS,
    clock: h.clock,
    log: h.log,
    output: h.core.output,
    ...(o.held === true ? { held: h.core.heldDecisions } : {}),
    hookCall: () => o.hookCall ?? 'unknown',
    service: {
      screen: () =>
        Promise.resolve(screens.length > 1 ? (screens.shift() as Screen) : (screens[0] as Screen)),
      typeRaw: (_a, bytes) => typed.push({ at: h.clock.now(), text: Buffer.from(bytes).toString('utf8') }),
      view: (a) => h.core.service.view(a),
      deliverPrompt: (_id, text) => prompts.push(text),
      sendInput: () => Promise.reject(new Error('not a turn question')),
    },
  });
  return { h, answerer, typed, prompts, screens };
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err instanceof AppError) return err;
  throw new Error(`expected an AppError, got ${String(err)}`);
}

const PERMISSION: StateDetail = {
  reason: 'permission',
  source: 'hook',
  evidence: 'hook permission.asked bash',
};

/** The agent leaves its dialog (its next signal says it works). */
const leave = async (r: Rig): Promise<void> => {
  const a = r.h.core.registry.resolve('a1');
  await r.h.core.lifecycle.applyActivity(a, 'working', { reason: 'working' }, 'host');
};

describe('DialogAnswerer', () => {
  it('presses a sequence one key at a time, as far apart as the CLI needs (OpenCode: 400 ms); OpenCode\'s "always" opens a second stage whose text is the scope, then Enter confirms', async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', PERMISSION);
    const first = recorded('opencode/1.18.33/permission-01.screen');
    r.screens.push(first, first, recorded('opencode/1.18.33/permission-always-02.screen'));
    // The dialog was just drawn: answered once the agent's output has been quiet 150 ms.
    r.h.core.output.push(r.h.core.registry.resolve('a1'), 0, new Uint8Array([0x41]));
    const done = r.answerer.answer('a1', { action: 'always', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(149);
    expect(r.typed).toEqual([]);
    await r.h.clock.advanceAsync(551);
    const t0 = r.typed[0]?.at ?? -1;
    expect(r.typed).toEqual([
      { at: t0, text: '\x1b[C' },
      { at: t0 + 400, text: '\r' },
      { at: t0 + 400, text: '\r' },
    ]);
    // Audited once the keys are out, before the agent is seen leaving: the scope is the stage's text.
    const scope = 'This will allow the following patterns until OpenCode is restarted - touch *';
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toMatchObject([
      {
        source: 'cli',
        data: {
          via: 'cli',
          always: true,
          about: 'touch fake-tool-ran.txt',
          keys: ['right', 'enter', 'enter'],
          scope,
        },
      },
    ]);
    await leave(r);
    await expect(done).resolves.toMatchObject({
      action: 'always',
      left: true,
      about: 'touch fake-tool-ran.txt',
      scope,
      modeChange: false,
    });
  });

  it('a question’s Enter waits until the dialog draws its cursor on the option (Qwen reads its last render)', async () => {
    const r = await rig('qwen', '0.24.4', 'needs_input', {
      reason: 'question',
      source: 'screen',
      evidence: 'q',
    });
    const asked = recorded('qwen/0.24.4/census-question-default-120.screen');
    const moved = {
      ...asked,
      lines: asked.lines.map((l) =>
        l.includes('❯ 1. Red')
          ? l.replace('❯ 1.', '  1.')
          : l.includes('  2. Blue')
            ? l.replace('  2.', '❯ 2.')
            : l,
      ),
    };
    // Read to plan; then twice as it was (Down not drawn yet); then with the cursor on Blue.
    r.screens.push(asked, asked, asked, asked, moved);
    const done = r.answerer.answer('a1', { action: 'answer', text: 'Blue', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(1_000);
    expect(r.typed.map((t) => t.text)).toEqual(['\x1b[B', '\r']);
    const [down, enter] = r.typed;
    // The Enter came after the screen with the cursor on Blue was read (three looks, 50 ms apart).
    expect((enter?.at ?? 0) - (down?.at ?? 0)).toBeGreaterThanOrEqual(100);
    await leave(r);
    await expect(done).resolves.toMatchObject({ action: 'answer', about: 'Blue', keys: ['down', 'enter'] });
  });

  it('a second stage that changes the mode ("This will allow edit until OpenCode is restarted.") is cancelled (its Cancel: the first stage drawn anew, Allow once selected): ANSWER_CHANGES_MODE; accepted, it is confirmed', async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', PERMISSION);
    const first = recorded('opencode/1.18.33/permission-01.screen');
    const stage = recorded('opencode/1.18.33/permission-always-01.screen');
    r.screens.push(first, first, stage);
    const refused = rejection(r.answerer.answer('a1', { action: 'always', via: 'cli' }, 'cli'));
    await r.h.clock.advanceAsync(3_000);
    expect(await refused).toMatchObject({
      code: 'ANSWER_CHANGES_MODE',
      details: {
        option: 'This will allow edit until OpenCode is restarted.',
        pressed: ['right', 'enter', 'right', 'enter'],
      },
    });
    expect(r.typed.map((t) => t.text)).toEqual(['\x1b[C', '\r', '\x1b[C', '\r']);
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toEqual([]); // nothing granted, nothing audited
    r.typed.length = 0;
    r.screens.splice(0, r.screens.length, first, first, stage);
    const done = r.answerer.answer('a1', { action: 'always', via: 'cli', acceptModeChange: true }, 'cli');
    await r.h.clock.advanceAsync(3_000);
    expect(r.typed.map((t) => t.text)).toEqual(['\x1b[C', '\r', '\r']);
    await leave(r);
    await expect(done).resolves.toMatchObject({
      scope: 'This will allow edit until OpenCode is restarted.',
      modeChange: true,
    });
  });

  it("denying a subagent's request (OpenCode): its Esc opens a stage that asks what to do differently, whose Enter denies; a lead's request is denied by Esc alone", async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', {
      ...PERMISSION,
      evidence: 'hook permission.asked bash "touch sub-1.txt"',
    });
    const first = recorded('opencode/1.18.33/permission-subagent-01.screen');
    r.screens.push(first, first, recorded('opencode/1.18.33/permission-reject-stage-01.screen'));
    const done = r.answerer.answer('a1', { action: 'deny', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(1_000);
    expect(r.typed.map((t) => t.text)).toEqual(['\x1b', '\r']);
    expect(r.h.store.ofType('agent.denied', 'ag-1')[0]?.data.keys).toEqual(['esc', 'enter']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ action: 'deny', keys: ['esc', 'enter'], left: true });

    const lead = await rig('opencode', '1.18.33', 'needs_permission', PERMISSION);
    lead.screens.push(recorded('opencode/1.18.33/permission-01.screen'));
    const denied = lead.answerer.answer('a1', { action: 'deny', via: 'cli' }, 'cli');
    await lead.h.clock.advanceAsync(1_000);
    await leave(lead);
    await lead.h.clock.advanceAsync(100);
    await expect(denied).resolves.toMatchObject({ action: 'deny', keys: ['esc'], left: true });
    expect(lead.typed.map((t) => t.text)).toEqual(['\x1b']);
  });

  it('a dialog still on screen is pressed once more after 3 s, then ANSWER_NOT_TAKEN at 15 s, audited once', async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', PERMISSION);
    r.screens.push(recorded('opencode/1.18.33/permission-01.screen'));
    const done = rejection(r.answerer.answer('a1', { action: 'approve', via: 'api' }, 'api'));
    await r.h.clock.advanceAsync(150);
    expect(r.typed.map((t) => t.text)).toEqual(['\r']);
    await r.h.clock.advanceAsync(3_000);
    expect(r.typed.map((t) => t.text)).toEqual(['\r', '\r']); // the same dialog, about the same command
    await r.h.clock.advanceAsync(11_999);
    expect(r.typed).toHaveLength(2);
    await r.h.clock.advanceAsync(1);
    const err = await done;
    expect(err.code).toBe('ANSWER_NOT_TAKEN');
    expect(err.details).toMatchObject({ now: { state: 'needs_permission' }, seq: expect.any(Number) });
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toHaveLength(1);
  });

  it('an announced dialog not drawn yet is looked for again, then answered', async () => {
    const r = await rig('codex', '0.169.0', 'needs_permission', PERMISSION);
    r.screens.push(recorded('codex/0.169.0/working-01.screen'), recorded('codex/0.169.0/approval-01.screen'));
    const done = r.answerer.answer('a1', { action: 'deny', via: 'cli', message: 'not now' }, 'cli');
    await r.h.clock.advanceAsync(250);
    expect(r.typed.map((t) => t.text)).toEqual(['\x1b']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ action: 'deny', keys: ['esc'] });
    expect(r.prompts).toEqual(['not now']); // the reason, as the next prompt once idle
    expect(r.h.store.ofType('agent.denied', 'ag-1')[0]?.data.message).toBe('not now');
  });

  it('a dialog drawn in part (its frame, not yet its target) is looked at again until its target shows, then answered', async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', {
      ...PERMISSION,
      evidence: 'hook permission.asked bash "touch sub-1.txt"',
      request: { kind: 'permission', tool: 'bash', about: 'touch sub-1.txt', complete: true },
    });
    const whole = recorded('opencode/1.18.33/permission-subagent-01.screen');
    const part = { ...whole, lines: whole.lines.map((l) => (l.includes('$ touch sub-1.txt') ? '  ┃' : l)) };
    r.screens.push(part, part, part, whole);
    const done = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(500);
    expect(r.typed.length).toBeGreaterThan(0);
    await leave(r);
    await expect(done).resolves.toMatchObject({ action: 'approve', about: 'touch sub-1.txt' });
  });

  it('a dialog never drawn within 3 s is refused (AGENT_NOT_WAITING) and nothing is pressed', async () => {
    const r = await rig('codex', '0.169.0', 'needs_permission', PERMISSION);
    r.screens.push(recorded('codex/0.169.0/working-01.screen'));
    const done = rejection(r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli'));
    await r.h.clock.advanceAsync(3_100);
    expect((await done).code).toBe('AGENT_NOT_WAITING');
    expect(r.h.log.entries.some((e) => e.msg === 'answer not taken: pressed again')).toBe(false);
    expect(r.typed).toEqual([]);
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toEqual([]);
  });

  it('refuses before reading the screen: another state shown, another target shown, a usage limit', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', {
      ...PERMISSION,
      evidence: 'hook PermissionRequest Bash "npm test"',
    });
    r.screens.push(recorded('claude/2.1.330/permission-01.screen'));
    const shownIdle = await rejection(
      r.answerer.answer('a1', { action: 'approve', via: 'cli', expect: { state: 'idle' } }, 'cli'),
    );
    expect(shownIdle.code).toBe('AGENT_NOT_WAITING');
    const other = await rejection(
      r.answerer.answer(
        'a1',
        { action: 'approve', via: 'cli', expect: { state: 'needs_permission', about: 'rm -rf /' } },
        'cli',
      ),
    );
    expect(other.code).toBe('DIALOG_CHANGED');
    const question = await rejection(
      r.answerer.answer('a1', { action: 'answer', text: '1', via: 'cli' }, 'cli'),
    );
    expect(question.code).toBe('AGENT_NOT_WAITING');
    expect(r.typed).toEqual([]);
  });

  it('a dialog changed since it was shown is refused with the next dialog once drawn, not the screen before it', async () => {
    const r = await rig('codex', '0.169.0', 'needs_permission', PERMISSION);
    const shownSince = new Date(r.h.core.registry.resolve('a1').stateSince).toISOString();
    await leave(r);
    r.h.clock.advance(1_000);
    // The next dialog is announced (a status record) before Codex draws it.
    await r.h.core.lifecycle.applyActivity(
      r.h.core.registry.resolve('a1'),
      'needs_permission',
      PERMISSION,
      'host',
    );
    r.screens.push(recorded('codex/0.169.0/working-01.screen'), recorded('codex/0.169.0/approval-01.screen'));
    const done = rejection(
      r.answerer.answer(
        'a1',
        { action: 'approve', via: 'api', expect: { state: 'needs_permission', since: shownSince } },
        'api',
      ),
    );
    await r.h.clock.advanceAsync(250);
    const err = await done;
    expect(err.code).toBe('DIALOG_CHANGED');
    expect(err.details).toMatchObject({ state: 'needs_permission', now: { state: 'needs_permission' } });
    expect(r.typed).toEqual([]);
  });

  it('a dialog replaced by another (other command) is not pressed again', async () => {
    const r = await rig('opencode', '1.18.33', 'needs_permission', PERMISSION);
    const first = recorded('opencode/1.18.33/permission-01.screen');
    const other: Screen = {
      ...first,
      lines: first.lines.map((l) => l.replace('touch fake-tool-ran.txt', 'rm -rf build')),
    };
    r.screens.push(first, first, other);
    const done = rejection(r.answerer.answer('a1', { action: 'approve', via: 'api' }, 'api'));
    await r.h.clock.advanceAsync(150);
    expect(r.typed).toHaveLength(1);
    await r.h.clock.advanceAsync(15_000);
    expect(r.typed).toHaveLength(1);
    expect((await done).code).toBe('ANSWER_NOT_TAKEN');
  });

  it('a profile without declared dialogs is refused (ANSWER_NOT_SUPPORTED)', async () => {
    const r = await rig('aider', '0.86.0', 'needs_permission', PERMISSION);
    expect((await rejection(r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli'))).code).toBe(
      'ANSWER_NOT_SUPPORTED',
    );
  });

  it('two answers to one dialog at once: exactly one presses, the other is DIALOG_ALREADY_ANSWERED', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', PERMISSION);
    r.screens.push(recorded('claude/2.1.330/permission-overwrite-01.screen'));
    const since = new Date(r.h.core.registry.resolve('a1').stateSince).toISOString();
    const order = { action: 'approve', via: 'api', expect: { state: 'needs_permission', since } } as const;
    const first = r.answerer.answer('a1', order, 'api');
    const second = rejection(r.answerer.answer('a1', { ...order, via: 'dashboard' }, 'api'));
    const err = await second;
    expect(err.code).toBe('DIALOG_ALREADY_ANSWERED');
    expect(err.details).toMatchObject({ by: 'api' });
    await r.h.clock.advanceAsync(150);
    await leave(r);
    await expect(first).resolves.toMatchObject({ action: 'approve', left: true, keys: ['enter'] });
    expect(r.typed.map((t) => t.text)).toEqual(['\r']);
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toHaveLength(1);
  });

  it('always on an option that changes the mode: refused with its text, pressed only when accepted', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', PERMISSION);
    r.screens.push(recorded('claude/2.1.330/permission-overwrite-01.screen'));
    const refused = rejection(r.answerer.answer('a1', { action: 'always', via: 'cli' }, 'cli'));
    await r.h.clock.advanceAsync(150);
    const err = await refused;
    expect(err.code).toBe('ANSWER_CHANGES_MODE');
    expect(err.details?.['option']).toMatch(/^Yes, and switch to accept edits .* for this session/);
    expect(r.typed).toEqual([]);
    const done = r.answerer.answer('a1', { action: 'always', via: 'cli', acceptModeChange: true }, 'cli');
    await r.h.clock.advanceAsync(150);
    expect(r.typed.map((t) => t.text)).toEqual(['2']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ modeChange: true, scope: err.details?.['option'] });
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toMatchObject([
      { data: { always: true, modeChange: true, scope: err.details?.['option'], keys: ['2'] } },
    ]);
  });

  it('always reports the option its dialog draws (a Bash dialog: access to the folder)', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', PERMISSION);
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done = r.answerer.answer('a1', { action: 'always', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(150);
    await leave(r);
    const got = await done;
    expect(got.scope).toMatch(/^Yes, and always allow access to \S+ from this project$/);
    expect(got).toMatchObject({ modeChange: false, keys: ['2'] });
  });

  it('a dialog its rules do not know: DIALOG_UNKNOWN, nothing pressed, the way to answer it named', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', PERMISSION);
    const screen = recorded('claude/2.1.330/permission-overwrite-01.screen');
    r.screens.push({
      ...screen,
      lines: screen.lines.map((l) =>
        l.replace('Do you want to overwrite ow.txt?', 'Shall Claude frobnicate?'),
      ),
    });
    const refused = rejection(r.answerer.answer('a1', { action: 'deny', via: 'cli' }, 'cli'));
    await r.h.clock.advanceAsync(150);
    const err = await refused;
    expect(err.code).toBe('DIALOG_UNKNOWN');
    expect(err.message).toContain('wtp send a1 --key <key> --force');
    // Each option as drawn, with the command that presses it.
    expect(err.message).toContain('Its options: 1. Yes (`wtp send a1 --key 1 --force`); 2. Yes, and switch');
    expect(err.details?.['options']).toEqual([
      { n: 1, label: 'Yes', press: 'wtp send a1 --key 1 --force' },
      {
        n: 2,
        label: expect.stringMatching(/^Yes, and switch to accept edits/) as unknown,
        press: 'wtp send a1 --key 2 --force',
      },
      { n: 3, label: 'No', press: 'wtp send a1 --key 3 --force' },
    ]);
    expect(r.typed).toEqual([]);
  });

  it('a refusal says what the user was shown only when they said it (no expect: no "when you looked")', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', PERMISSION);
    await leave(r);
    const plain = await rejection(
      r.answerer.answer('a1', { action: 'answer', text: '1', via: 'cli' }, 'cli'),
    );
    expect(plain.code).toBe('AGENT_NOT_WAITING');
    expect(plain.message).not.toContain('when you looked');
    const shown = await rejection(
      r.answerer.answer(
        'a1',
        { action: 'approve', via: 'cli', expect: { state: 'needs_permission' } },
        'cli',
      ),
    );
    expect(shown.message).toContain('(it was needs_permission when you looked)');
  });

  it('a rule’s approval needs the request on screen whole: a 120-character row of a longer command is refused (DIALOG_NOT_WHOLE), a user’s is not', async () => {
    const long = `pytest${'a'.repeat(160)}pytest${'a'.repeat(114)} ;touch\${IFS}/tmp/MARK`;
    const row = long.slice(0, 120);
    const screen = recorded('qwen/0.24.4/permission-01.screen');
    const lines = screen.lines.map((l) => l.replace('touch fake-tool-ran.txt', row));
    const detail: StateDetail = {
      ...PERMISSION,
      request: { kind: 'permission', tool: 'run_shell_command', about: long, complete: true },
    };
    const r = await rig('qwen', '0.24.4', 'needs_permission', detail);
    r.screens.push({ ...screen, lines });
    const order = { action: 'approve', via: 'policy', rule: 'Bash(pytest*)' } as const;
    const err = await rejection(r.answerer.answer('a1', order, 'policy'));
    expect(err.code).toBe('DIALOG_NOT_WHOLE');
    expect(err.details).toMatchObject({ now: { about: row } });
    expect(r.typed).toEqual([]);
    // The user saw the dialog: the same clipped row is theirs to approve.
    const done = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(200);
    expect(r.typed.map((t) => t.text)).toEqual(['\r']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ action: 'approve' });
  });
});

describe('DialogAnswerer through a held decision hook', () => {
  const NPM_TEST: StateDetail = {
    reason: 'permission',
    source: 'hook',
    evidence: 'hook PermissionRequest Bash "npm test"',
    request: { kind: 'permission', tool: 'Bash', about: 'npm test', complete: true },
  };
  /** The agent's held PermissionRequest call (as hook-intake holds it), and its answer. */
  const held = (r: Rig, about = 'npm test') =>
    r.h.core.heldDecisions.hold(
      'ag-1',
      { event: 'PermissionRequest', tool: 'Bash', about },
      { holdMs: 60_000 },
    );
  const decision = (d: Record<string, unknown>) => ({
    hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: d },
  });

  it('approves with the CLI’s own allow: no key pressed, no screen read, whatever its dialog says; audited as through the hook', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, { held: true });
    // No screen is given: reading one would fail the answer.
    const call = held(r);
    const done = r.answerer.answer(
      'a1',
      { action: 'approve', via: 'cli', expect: { state: 'needs_permission', about: 'npm test' } },
      'cli',
    );
    expect(await call).toEqual(decision({ behavior: 'allow' }));
    await r.h.clock.advanceAsync(0);
    expect(r.h.store.ofType('agent.approved', 'ag-1')).toMatchObject([
      { data: { via: 'cli', channel: 'hook', about: 'npm test', keys: [] } },
    ]);
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'hook', keys: [], about: 'npm test', left: true });
    expect(r.typed).toEqual([]);
  });

  it('denies with the reason the model reads, or without one stops the turn as the dialog’s own "No" does', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, { held: true });
    const call = held(r);
    const done = r.answerer.answer('a1', { action: 'deny', via: 'tui', message: 'use pnpm' }, 'cli');
    expect(await call).toEqual(decision({ behavior: 'deny', message: 'use pnpm' }));
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'hook', action: 'deny' });
    // The reason went with the denial: nothing is typed at the prompt afterwards.
    expect(r.prompts).toEqual([]);
    expect(r.h.store.ofType('agent.denied', 'ag-1')).toMatchObject([
      { data: { channel: 'hook', message: 'use pnpm' } },
    ]);

    const r2 = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, { held: true });
    const call2 = held(r2);
    const done2 = r2.answerer.answer('a1', { action: 'deny', via: 'cli' }, 'cli');
    expect(await call2).toEqual(
      decision({ behavior: 'deny', message: 'The user denied this request.', interrupt: true }),
    );
    await leave(r2);
    await done2;
  });

  it('refuses an answer meant for another request, and leaves the held call unanswered', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, { held: true });
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    let answered = false;
    void held(r).then(() => (answered = true));
    const err = await rejection(
      r.answerer.answer(
        'a1',
        { action: 'approve', via: 'cli', expect: { state: 'needs_permission', about: 'rm -rf ~/work' } },
        'cli',
      ),
    );
    expect(err.code).toBe('DIALOG_CHANGED');
    expect(err.message).toContain('now asks about "npm test"');
    await r.h.clock.advanceAsync(10);
    expect(answered).toBe(false);
    expect(r.typed).toEqual([]);
  });

  it('an answer given before the call comes in waits for it (a screen can announce the dialog first); with none in 1 s, the screen answers', async () => {
    const ECHO: StateDetail = {
      ...NPM_TEST,
      request: { kind: 'permission', tool: 'Bash', about: 'echo hi > out.txt', complete: true },
    };
    const r = await rig('claude', '2.1.330', 'needs_permission', ECHO, { held: true });
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(500);
    expect(await held(r, 'echo hi > out.txt')).toEqual(decision({ behavior: 'allow' }));
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'hook', keys: [] });
    expect(r.typed).toEqual([]);

    const r2 = await rig('claude', '2.1.330', 'needs_permission', ECHO, { held: true });
    r2.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done2 = r2.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r2.h.clock.advanceAsync(990);
    expect(r2.typed).toEqual([]);
    await r2.h.clock.advanceAsync(300);
    expect(r2.typed.map((t) => t.text)).toEqual(['\r']);
    await leave(r2);
    await expect(done2).resolves.toMatchObject({ channel: 'screen', keys: ['enter'] });
  });

  it('waits up to 10 s for the call when the agent’s hooks are heard (its process starts late under load), then the screen', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, {
      held: true,
      hookCall: 'coming',
    });
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(4_000);
    expect(r.typed).toEqual([]);
    expect(await held(r)).toEqual(decision({ behavior: 'allow' }));
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'hook', keys: [] });

    const ECHO: StateDetail = {
      ...NPM_TEST,
      request: { kind: 'permission', tool: 'Bash', about: 'echo hi > out.txt', complete: true },
    };
    const r2 = await rig('claude', '2.1.330', 'needs_permission', ECHO, { held: true, hookCall: 'coming' });
    r2.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done2 = r2.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r2.h.clock.advanceAsync(9_990);
    expect(r2.typed).toEqual([]);
    await r2.h.clock.advanceAsync(300);
    expect(r2.typed.map((t) => t.text)).toEqual(['\r']);
    await leave(r2);
    await expect(done2).resolves.toMatchObject({ channel: 'screen', keys: ['enter'] });
  });

  it('waits for no call when the agent’s hooks come as commands (never held): the screen at once', async () => {
    const ECHO: StateDetail = {
      ...NPM_TEST,
      request: { kind: 'permission', tool: 'Bash', about: 'echo hi > out.txt', complete: true },
    };
    const r = await rig('claude', '2.1.330', 'needs_permission', ECHO, { held: true, hookCall: 'never' });
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    const done = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(300);
    expect(r.typed.map((t) => t.text)).toEqual(['\r']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'screen', keys: ['enter'] });
  });

  it('the first answer wins: a later one for the same dialog is told it was answered already, and from where', async () => {
    const r = await rig('claude', '2.1.330', 'needs_permission', NPM_TEST, { held: true });
    const shown = r.h.core.registry.resolve('a1');
    const expectShown = {
      state: 'needs_permission' as const,
      since: new Date(shown.stateSince).toISOString(),
    };
    const call = held(r);
    const first = r.answerer.answer(
      'a1',
      { action: 'approve', via: 'dashboard', expect: expectShown },
      'api',
    );
    await call;
    await r.h.clock.advanceAsync(2_000);
    await leave(r);
    await first;
    // The TUI showed the same dialog: it says so, with who answered it.
    const late = await rejection(
      r.answerer.answer('a1', { action: 'deny', via: 'tui', expect: expectShown }, 'api'),
    );
    expect(late.code).toBe('DIALOG_ALREADY_ANSWERED');
    expect(late.message).toMatch(
      /answered already from dashboard \(approved, \d+ s ago\); it is working now/,
    );
    expect(late.details).toMatchObject({ by: 'dashboard' });
    // `wtp approve a1` (nothing shown): the agent has done nothing since that answer.
    const again = await rejection(r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli'));
    expect(again.code).toBe('DIALOG_ALREADY_ANSWERED');
    expect(r.typed).toEqual([]);

    // A new dialog is answered as ever; one it left otherwise is said to be so.
    const a = r.h.core.registry.resolve('a1');
    await r.h.core.lifecycle.applyActivity(a, 'needs_permission', NPM_TEST, 'agent');
    const next = r.h.core.registry.resolve('a1');
    const nextShown = { state: 'needs_permission' as const, since: new Date(next.stateSince).toISOString() };
    const call2 = held(r);
    const second = r.answerer.answer('a1', { action: 'approve', via: 'cli' }, 'cli');
    await call2;
    await leave(r);
    await expect(second).resolves.toMatchObject({ channel: 'hook' });
    await r.h.clock.advanceAsync(1_000);
    await r.h.core.lifecycle.applyActivity(
      r.h.core.registry.resolve('a1'),
      'needs_permission',
      NPM_TEST,
      'agent',
    );
    // Shown the answered one while another waits: that one is the news, with what became of the first.
    const changed = await rejection(
      r.answerer.answer('a1', { action: 'approve', via: 'tui', expect: nextShown }, 'api'),
    );
    expect(changed.code).toBe('DIALOG_CHANGED');
    expect(changed.message).toMatch(
      /the one you were shown \([^)]+\) was answered from cli \(approved, \d+ s ago\); nothing was pressed\. Look again, then answer the new one\.$/,
    );
    await r.h.clock.advanceAsync(1_000);
    await leave(r);
    const gone = await rejection(
      r.answerer.answer('a1', { action: 'approve', via: 'tui', expect: nextShown }, 'api'),
    );
    expect(gone.code).toBe('DIALOG_ALREADY_ANSWERED');
    const otherwise = r.h.core.registry.resolve('a1');
    const unanswered = {
      state: 'needs_permission' as const,
      since: new Date(otherwise.stateSince - 1_000).toISOString(),
    };
    const left = await rejection(
      r.answerer.answer('a1', { action: 'approve', via: 'tui', expect: unanswered }, 'api'),
    );
    expect(left.code).toBe('AGENT_NOT_WAITING');
    expect(left.message).toContain('without an answer through wezterm-parallel');
  });

  it('"always" goes to the screen: the option it presses says what it holds for', async () => {
    const r = await rig(
      'claude',
      '2.1.330',
      'needs_permission',
      {
        ...NPM_TEST,
        request: { kind: 'permission', tool: 'Bash', about: 'echo hi > out.txt', complete: true },
      },
      { held: true },
    );
    r.screens.push(recorded('claude/2.1.330/permission-bash-02.screen'));
    void held(r, 'echo hi > out.txt');
    const done = r.answerer.answer('a1', { action: 'always', via: 'cli' }, 'cli');
    await r.h.clock.advanceAsync(1_000);
    expect(r.typed.map((t) => t.text)).toEqual(['2']);
    await leave(r);
    await expect(done).resolves.toMatchObject({ channel: 'screen', keys: ['2'] });
  });
});
