import { describe, expect, it } from 'vitest';
import { COPILOT_DECISION_HOOK, readCopilotHook } from './hooks.js';

/** Payloads as Copilot CLI 1.0.102 sent them to plugin hooks (offline run; long fields cut). */
const SID = '105fca56-582a-4806-b6d9-782be947a6b8';
const base = { session_id: SID, timestamp: '2026-11-23T16:48:02.325Z', cwd: '/tmp/p' };
const PAYLOADS = {
  sessionStart: { hook_event_name: 'SessionStart', ...base, source: 'new', initial_prompt: 'run it' },
  prompt: { hook_event_name: 'UserPromptSubmit', ...base, prompt: 'run it' },
  preTool: {
    hook_event_name: 'PreToolUse',
    ...base,
    tool_name: 'Bash',
    tool_input: { command: 'touch x', description: 'Create a marker file' },
  },
  // PermissionRequest keeps the camelCase payload under its PascalCase key.
  permission: {
    hookName: 'permissionRequest',
    sessionId: SID,
    timestamp: 1795452483488,
    cwd: '/tmp/p',
    toolName: 'bash',
    toolInput: { command: 'touch x' },
    permissionSuggestions: [],
  },
  permissionNote: {
    sessionId: SID,
    timestamp: 1795452483514,
    cwd: '/tmp/p',
    message: 'Run command: touch x',
    title: 'Permission needed',
    hook_event_name: 'Notification',
    notification_type: 'permission_prompt',
  },
  question: {
    sessionId: SID,
    message: 'Information requested',
    title: 'Information requested',
    hook_event_name: 'Notification',
    notification_type: 'elicitation_dialog',
  },
  postTool: {
    hook_event_name: 'PostToolUse',
    ...base,
    tool_name: 'Bash',
    tool_result: { result_type: 'success' },
  },
  stop: { hook_event_name: 'Stop', ...base, stop_reason: 'end_turn', stop_hook_active: false },
  retrying: {
    hook_event_name: 'ErrorOccurred',
    ...base,
    error: { message: '{"type":"rate_limit_exceeded","code":"rate_limit_exceeded","message":"Rate limit"}' },
    error_context: 'model_call',
    recoverable: true,
  },
} satisfies Record<string, Record<string, unknown>>;

const read = (body: Record<string, unknown>) => {
  const r = readCopilotHook(body, 1000);
  return [r.event, r.sessionId, r.signal?.state ?? null, r.signal?.reason ?? null, r.signal?.tool ?? null];
};

describe('readCopilotHook', () => {
  it('reads the events of a turn with a command to approve, by either payload shape', () => {
    expect(Object.values(PAYLOADS).map(read)).toEqual([
      ['SessionStart', SID, null, null, null],
      ['UserPromptSubmit', SID, 'working', null, null],
      ['PreToolUse', SID, 'working', null, 'Bash'],
      // The decision hook: it fires for calls that then run unasked too, so it tells no wait.
      ['PermissionRequest', SID, null, null, null],
      ['Notification', SID, 'needs_permission', 'permission', null],
      ['Notification', SID, 'needs_input', 'question', null],
      ['PostToolUse', SID, 'working', null, 'Bash'],
      ['Stop', SID, 'idle', 'turn_done', null],
      ['ErrorOccurred', SID, null, null, null],
    ]);
    expect(readCopilotHook(PAYLOADS.permissionNote, 5).signal?.evidence).toBe(
      'hook Notification permission_prompt "Run command: touch x"',
    );
  });

  it('the permission request is the decision hook: the tool and its whole command (camelCase toolInput)', () => {
    expect(COPILOT_DECISION_HOOK.request(PAYLOADS.permission)).toEqual({
      tool: 'bash',
      about: 'touch x',
      complete: true,
    });
    expect(COPILOT_DECISION_HOOK.respond('approve', 'why', 'PermissionRequest')).toEqual({
      behavior: 'allow',
    });
    expect(COPILOT_DECISION_HOOK.respond('deny', 'why', 'PermissionRequest')).toEqual({
      behavior: 'deny',
      message: 'why',
    });
    expect(readCopilotHook(PAYLOADS.permissionNote, 5).signal?.request).toEqual({ kind: 'permission' });
    expect(readCopilotHook(PAYLOADS.question, 5).signal?.request).toEqual({ kind: 'question' });
  });

  it('a final model error: a limit needs input (usage_limit), anything else is an idle error', () => {
    const final = (message: string) => ({ ...PAYLOADS.retrying, recoverable: false, error: { message } });
    expect(read(final('429 Rate limit reached for fake-model.'))).toEqual([
      'ErrorOccurred',
      SID,
      'needs_input',
      'usage_limit',
      null,
    ]);
    expect(read(final('500 The fake server had an error.'))).toEqual([
      'ErrorOccurred',
      SID,
      'idle',
      'error',
      null,
    ]);
  });
});
