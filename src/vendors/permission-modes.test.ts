import { describe, expect, it } from 'vitest';
import { neutralMode } from '../core/agents/permission-mode.js';
import type { ProfileName } from '../protocol/agent.js';
import { hasFlag, lastOption, modeLine } from './permission-modes.js';
import { PROFILES } from './registry.js';
import { parseJsonc, stringAt } from './settings-mode.js';
import { codexArgsSettings, codexConfigSettings, codexStartMode } from './codex/modes.js';
import { opencodeLayersMode } from './opencode/modes.js';
import { copilotEnvMode } from './copilot/modes.js';
import { geminiSettingsMode } from './gemini/modes.js';

/** The neutral mode and the CLI's name its arguments start it in (null: they say nothing). */
function fromArgs(profile: ProfileName, args: string[]): [string, string, string] | null {
  const spec = PROFILES.get(profile).permissions;
  if (!spec) throw new Error(`${profile} reads no permission mode`);
  const r = spec.fromArgs(args);
  return r === null ? null : [neutralMode(spec, r.native), r.native, r.evidence];
}

describe('permission modes from each vendor’s arguments (issue 29)', () => {
  it.each([
    ['claude', [], null],
    ['claude', ['--permission-mode', 'default'], ['default', 'default', '--permission-mode default']],
    [
      'claude',
      ['--permission-mode=acceptEdits'],
      ['accept_edits', 'acceptEdits', '--permission-mode acceptEdits'],
    ],
    ['claude', ['--permission-mode', 'manual'], ['default', 'manual', '--permission-mode manual']],
    ['claude', ['--permission-mode', 'dontAsk'], ['dont_ask', 'dontAsk', '--permission-mode dontAsk']],
    [
      'claude',
      ['--permission-mode', 'plan', '--dangerously-skip-permissions'],
      ['bypass', 'bypassPermissions', '--dangerously-skip-permissions'],
    ],
    [
      'claude',
      ['--permission-mode', 'plan', '--permission-mode', 'auto'],
      ['auto', 'auto', '--permission-mode auto'],
    ],
    // After `--`, words are not its options.
    ['claude', ['--', '--dangerously-skip-permissions'], null],
    ['codex', [], null],
    [
      'codex',
      ['--ask-for-approval', 'on-request'],
      ['auto', 'on-request/workspace-write', '--ask-for-approval on-request'],
    ],
    [
      'codex',
      ['-a', 'on-request', '-s', 'read-only'],
      ['default', 'on-request/read-only', '--ask-for-approval on-request, --sandbox read-only'],
    ],
    ['codex', ['-a', 'never'], ['bypass', 'never/workspace-write', '--ask-for-approval never']],
    [
      'codex',
      ['-a', 'never', '-s', 'read-only'],
      ['dont_ask', 'never/read-only', '--ask-for-approval never, --sandbox read-only'],
    ],
    ['codex', ['--yolo'], ['bypass', 'never/danger-full-access', '--yolo']],
    [
      'codex',
      ['--dangerously-bypass-approvals-and-sandbox'],
      ['bypass', 'never/danger-full-access', '--dangerously-bypass-approvals-and-sandbox'],
    ],
    ['codex', ['--approve-for-me'], ['auto', 'approve-for-me/workspace-write', '--approve-for-me']],
    [
      'codex',
      ['-c', 'sandbox_mode="danger-full-access"'],
      ['bypass', 'on-request/danger-full-access', '-c sandbox_mode=danger-full-access'],
    ],
    ['gemini', [], null],
    ['gemini', ['--approval-mode', 'auto_edit'], ['accept_edits', 'auto_edit', '--approval-mode auto_edit']],
    ['gemini', ['--yolo'], ['bypass', 'yolo', '--yolo']],
    ['gemini', ['-y'], ['bypass', 'yolo', '-y']],
    ['gemini', ['--approval-mode=plan'], ['plan', 'plan', '--approval-mode plan']],
    ['qwen', [], null],
    ['qwen', ['--approval-mode', 'auto-edit'], ['accept_edits', 'auto-edit', '--approval-mode auto-edit']],
    ['qwen', ['--approval-mode', 'auto'], ['auto', 'auto', '--approval-mode auto']],
    ['qwen', ['-y'], ['bypass', 'yolo', '-y']],
    ['opencode', [], null],
    ['opencode', ['--auto'], ['bypass', 'auto-approve', '--auto']],
    [
      'opencode',
      ['--dangerously-skip-permissions'],
      ['bypass', 'auto-approve', '--dangerously-skip-permissions'],
    ],
    ['copilot', [], null],
    ['copilot', ['--allow-all-tools'], ['bypass', 'allow-all-tools', '--allow-all-tools']],
    ['copilot', ['--yolo'], ['bypass', 'allow-all', '--yolo']],
    ['copilot', ['--mode', 'plan'], ['plan', 'plan', '--mode plan']],
    ['copilot', ['--mode', 'autopilot'], null],
  ] as const)('%s %j', (profile, args, expected) => {
    expect(fromArgs(profile, [...args])).toEqual(expected);
  });

  it('each vendor’s default, for the version it runs', () => {
    const d = (p: ProfileName, v: string | null) => {
      const spec = PROFILES.get(p).permissions;
      const r = spec?.vendorDefault(v);
      return spec && r ? [neutralMode(spec, r.native), r.evidence] : null;
    };
    expect(d('claude', '2.1.330')).toEqual(['auto', "Claude Code 2.1.330's default"]);
    expect(d('claude', '2.0.1')?.[0]).toBe('default'); // not checked: assumed to ask
    expect(d('codex', '0.169.0')).toEqual(['auto', "Codex CLI 0.169.0's default in a trusted folder"]);
    expect(d('gemini', null)).toEqual(['default', "Gemini CLI's default"]);
    expect(d('qwen', '0.24.4')).toEqual(['auto', "Qwen Code 0.24.4's default"]);
    expect(d('opencode', '1.18.33')?.[0]).toBe('bypass');
    expect(d('copilot', '1.0.102')?.[0]).toBe('default');
    // Profiles whose mode is not read.
    expect(PROFILES.get('shell').permissions).toBeUndefined();
    expect(PROFILES.get('aider').permissions).toBeUndefined();
  });

  it('Copilot: COPILOT_ALLOW_ALL in its truthy spellings; its footer does not show --allow-all-tools', () => {
    expect(copilotEnvMode({ COPILOT_ALLOW_ALL: ' Yes ' })).toMatchObject({
      native: 'allow-all-tools',
      origin: 'env',
    });
    expect(copilotEnvMode({ COPILOT_ALLOW_ALL: 'off' })).toBeNull();
    const spec = PROFILES.get('copilot').permissions;
    expect(spec?.followsLive?.('allow-all-tools')).toBe(false);
    expect(spec?.followsLive?.('manual')).toBe(true);
  });
});

