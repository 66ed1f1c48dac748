import { describe, expect, it } from 'vitest';
import { readOpencodeHook } from './hooks.js';

/** Bodies as our plugin (setup.ts) posts them for OpenCode 1.18.33's events. */
const SID = 'ses_df67fde4affe0S6VbkKKmtdVxl';
const body = (
  event: string,
  properties: Record<string, unknown> = {},
  more: Record<string, unknown> = {},
) => ({
  hook_event_name: event,
  session_id: SID,
  subagent: false,
  properties,
  ...more,
});
const AT = 1_795_452_483_488;
const read = (b: Record<string, unknown>) => readOpencodeHook(b, AT);

describe('readOpencodeHook', () => {
  it('tells the session id, and working from session.status busy', () => {
    expect(read(body('session.created'))).toEqual({ signal: null, sessionId: SID, event: 'session.created' });
    expect(read(body('session.status', { type: 'busy' })).signal).toEqual({
      source: 'hook',
      state: 'working',
      evidence: 'hook session.status busy',
      at: AT,
    });
  });

  it('idle: turn_done, interrupted after a MessageAbortedError, error after another error', () => {
    expect(read(body('session.idle')).signal).toMatchObject({ state: 'idle', reason: 'turn_done' });
    expect(read(body('session.idle', {}, { error: 'MessageAbortedError' })).signal).toMatchObject({
      state: 'idle',
      reason: 'interrupted',
      evidence: 'hook session.idle after MessageAbortedError',
    });
    expect(read(body('session.idle', {}, { error: 'APIError' })).signal).toMatchObject({
      state: 'idle',
      reason: 'error',
    });
  });

  it('a permission names the tool and what it is about (the command or the file)', () => {
    const bash = read(body('permission.asked', { permission: 'bash', about: 'echo hi > out.txt' }));
    expect(bash.signal).toEqual({
      source: 'hook',
      state: 'needs_permission',
      reason: 'permission',
      evidence: 'hook permission.asked bash "echo hi > out.txt"',
      at: AT,
      tool: 'bash',
      request: { kind: 'permission', tool: 'bash', about: 'echo hi > out.txt' },
    });
    const edit = read(body('permission.asked', { permission: 'edit', about: '/p/notes.txt' }));
    expect(edit.signal?.evidence).toBe('hook permission.asked edit "/p/notes.txt"');
    expect(edit.signal?.request).toEqual({ kind: 'permission', tool: 'edit', about: '/p/notes.txt' });
    // The request keeps the whole target; the evidence quotes its first 200 characters.
    const long = read(body('permission.asked', { permission: 'bash', about: `echo ${'x'.repeat(290)}` }));
    expect(long.signal?.request?.about).toBe(`echo ${'x'.repeat(290)}`);
    expect(long.signal?.evidence).toBe(`hook permission.asked bash "echo ${'x'.repeat(195)}"`);
    // Complete only when the plugin says it did not cut it (a plugin of before did not say, and cut at 300).
    const whole = read(body('permission.asked', { permission: 'bash', about: 'npm test', aboutCut: false }));
    expect(whole.signal?.request).toEqual({
      kind: 'permission',
      tool: 'bash',
      about: 'npm test',
      complete: true,
    });
    const cut = read(body('permission.asked', { permission: 'bash', about: 'npm test', aboutCut: true }));
    expect(cut.signal?.request?.complete).toBeUndefined();
    // An MCP tool's pattern (`*`) and a subagent's type name no target.
    expect(read(body('permission.asked', { permission: 'probe_ping', about: '*' })).signal?.request).toEqual({
      kind: 'permission',
      tool: 'probe_ping',
    });
    expect(read(body('permission.asked', { permission: 'task', about: 'general' })).signal?.request).toEqual({
      kind: 'permission',
      tool: 'task',
    });
    // A skill's name and an lsp call's file: their dialogs draw "Call tool <name>" alone.
    expect(read(body('permission.asked', { permission: 'skill', about: 'deploy' })).signal?.request).toEqual({
      kind: 'permission',
      tool: 'skill',
    });
    expect(read(body('permission.asked', { permission: 'lsp', about: '/p/a.ts' })).signal?.request).toEqual({
      kind: 'permission',
      tool: 'lsp',
    });
    // A search: the pattern its dialog quotes (`✱ Glob "<pattern>"`).
    expect(read(body('permission.asked', { permission: 'glob', about: 'g-*.txt' })).signal?.request).toEqual({
      kind: 'permission',
      tool: 'glob',
      about: 'g-*.txt',
    });
    // A repeated call's pattern is the tool repeated, which its dialog does not draw.
    expect(
      read(body('permission.asked', { permission: 'doom_loop', about: 'read' })).signal?.request,
    ).toEqual({
      kind: 'permission',
      tool: 'doom_loop',
    });
    // An outside folder: the folder its dialog names.
    expect(
      read(body('permission.asked', { permission: 'external_directory', about: '/w/out' })).signal?.request,
    ).toEqual({ kind: 'permission', tool: 'external_directory', about: '/w/out' });
    expect(read(body('permission.replied', { reply: 'once' })).signal).toMatchObject({
      state: 'working',
      evidence: 'hook permission.replied once',
    });
  });

  it('a question needs input; its answer is working again', () => {
    expect(read(body('question.asked', { question: 'Which colour?', options: [] })).signal).toMatchObject({
      state: 'needs_input',
      reason: 'question',
      evidence: 'hook question.asked "Which colour?"',
      request: { kind: 'question', question: 'Which colour?' },
    });
    const choices = body('question.asked', { question: 'Which colour?', options: ['Red', 'Blue'] });
    expect(read(choices).signal?.request).toEqual({
      kind: 'question',
      question: 'Which colour?',
      options: ['Red', 'Blue'],
    });
    expect(read(body('question.replied')).signal).toMatchObject({ state: 'working' });
    expect(read(body('question.rejected')).signal).toMatchObject({ state: 'working' });
  });

  it('a rate-limited retry is a usage limit until its next attempt; other retries are working', () => {
    const next = AT + 29_000;
    const limit = read(
      body('session.status', {
        type: 'retry',
        attempt: 1,
        message: 'Rate limit reached for requests',
        next,
      }),
    );
    expect(limit.signal).toEqual({
      source: 'hook',
      state: 'needs_input',
      reason: 'usage_limit',
      evidence: 'hook session.status retry #1 "Rate limit reached for requests"',
      at: AT,
      resetsAt: new Date(next).toISOString(),
    });
    // OpenCode's own plans say so in the retry's action, whatever the message.
    const go = read(
      body('session.status', { type: 'retry', attempt: 1, message: 'Go', action: 'account_rate_limit' }),
    );
    expect(go.signal).toMatchObject({ state: 'needs_input', reason: 'usage_limit' });
    const failing = read(body('session.status', { type: 'retry', attempt: 2, message: 'The server failed' }));
    expect(failing.signal).toMatchObject({
      state: 'working',
      evidence: 'hook session.status retry #2 "The server failed"',
    });
  });

  it("a subagent's session: its dialogs count, its busy/idle and its id do not", () => {
    const sub = { subagent: true, session_id: 'ses_child' };
    expect(read({ ...body('session.status', { type: 'busy' }), ...sub })).toEqual({
      signal: null,
      sessionId: null,
      event: 'session.status',
    });
    expect(read({ ...body('session.idle'), ...sub }).signal).toBeNull();
    const perm = read({ ...body('permission.asked', { permission: 'bash', about: 'ls' }), ...sub });
    expect(perm.signal).toMatchObject({ state: 'needs_permission' });
    expect(perm.sessionId).toBeNull();
  });

  it('says nothing about other or malformed events', () => {
    expect(read({ hook_event_name: 'message.updated' }).signal).toBeNull();
    expect(read({}).event).toBe('unknown');
    expect(read(body('session.status', { type: 42 })).signal).toBeNull();
  });
});
