import { describe, expect, it } from 'vitest';
import { askedAbout } from '../../protocol/agent-words.js';
import { qwenHookReader, readQwenHook } from './hooks.js';

/** Payloads as Qwen Code 0.24.4 sent them to command hooks (offline run; long fields cut). */
const SID = '61df294c-9bd1-4632-b5f5-77175d7a7c8a';
const base = {
  session_id: SID,
  cwd: '/tmp/p',
  permission_mode: 'default',
  timestamp: '2026-11-23T16:41:59.317Z',
};
const P = {
  start: { ...base, hook_event_name: 'SessionStart', source: 'startup' },
  prompt: { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'touch the file' },
  permission: {
    ...base,
    hook_event_name: 'PermissionRequest',
    tool_name: 'run_shell_command',
    tool_input: { command: 'touch out.txt', description: 'make a file' },
  },
  editPermission: {
    ...base,
    hook_event_name: 'PermissionRequest',
    tool_name: 'write_file',
    tool_input: { file_path: '/tmp/p/a.txt', content: 'x' },
  },
  question: {
    ...base,
    hook_event_name: 'PermissionRequest',
    tool_name: 'ask_user_question',
    tool_input: { questions: [{ question: 'Which colour?' }] },
  },
  permissionNote: {
    ...base,
    hook_event_name: 'Notification',
    notification_type: 'permission_prompt',
    message: 'Qwen Code needs your permission to use run_shell_command',
  },
  questionNote: {
    ...base,
    hook_event_name: 'Notification',
    notification_type: 'permission_prompt',
    message: 'Qwen Code needs your permission to use ask_user_question',
  },
  preTool: { ...base, hook_event_name: 'PreToolUse', tool_name: 'run_shell_command', tool_input: {} },
  stop: { ...base, hook_event_name: 'Stop', stop_hook_active: false },
  idle: {
    ...base,
    hook_event_name: 'Notification',
    notification_type: 'idle_prompt',
    message: 'Qwen Code is waiting for your input',
    title: 'Waiting for input',
  },
  limit: {
    ...base,
    hook_event_name: 'StopFailure',
    error: 'rate_limit',
    error_details: '429 You exceeded your current quota',
  },
  badRequest: { ...base, hook_event_name: 'StopFailure', error: 'invalid_request', error_details: '400 bad' },
};

const state = (b: Record<string, unknown>) => {
  const s = readQwenHook(b, 1).signal;
  return s && [s.state, s.reason, s.evidence];
};

describe('readQwenHook', () => {
  it('maps each event to a state, with what a permission is about', () => {
    // A fresh session (startup, /clear) has nothing to resume yet: a restart must not `--resume` it.
    expect(readQwenHook(P.start, 1)).toEqual({
      signal: null,
      sessionId: SID,
      event: 'SessionStart',
      fresh: true,
    });
    expect(readQwenHook({ ...P.start, source: 'resume' }, 1).fresh).toBeUndefined();
    expect(readQwenHook(P.prompt, 1).fresh).toBeUndefined();
    expect(state(P.prompt)).toEqual(['working', undefined, 'hook UserPromptSubmit']);
    expect(state(P.preTool)).toEqual(['working', undefined, 'hook PreToolUse run_shell_command']);
    expect(state(P.permission)).toEqual([
      'needs_permission',
      'permission',
      'hook PermissionRequest run_shell_command "touch out.txt"',
    ]);
    expect(state(P.editPermission)).toEqual([
      'needs_permission',
      'permission',
      'hook PermissionRequest write_file "/tmp/p/a.txt"',
    ]);
    expect(state(P.question)).toEqual([
      'needs_input',
      'question',
      'hook PermissionRequest ask_user_question',
    ]);
    expect(state(P.permissionNote)?.slice(0, 2)).toEqual(['needs_permission', 'permission']);
    expect(state(P.questionNote)?.slice(0, 2)).toEqual(['needs_input', 'question']);
    expect(state(P.stop)).toEqual(['idle', 'turn_done', 'hook Stop']);
    expect(state(P.idle)?.slice(0, 2)).toEqual(['idle', 'at_prompt']);
    expect(state(P.limit)).toEqual([
      'needs_input',
      'usage_limit',
      'hook StopFailure rate_limit "429 You exceeded your current quota"',
    ]);
    expect(state(P.badRequest)?.slice(0, 2)).toEqual(['idle', 'error']);
    expect(readQwenHook(P.permission, 1).signal?.tool).toBe('run_shell_command');
  });

  it('the request: the command, the file and its content, the question; its target is the one askedAbout reads', () => {
    const request = (body: Record<string, unknown>) => readQwenHook(body, 1).signal?.request;
    expect(request(P.permission)).toEqual({
      kind: 'permission',
      tool: 'run_shell_command',
      about: 'touch out.txt',
      complete: true,
    });
    expect(request(P.editPermission)).toEqual({
      kind: 'permission',
      tool: 'write_file',
      about: '/tmp/p/a.txt',
      complete: true,
      diff: 'x',
    });
    expect(request(P.question)).toEqual({
      kind: 'question',
      tool: 'ask_user_question',
      question: 'Which colour?',
    });
    expect(request(P.permissionNote)).toEqual({ kind: 'permission' });
    expect(request(P.questionNote)).toEqual({ kind: 'question', tool: 'ask_user_question' });
    for (const body of [P.permission, P.editPermission]) {
      const s = readQwenHook(body, 1).signal;
      expect(askedAbout(s?.evidence)).toBe(s?.request?.about);
    }
  });
});

describe('qwenHookReader', () => {
  const run = (...bodies: Record<string, unknown>[]) => {
    const read = qwenHookReader();
    return bodies.map((b) => {
      const s = read(b, 1).signal;
      return s && `${s.state}/${s.reason ?? ''}`;
    });
  };

  it('idle_prompt after Stop or StopFailure says nothing: the turn end or the usage limit stands', () => {
    expect(run(P.prompt, P.stop, P.idle)).toEqual(['working/', 'idle/turn_done', null]);
    expect(run(P.prompt, P.limit, P.idle)).toEqual(['working/', 'needs_input/usage_limit', null]);
    expect(run(P.prompt, P.stop, P.idle, P.idle)).toEqual(['working/', 'idle/turn_done', null, null]);
  });

  it('idle_prompt alone after a turn began (Esc on a turn or a dialog) → interrupted; at start → at_prompt', () => {
    expect(run(P.prompt, P.idle)).toEqual(['working/', 'idle/interrupted']);
    expect(run(P.prompt, P.permission, P.permissionNote, P.idle).at(-1)).toBe('idle/interrupted');
    expect(run(P.start, P.idle)).toEqual([null, 'idle/at_prompt']);
    expect(run(P.idle)).toEqual(['idle/at_prompt']);
  });

  it('remembers sessions apart', () => {
    const other = { ...P.stop, session_id: 'other' };
    expect(run(P.prompt, other, P.idle)).toEqual(['working/', 'idle/turn_done', 'idle/interrupted']);
  });
});