describe('permission modes from settings', () => {
  it('Codex: approval_policy and sandbox_mode at the top of config.toml; the arguments first', () => {
    const toml = [
      'model = "gpt-fake"',
      'approval_policy = "never"',
      "sandbox_mode = 'read-only'",
      '[projects."/w"]',
      'approval_policy = "on-request"',
    ].join('\n');
    const config = codexConfigSettings(toml, '~/.codex/config.toml');
    expect(config).toEqual({
      approval: { value: 'never', evidence: 'approval_policy = "never" in ~/.codex/config.toml' },
      sandbox: { value: 'read-only', evidence: 'sandbox_mode = "read-only" in ~/.codex/config.toml' },
    });
    expect(codexStartMode(codexArgsSettings([]), config)).toEqual({
      native: 'never/read-only',
      evidence:
        'approval_policy = "never" in ~/.codex/config.toml, sandbox_mode = "read-only" in ~/.codex/config.toml',
      origin: 'settings',
    });
    expect(codexStartMode(codexArgsSettings(['-s', 'workspace-write']), config)).toMatchObject({
      native: 'never/workspace-write',
      origin: 'args',
    });
    expect(codexStartMode(codexArgsSettings([]), { approval: null, sandbox: null })).toBeNull();
  });

  it('OpenCode: bash and edit of its config layers, the last that sets one winning', () => {
    const layer = (where: string, permission: unknown, origin: 'settings' | 'env' = 'settings') => ({
      where,
      origin,
      permission,
    });
    expect(opencodeLayersMode([])).toBeNull();
    expect(opencodeLayersMode([layer('a.json', { bash: 'ask', edit: 'ask' })])).toEqual({
      native: 'ask',
      evidence: 'permission bash "ask" in a.json, edit "ask" in a.json',
      origin: 'settings',
    });
    expect(
      opencodeLayersMode([
        layer('a.json', { bash: 'ask', edit: 'ask' }),
        layer('ENV', { edit: 'allow' }, 'env'),
      ]),
    ).toMatchObject({ native: 'edits', origin: 'env' });
    expect(opencodeLayersMode([layer('a.json', 'ask')])?.native).toBe('ask');
    expect(
      opencodeLayersMode([layer('a.json', { '*': 'ask', bash: { '*': 'allow', 'rm *': 'deny' } })])?.native,
    ).toBe('allow');
    expect(
      opencodeLayersMode([layer('a.json', { bash: { 'npm test': 'allow' }, edit: 'deny' })])?.native,
    ).toBe('read-only');
  });

  it('Gemini: general.defaultApprovalMode (or the older tools.approvalMode), never yolo', () => {
    expect(geminiSettingsMode({ general: { defaultApprovalMode: 'auto_edit' } })).toBe('auto_edit');
    expect(geminiSettingsMode({ tools: { approvalMode: 'plan' } })).toBe('plan');
    expect(geminiSettingsMode({ general: { defaultApprovalMode: 'yolo' } })).toBeNull();
  });
});

describe('shared readers', () => {
  it('options as a CLI parser reads them', () => {
    expect(lastOption(['-a', 'x', '--ask=y'], '-a', '--ask')).toBe('y');
    expect(lastOption(['-a'], '-a')).toBeNull();
    expect(lastOption(['--', '-a', 'x'], '-a')).toBeNull();
    expect(hasFlag(['x', '--yolo'], '--yolo')).toBe(true);
    expect(hasFlag(['--', '--yolo'], '--yolo')).toBe(false);
  });

  it('a mode line only near the bottom of the screen', () => {
    const re = /^(\w+) mode on$/;
    const lines = ['auto mode on', 'transcript', '', 'a', 'b', 'c', 'd', ''];
    expect(modeLine(lines, re, (m) => m[1] ?? null)).toBeNull();
    expect(modeLine([...lines, 'plan mode on'], re, (m) => m[1] ?? null)).toEqual({
      native: 'plan',
      evidence: 'screen line 8: "plan mode on"',
    });
  });

  it('JSON with comments and trailing commas; dotted keys', () => {
    const doc = parseJsonc(
      '{\n // a comment\n "a": { "b": "x // not a comment", }, /* c */ "u": "http://x",\n}',
    ) as Record<string, unknown>;
    expect(doc).toEqual({ a: { b: 'x // not a comment' }, u: 'http://x' });
    expect(stringAt(doc, 'a.b')).toBe('x // not a comment');
    expect(stringAt(doc, 'a.c')).toBeNull();
  });
});
