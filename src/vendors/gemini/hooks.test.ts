import { describe, expect, it } from 'vitest';
import { geminiHookReader, readGeminiHook } from './hooks.js';

/** Payloads as Gemini CLI 0.61.0 sent them to settings hooks (offline run; long fields cut). */
const SID = 'f437d34a-bcdc-4872-97d3-55de4d9ff80b';
const base = {
  session_id: SID,
  transcript_path: `/h/.gemini/tmp/work/chats/session-2026-11-23T17-41-${SID.slice(0, 8)}.jsonl`,
  cwd: '/tmp/work',
  timestamp: '2026-11-23T17:41:20.385Z',
};
const PAYLOADS = {
  start: { ...base, hook_event_name: 'SessionStart', source: 'startup' },
  prompt: { ...base, hook_event_name: 'BeforeAgent', prompt: 'touch it' },
  beforeTool: {
    ...base,
    hook_event_name: 'BeforeTool',
    tool_name: 'run_shell_command',
    tool_input: { command: 'touch out.txt' },
  },
  permission: {
    ...base,
    hook_event_name: 'Notification',
    notification_type: 'ToolPermission',
    message: 'Tool Confirm Shell Command requires execution',
    details: { type: 'exec', title: 'Confirm Shell Command', command: 'touch out.txt', rootCommand: 'touch' },
  },
  question: {
    ...base,
    hook_event_name: 'Notification',
    notification_type: 'ToolPermission',
    message: 'Tool requires confirmation',
    details: { type: 'ask_user', title: 'Ask User' },
  },
  afterTool: {
    ...base,
    hook_event_name: 'AfterTool',
    tool_name: 'run_shell_command',
    tool_input: { command: 'touch out.txt' },
    tool_response: { llmContent: 'Output: (empty)' },
  },
  done: {
    ...base,
    hook_event_name: 'AfterAgent',
    prompt: 'touch it',
    prompt_response: 'Done.',
    stop_hook_active: false,
  },
  failed: {
    ...base,
    hook_event_name: 'AfterAgent',
    prompt: 'quota please',
    prompt_response: '[no response text]',
    stop_hook_active: false,
  },
};

const RECEIVED = Date.parse('2026-11-23T17:41:25.000Z');
const read = (p: Record<string, unknown>) => readGeminiHook(p, RECEIVED);

describe('readGeminiHook', () => {
  it('keeps the session id of every payload; SessionStart says nothing else, or idle for a resume', () => {
    // A fresh session (startup, /clear) has nothing to resume yet: a restart must not `--resume` it.
    expect(read(PAYLOADS.start)).toEqual({
      signal: null,
      sessionId: SID,
      event: 'SessionStart',
      fresh: true,
    });
    expect(read({ ...PAYLOADS.start, source: 'clear' }).fresh).toBe(true);
    expect(read({ ...PAYLOADS.start, source: 'resume' }).fresh).toBeUndefined();
    expect(read(PAYLOADS.prompt).fresh).toBeUndefined();
    expect(read({ ...PAYLOADS.start, source: 'resume' }).signal).toMatchObject({
      state: 'idle',
      reason: 'at_prompt',
      evidence: 'hook SessionStart resume',
    });
    expect(read(PAYLOADS.done).sessionId).toBe(SID);
  });

  it('a prompt and tool calls are working', () => {
    expect(read(PAYLOADS.prompt).signal).toEqual({
      source: 'hook',
      state: 'working',
      evidence: 'hook BeforeAgent',
      at: Date.parse(base.timestamp),
    });
    expect(read(PAYLOADS.beforeTool).signal).toMatchObject({
      state: 'working',
      tool: 'run_shell_command',
      evidence: 'hook BeforeTool run_shell_command',
    });
    expect(read(PAYLOADS.afterTool).signal).toMatchObject({ state: 'working' });
  });

  it('a permission notification is needs_permission about its command; ask_user is a question', () => {
    expect(read(PAYLOADS.permission).signal).toMatchObject({
      state: 'needs_permission',
      reason: 'permission',
      evidence: 'hook Notification ToolPermission "touch out.txt"',
      request: { kind: 'permission', tool: 'run_shell_command', about: 'touch out.txt', complete: true },
    });
    expect(read(PAYLOADS.question).signal).toMatchObject({
      state: 'needs_input',
      reason: 'question',
      request: { kind: 'question' },
    });
  });

  it('an edit’s permission: the file and its diff (the details Gemini CLI 0.61.0 serialises for an edit)', () => {
    const edit = {
      ...PAYLOADS.permission,
      message: 'Tool Edit requires editing',
      details: {
        type: 'edit',
        title: 'Edit',
        fileName: 'a.txt',
        filePath: '/tmp/work/a.txt',
        fileDiff: '--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-x\n+y\n',
        originalContent: 'x\n',
        newContent: 'y\n',
        isModifying: false,
      },
    };
    expect(read(edit).signal).toMatchObject({
      evidence: 'hook Notification ToolPermission "a.txt"',
      request: {
        kind: 'permission',
        about: '/tmp/work/a.txt',
        diff: '--- a.txt\n+++ a.txt\n@@ -1 +1 @@\n-x\n+y\n',
      },
    });
  });

  it("a fetch's permission (an info dialog): its first URL", () => {
    const fetch = {
      ...PAYLOADS.permission,
      message: 'Tool Confirm Web Fetch requires information',
      details: {
        type: 'info',
        title: 'Confirm Web Fetch',
        prompt: 'Summarise https://example.com/a and https://example.com/b',
        urls: ['https://example.com/a', 'https://example.com/b'],
      },
    };
    expect(read(fetch).signal?.request).toEqual({ kind: 'permission', about: 'https://example.com/a' });
    // One URL of one: the whole request.
    const one = { ...fetch, details: { ...(fetch.details as object), urls: ['https://example.com/a'] } };
    expect(read(one).signal?.request).toEqual({
      kind: 'permission',
      about: 'https://example.com/a',
      complete: true,
    });
  });

  it('the tool of a dialog, told by its type and title (the details name none but an MCP tool)', () => {
    const tool = (details: Record<string, unknown>) =>
      read({ ...PAYLOADS.permission, details }).signal?.request?.tool;
    expect(tool({ type: 'edit', title: 'Confirm Edit: src/a.ts', filePath: '/w/src/a.ts' })).toBe('replace');
    expect(tool({ type: 'edit', title: 'Confirm Write: a.txt', filePath: '/w/a.txt' })).toBe('write_file');
    expect(tool({ type: 'mcp', title: 'x', serverName: 's', toolName: 'do_it' })).toBe('do_it');
    // Not the shell tool's dialog (a slash command's expansion), or a title it does not know: no tool.
    expect(tool({ type: 'exec', title: 'Confirm Shell Expansion', command: 'ls' })).toBeUndefined();
    expect(tool({ type: 'edit', title: 'Edit', filePath: '/w/a.txt' })).toBeUndefined();
  });

  it('dates a signal when Gemini fired the hook (a late call is not newer than the screen); else on receipt', () => {
    expect(read(PAYLOADS.prompt).signal?.at).toBe(Date.parse('2026-11-23T17:41:20.385Z'));
    expect(read({ ...PAYLOADS.prompt, timestamp: 'soon' }).signal?.at).toBe(RECEIVED);
    expect(read({ ...PAYLOADS.prompt, timestamp: '2026-11-23T17:42:00.000Z' }).signal?.at).toBe(RECEIVED);
  });

  it('AfterAgent is idle turn_done, unless the turn gave no text (the screen tells why)', () => {
    expect(read(PAYLOADS.done).signal).toMatchObject({ state: 'idle', reason: 'turn_done' });
    expect(read(PAYLOADS.failed).signal).toBeNull();
  });
});

describe('geminiHookReader: the tool a dialog asks for, from the BeforeTool hook just before it', () => {
  const edit = (fileName: string) => ({
    ...PAYLOADS.permission,
    message: 'Tool WriteFile requires editing',
    details: { type: 'edit', title: 'WriteFile', fileName, filePath: `/tmp/work/${fileName}` },
  });
  const before = (tool: string) => ({ ...PAYLOADS.beforeTool, tool_name: tool });

  it('names the tool of the call whose dialog it is', () => {
    const read = geminiHookReader();
    read(before('run_shell_command'), RECEIVED);
    expect(read(PAYLOADS.permission, RECEIVED).signal?.request).toEqual({
      kind: 'permission',
      tool: 'run_shell_command',
      about: 'touch out.txt',
      complete: true,
    });
    read(before('write_file'), RECEIVED);
    expect(read(edit('a.txt'), RECEIVED).signal?.request).toMatchObject({ tool: 'write_file' });
  });

  it("an MCP tool's full name (mcp_<server>_<tool>), not the dialog's short one", () => {
    const read = geminiHookReader();
    read(before('mcp_probe_ping'), RECEIVED);
    const mcp = {
      ...PAYLOADS.permission,
      details: { type: 'mcp', title: 'Confirm MCP Tool', serverName: 'probe', toolName: 'ping' },
    };
    expect(read(mcp, RECEIVED).signal?.request).toEqual({ kind: 'permission', tool: 'mcp_probe_ping' });
    expect(readGeminiHook(mcp, RECEIVED).signal?.request).toEqual({ kind: 'permission', tool: 'ping' });
  });

  it('names none when the last BeforeTool is of another kind or another session', () => {
    const read = geminiHookReader();
    // A dialog whose title does not tell its tool (a slash command's shell expansion is `exec` too).
    const untitled = {
      ...PAYLOADS.permission,
      details: { ...PAYLOADS.permission.details, title: 'Confirm Shell Expansion' },
    };
    read(before('web_fetch'), RECEIVED);
    expect(read(untitled, RECEIVED).signal?.request?.tool).toBeUndefined();
    read({ ...before('run_shell_command'), session_id: 'another' }, RECEIVED);
    expect(read(untitled, RECEIVED).signal?.request?.tool).toBeUndefined();
    // The title tells the shell's own dialog, whatever came before it.
    expect(read(PAYLOADS.permission, RECEIVED).signal?.request?.tool).toBe('run_shell_command');
  });
});
